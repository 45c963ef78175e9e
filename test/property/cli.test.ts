// Property: `hookstep send` with random flags ends with exit 0 (delivered), 1 (failed) or 2 (bad input), and exit 2
// means nothing was started or sent. A handful of runs in CI (each is a process); HOOKSTEP_PROPERTY_RUNS for more.
import { WorkflowNotFoundError } from '@temporalio/client';
import fc from 'fast-check';
import { propertyRuns } from '../helpers/arbitraries';
import { runCli } from '../helpers/cli';
import { json, startReceiver, type Receiver } from '../helpers/receiver';
import {
  connectClient,
  startWorker,
  temporalAddress,
  uniqueQueue,
  type RunningWorker,
  type TestTemporal,
} from '../helpers/temporal';

const taskQueue = uniqueQueue('prop-cli');
let worker: RunningWorker;
let receiver: Receiver;
let temporal: TestTemporal;

beforeAll(async () => {
  [worker, receiver, temporal] = await Promise.all([
    startWorker(taskQueue),
    startReceiver((_req, res) => json(res, 200, { ok: true })),
    connectClient(),
  ]);
});

afterAll(async () => {
  await Promise.all([worker?.stop(), receiver?.close(), temporal?.close()]);
});

const text = fc.string({ maxLength: 12 });
const flag = fc.oneof(
  fc.tuple(fc.constant('--field'), fc.oneof(text, fc.constant('__proto__')), text).map(([f, k, v]) => [f, `${k}=${v}`]),
  fc
    .tuple(fc.constant('--field'), text, fc.constantFrom('1', 'true', 'null', '"s"', '[1]', '{', ''))
    .map(([f, k, v]) => [f, `${k}:=${v}`]),
  fc.tuple(fc.constantFrom('--header', '--query', '--cookie'), text, text).map(([f, k, v]) => [f, `${k}=${v}`]),
  fc.tuple(fc.constant('--expect'), fc.constantFrom('ok:boolean', 'ok:string', 'x:number?', 'bad', 'y:int')),
  fc.tuple(fc.constant('--method'), fc.constantFrom('post', 'PUT', 'GET', '')),
  fc.tuple(fc.constant('--timeout'), fc.constantFrom('2s', '1500', '0s', 'soon', '16m')),
  fc.tuple(fc.constant('--secret'), fc.constantFrom('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'nope')),
  fc.tuple(fc.constant('--idempotency-key'), fc.constantFrom('k-1', 'a b', '')),
);

test('send with random flags exits 0, 1 or 2; exit 2 starts and sends nothing', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(flag, { maxLength: 4 }),
      fc.constantFrom('1', '2', '0', 'x'),
      async (flags, maxAttempts) => {
        const workflowId = uniqueQueue('prop-cli');
        const path = `/cli/${workflowId}`;
        const env = { TEMPORAL_ADDRESS: temporalAddress(), HOOKSTEP_TASK_QUEUE: taskQueue };
        const args = ['send', `${receiver.url}${path}`, ...flags.flat(), '--max-attempts', maxAttempts];
        const { code, stderr } = await runCli([...args, '--workflow-id', workflowId], env);
        const context = `hookstep ${args.join(' ')}\n${stderr}`;
        expect([context, [0, 1, 2].includes(code!)]).toEqual([context, true]);
        const started = await temporal.client.workflow
          .getHandle(workflowId)
          .describe()
          .then(
            () => true,
            (err: unknown) => {
              if (err instanceof WorkflowNotFoundError) return false;
              throw err;
            },
          );
        expect([context, started]).toEqual([context, code !== 2]);
        if (code === 2) expect(receiver.requests.filter((r) => r.url.startsWith(path))).toHaveLength(0);
      },
    ),
    { numRuns: propertyRuns(6) },
  );
}, 600_000);
