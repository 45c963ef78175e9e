// What a real `hookstep worker` logs for a routine retry (a 500, then a 200): hookstep's one INFO line per attempt,
// and not the SDK's "Activity failed" WARN with a whole stack, which made a bench figure's logs 100k lines long
// (issue 19, item 8). Unexpected errors keep their stack: test/unit/runtimeLogger.test.ts.
import { startSendWebhook } from '../../src/client';
import type { CliProcess } from '../helpers/cli';
import { json, startReceiver, type Receiver } from '../helpers/receiver';
import { connectClient, spawnWorkerProcess, uniqueQueue, type TestTemporal } from '../helpers/temporal';

const taskQueue = uniqueQueue('attempt-log');
let worker: CliProcess;
let receiver: Receiver;
let temporal: TestTemporal;

beforeAll(async () => {
  worker = await spawnWorkerProcess(taskQueue);
  receiver = await startReceiver((_req, res, index) => json(res, index === 0 ? 500 : 200, {}));
  temporal = await connectClient();
});

afterAll(async () => {
  await receiver?.close();
  await temporal?.close();
});

test('apache/iceberg#10206 (a whole stack trace for every retry): a 500 then a 200 log one INFO line per attempt, and no WARN or stack for the routine 500', async () => {
  const step = { url: `${receiver.url}/flaky`, body: { orderId: 'L-1' }, retry: { initialInterval: '1s' } };
  const handle = await startSendWebhook(temporal.client, step, { taskQueue });
  await handle.result();
  await worker.waitFor(new RegExp(`"workflowId":"${handle.workflowId}"[^\\n]*"outcome":"Delivered"`));

  const lines = worker.output().split('\n');
  const attempts = lines
    .filter((l) => l.startsWith('{') && l.includes(handle.workflowId))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  expect(attempts).toEqual([
    expect.objectContaining({ level: 'INFO', msg: 'delivery attempt', attempt: 1, status: 500, final: false }),
    expect.objectContaining({ level: 'INFO', msg: 'delivery attempt', attempt: 2, status: 200, outcome: 'Delivered' }),
  ]);
  expect(attempts[0].outcome).toBe('HttpRetryableStatus');
  expect(worker.output()).not.toContain('Activity failed');
  expect(lines.filter((l) => /^\s+at /.test(l))).toEqual([]);
});
