// `hookstep worker --metrics`: after a failing and a succeeding step, the Prometheus endpoint shows hookstep's delivery
// counters and attempt durations moving by outcome and host, and the worker wrote one JSON line per attempt with no
// secret in it. The worker is the real CLI in its own process, as a deployment runs it.
import { startSendWebhook } from '../../src/client';
import { freePort, spawnCli, type CliProcess } from '../helpers/cli';
import { expectFailure } from '../helpers/failures';
import { json, startReceiver, type Receiver } from '../helpers/receiver';
import { connectClient, temporalAddress, uniqueQueue, type TestTemporal } from '../helpers/temporal';

const taskQueue = uniqueQueue('metrics');
const SECRET = 'whsec_bWV0cmljcy10ZXN0LXNpZ25pbmctc2VjcmV0';
const AUTHORIZATION = 'Bearer metrics-test-token-never-logged';
let worker: CliProcess;
let metricsUrl: string;
let receiver: Receiver;
let temporal: TestTemporal;

beforeAll(async () => {
  const port = await freePort();
  metricsUrl = `http://127.0.0.1:${port}/metrics`;
  worker = spawnCli(['worker', '--metrics', `127.0.0.1:${port}`], {
    TEMPORAL_ADDRESS: temporalAddress(),
    HOOKSTEP_TASK_QUEUE: taskQueue,
    HOOKSTEP_ALLOWED_NETWORKS: '127.0.0.0/8',
  });
  await worker.waitFor(/hookstep worker polling/);
  receiver = await startReceiver((req, res) => (req.url === '/missing' ? json(res, 404, {}) : json(res, 200, {})));
  temporal = await connectClient();
}, 60_000);

afterAll(async () => {
  worker?.child.kill('SIGTERM');
  await worker?.exited;
  await receiver?.close();
  await temporal?.close();
});

/** Sum of a metric's samples whose labels include all of `labels`. */
function sample(text: string, name: string, labels: Record<string, string>): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    const match = /^(\w+)\{([^}]*)\} (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const has = Object.entries(labels).every(([k, v]) => match[2].includes(`${k}="${v}"`));
    if (has) sum += Number(match[3]);
  }
  return sum;
}

test('the delivery counters and histograms move after a failing and a succeeding step', async () => {
  const host = `127.0.0.1:${receiver.port}`;
  const before = await (await fetch(metricsUrl)).text();
  const failed = { outcome: 'HttpClientError', host, final: 'true' };
  const delivered = { outcome: 'Delivered', host, final: 'true' };
  expect(sample(before, 'hookstep_deliveries_total', failed)).toBe(0);

  const step = {
    headers: { Authorization: AUTHORIZATION },
    signing: { secret: SECRET },
    body: { orderId: 'AG-1' },
  };
  const bad = await startSendWebhook(temporal.client, { ...step, url: `${receiver.url}/missing` }, { taskQueue });
  await expectFailure(bad.result());
  const good = await startSendWebhook(temporal.client, { ...step, url: `${receiver.url}/ok` }, { taskQueue });
  await good.result();

  const after = await (await fetch(metricsUrl)).text();
  expect(sample(after, 'hookstep_deliveries_total', failed)).toBe(1);
  expect(sample(after, 'hookstep_deliveries_total', delivered)).toBe(1);
  expect(sample(after, 'hookstep_delivery_attempt_duration_count', failed)).toBe(1);
  expect(sample(after, 'hookstep_delivery_attempt_duration_count', delivered)).toBe(1);
  // The SDK's own metrics come from the same endpoint.
  expect(after).toMatch(/^temporal_\w+/m);

  // One JSON line per attempt, naming the run, and never a secret, a header value or the body.
  const lines = worker
    .output()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((l) => l.msg === 'delivery attempt');
  expect(lines.find((l) => l.workflowId === bad.workflowId)).toMatchObject({
    runId: (await bad.describe()).runId,
    attempt: 1,
    method: 'POST',
    host,
    status: 404,
    outcome: 'HttpClientError',
    final: true,
    durationMs: expect.any(Number),
  });
  expect(lines.find((l) => l.workflowId === good.workflowId)).toMatchObject({ status: 200, outcome: 'Delivered' });
  // (The SDK's own log lines quote failure messages, which name scheme, host and path: never a secret.)
  for (const secret of [SECRET, SECRET.slice(6), AUTHORIZATION, 'AG-1']) {
    expect(worker.output()).not.toContain(secret);
  }
});
