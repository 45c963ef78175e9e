// Runs in flight survive a deploy: every committed history (test/fixtures/histories, recorded by
// scripts/histories/record.ts, unencrypted) replays against the current workflow code, and a deliberate
// nondeterministic change fails the replay, so such a change fails CI. How to version workflow code:
// docs/_pending/tasks.md.
import { DeterminismViolationError } from '@temporalio/workflow';
import { Worker, type ReplayWorkerOptions } from '@temporalio/worker';
import { bundleAltered } from '../../scripts/histories/alteredBundle';
import { readFixtures, type Fixture } from '../../scripts/histories/fixtures';

const fixtures = readFixtures();

/**
 * Each fixture's replay error (undefined when it replayed), by fixture name. Replayed under its recorded workflow ID,
 * in batches in which no ID repeats (a fan-out's continued runs share theirs), as results are told by ID.
 */
async function replay(workflowBundle: ReplayWorkerOptions['workflowBundle']): Promise<Record<string, unknown>> {
  const errors: Record<string, unknown> = {};
  let rest: Fixture[] = fixtures;
  while (rest.length) {
    const batch = new Map<string, Fixture>();
    for (const f of rest) if (!batch.has(f.workflowId)) batch.set(f.workflowId, f);
    rest = rest.filter((f) => batch.get(f.workflowId) !== f);
    const results = Worker.runReplayHistories(
      { workflowBundle, replayName: 'fixtures' },
      [...batch.values()].map(({ workflowId, history }) => ({ workflowId, history })),
    );
    for await (const { workflowId, error } of results) errors[batch.get(workflowId)!.name] = error;
  }
  return errors;
}

const current = () => ({ codePath: process.env.HOOKSTEP_TEST_WORKFLOW_BUNDLE! });

test('there is a recorded history of every workflow type', () => {
  const types = new Set(
    fixtures.map(({ history }) => history.events?.[0].workflowExecutionStartedEventAttributes?.workflowType?.name),
  );
  const exported = Object.keys(jest.requireActual<Record<string, unknown>>('../../workflows'));
  expect([...types].sort()).toEqual(exported.sort());
});

test('every recorded history replays against the current workflow code', async () => {
  const errors = await replay(current());
  expect(Object.keys(errors).sort()).toEqual(fixtures.map((f) => f.name));
  for (const [name, error] of Object.entries(errors)) expect([name, error]).toEqual([name, undefined]);
});

test('issue 19: the child-ID change without its patch breaks the automation recorded in flight before it', async () => {
  const code = await bundleAltered('automation.ts', (source) =>
    source.replace('parentIdFits(info.workflowId, step.id)', 'info.workflowId.length + 1 + step.id.length <= 255'),
  );
  const errors = await replay({ code });
  expect(String(errors['automation-old-child-id-waiting'])).toContain(
    "Child workflow id of scheduled event 'fixture-long-",
  );
  expect(errors['automation-old-child-id-waiting']).toBeInstanceOf(DeterminismViolationError);
  // Removing a patch outright breaks the runs that recorded it: a patch is retired with deprecatePatch first.
  expect(String(errors['automation-long-id-waiting'])).toContain(
    'patch marker encountered for change child-id-fits-max-id-length',
  );
});

test('a deliberate nondeterministic change to the delivery attempts fails the replay of deliveries that sent attempt 1 locally', async () => {
  // Attempt 1 always a regular activity, without the patch that keeps recorded runs on the local path.
  const code = await bundleAltered('attempts.ts', (source) =>
    source.replace('const first = localFirst()', 'const first = false'),
  );
  const errors = await replay({ code });
  for (const name of ['sendWebhook-retries', 'eventDelivery-retries', 'sendWebhook-failed-child']) {
    expect([name, errors[name]]).toEqual([name, expect.any(DeterminismViolationError)]);
  }
});

test('issue 22: starting automations without its patch breaks the fan-outs recorded before stored automations', async () => {
  const code = await bundleAltered('eventFanOut.ts', (source) =>
    source.replace('const withAutomations = patched(AUTOMATIONS_PATCH)', 'const withAutomations = true'),
  );
  const errors = await replay({ code });
  expect(errors['eventFanOut-continued-last']).toBeInstanceOf(DeterminismViolationError);
});

test('issue 22: writing the run log without its patch breaks the stored automations recorded before the run log', async () => {
  const code = await bundleAltered('runLog.ts', (source) => source.replace('if (!patched(RUN_LOG_PATCH)) return;', ''));
  const errors = await replay({ code });
  for (const name of ['automation-stored-completed', 'automation-stored-failed']) {
    expect([name, errors[name]]).toEqual([name, expect.any(DeterminismViolationError)]);
  }
});
