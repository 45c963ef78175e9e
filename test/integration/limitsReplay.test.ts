// A run in flight across the deploy that added the limit checks (workflows/sizes.ts) must not fail
// nondeterministically. The fixture is the history of an automation started by the workers before them (main at
// 00d482b, payloads unencrypted) and finished, after a timer, by workers with them: it replays on today's code.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';

test('an automation started before the limit checks replays on the code with them', async () => {
  // Written with JSON.stringify of the fetched History (protobufjs's toJSON): read back with fromObject.
  const history = temporal.api.history.v1.History.fromObject(
    JSON.parse(readFileSync(join(__dirname, '../fixtures/histories/automation-before-limits.json'), 'utf8')),
  );
  await expect(
    Worker.runReplayHistory(
      { workflowBundle: { codePath: process.env.HOOKSTEP_TEST_WORKFLOW_BUNDLE! } },
      history,
      'before-limits-zzgen-9fbd87b5',
    ),
  ).resolves.toBeUndefined();
}, 60_000);
