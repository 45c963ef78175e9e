// The receiver kit against the real dev server and real HTTP on 127.0.0.1: one run per webhook-id however often it
// arrives, nothing started for a webhook that does not verify or parse, and the offload story end to end (a hookstep
// step gets 202 within its timeout while the example handler runs on for minutes).
import type { temporal } from '@temporalio/proto';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { z } from 'zod';
import { createOffloadWorker } from '../../examples/offload/worker';
import { FOLLOW_UP_AFTER } from '../../examples/offload/workflows';
import { startSendWebhook } from '../../src/client';
import { toMs } from '../../src/contract';
import { createReceiver, workflowIdFor } from '../../src/receiver';
import { temporalAddress, uniqueQueue, useHarness } from '../helpers/temporal';
import {
  SECRET,
  WRONG_SECRET,
  expectNoRun,
  post,
  resultLog,
  serveNode,
  signedDelivery,
  webhookId,
} from '../helpers/webhooks';

const harness = useHarness('receiver-sender');
const handlerQueue = uniqueQueue('receiver-handlers');
const PREFIX = 'fulfilOrder-';
const log = resultLog();
let handlerConnection: NativeConnection;
let handlerWorker: Worker;
let handlerRunning: Promise<void>;
let receiver: Awaited<ReturnType<typeof serveNode>>;
let strict: Awaited<ReturnType<typeof serveNode>>;

beforeAll(async () => {
  handlerConnection = await NativeConnection.connect({ address: temporalAddress() });
  handlerWorker = await createOffloadWorker({ connection: handlerConnection, taskQueue: handlerQueue });
  handlerRunning = handlerWorker.run();
  const options = { client: harness.client(), secrets: SECRET, workflowType: 'fulfilOrder', taskQueue: handlerQueue };
  receiver = await serveNode(createReceiver({ ...options, maxBodyBytes: 4096, onResult: log.onResult }));
  const OrderSchema = z.object({ orderId: z.string(), accountId: z.string().optional() });
  strict = await serveNode(createReceiver({ ...options, parse: (p) => OrderSchema.parse(p) }));
}, 60_000);

afterAll(async () => {
  await receiver?.close();
  await strict?.close();
  handlerWorker?.shutdown();
  await handlerRunning;
  await handlerConnection?.close();
});

test('a valid delivery starts exactly one run even when delivered three times concurrently', async () => {
  const id = webhookId();
  const now = Math.floor(Date.now() / 1000);
  // A sender's retries re-sign with a new timestamp and keep the webhook-id.
  const answers = await Promise.all(
    [0, 1, 2].map((i) => post(receiver.url, signedDelivery({ orderId: 'AG-1:ORD-1' }, id, { timestamp: now + i }))),
  );
  const workflowId = `${PREFIX}${id}`;
  expect(answers.map((a) => a.status)).toEqual([202, 202, 202]);
  const runIds = new Set(answers.map((a) => a.json.runId));
  expect(runIds.size).toBe(1);
  expect(answers.map((a) => a.json.workflowId)).toEqual([workflowId, workflowId, workflowId]);
  const description = await harness.client().workflow.getHandle(workflowId).describe();
  expect(description.runId).toBe([...runIds][0]);
  expect(description.status.name).toBe('RUNNING');
  expect(description.type).toBe('fulfilOrder');
});

test.each([
  ['a tampered body', () => tamper(signedDelivery({ orderId: 'AG-1:ORD-2' }, webhookId())), 'WEBHOOK_BAD_SIGNATURE'],
  [
    'a wrong secret',
    () => signedDelivery({ orderId: 'A' }, webhookId(), { secret: WRONG_SECRET }),
    'WEBHOOK_BAD_SIGNATURE',
  ],
  [
    'an old timestamp',
    () => signedDelivery({ orderId: 'A' }, webhookId(), { timestamp: Math.floor(Date.now() / 1000) - 600 }),
    'WEBHOOK_TIMESTAMP_TOO_OLD',
  ],
])('%s gets 401 with its code, and starts no run', async (_what, make, code) => {
  const delivery = make();
  const answer = await post(receiver.url, delivery);
  expect(answer.status).toBe(401);
  expect(answer.headers.get('content-type')).toBe('application/problem+json');
  expect(answer.json).toMatchObject({ status: 401, code });
  expect(JSON.stringify(answer.json)).not.toContain(delivery.headers['webhook-signature'].slice(3));
  await expectNoRun(harness.client(), workflowIdFor(PREFIX, delivery.headers['webhook-id']));
});

test('a redelivery after the run has closed starts nothing and says so', async () => {
  const id = webhookId();
  const first = await post(receiver.url, signedDelivery({ orderId: 'AG-1:ORD-3' }, id));
  expect(first.status).toBe(202);
  const handle = harness.client().workflow.getHandle(first.json.workflowId as string);
  await handle.terminate('closed before the redelivery');
  const again = await post(receiver.url, signedDelivery({ orderId: 'AG-1:ORD-3' }, id));
  expect(again).toMatchObject({ status: 202, json: { workflowId: first.json.workflowId, existing: true } });
  const description = await handle.describe();
  expect(description.runId).toBe(first.json.runId);
  expect(description.status.name).toBe('TERMINATED');
});

describe('bodies', () => {
  test('signed but not JSON: 400 without echoing it, and no run', async () => {
    const delivery = signedDelivery('orderId=secret-looking-value', webhookId());
    const answer = await post(receiver.url, delivery);
    expect(answer).toMatchObject({ status: 400, json: { code: 'BODY_NOT_JSON' } });
    expect(JSON.stringify(answer.json)).not.toContain('secret-looking-value');
    await expectNoRun(harness.client(), workflowIdFor(PREFIX, delivery.headers['webhook-id']));
  });

  test('refused by parse: 400 naming the field, never the value, and no run', async () => {
    const delivery = signedDelivery({ orderId: 12345678, accountId: 'AG-1' }, webhookId());
    const answer = await post(strict.url, delivery);
    expect(answer).toMatchObject({
      status: 400,
      json: { code: 'BODY_INVALID', issues: ['body.orderId: Invalid input: expected string, received number'] },
    });
    expect(JSON.stringify(answer.json)).not.toContain('12345678');
    await expectNoRun(harness.client(), workflowIdFor(PREFIX, delivery.headers['webhook-id']));
  });

  test('over the size cap: 413 before verifying, and no run', async () => {
    const delivery = signedDelivery({ orderId: 'x'.repeat(5000) }, webhookId());
    const answer = await post(receiver.url, delivery);
    expect(answer).toMatchObject({ status: 413, json: { code: 'BODY_TOO_LARGE' } });
    await expectNoRun(harness.client(), workflowIdFor(PREFIX, delivery.headers['webhook-id']));
  });

  test('a GET is 405 with Allow: POST', async () => {
    const res = await fetch(receiver.url);
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
    await res.arrayBuffer();
  });
});

test("the sender's step sees 202 within its timeout while the handler runs on past it", async () => {
  const stepTimeout = '3s';
  const handle = await startSendWebhook(
    harness.client(),
    {
      url: receiver.url,
      body: { orderId: 'AG-1:ORD-9', accountId: 'AG-1' },
      signing: { secret: SECRET },
      timeout: stepTimeout,
      retry: { maximumAttempts: 1 },
      response: { fields: { workflowId: 'string', runId: 'string' } },
    },
    { taskQueue: harness.taskQueue },
  );
  const result = await handle.result();
  // One attempt, answered: a step that timed out would have failed, as it may not retry.
  expect(result).toMatchObject({ status: 202, attempts: 1 });
  expect(result.durationMs).toBeLessThan(toMs(stepTimeout));
  const handlerId = `${PREFIX}${handle.workflowId}`;
  expect(result.body.workflowId).toBe(handlerId);

  const handler = harness.client().workflow.getHandle(handlerId);
  const timer = await waitForEvent(handler, (e) => e.timerStartedEventAttributes != null);
  const seconds = Number(timer.timerStartedEventAttributes!.startToFireTimeout!.seconds);
  expect(seconds * 1000).toBe(toMs(FOLLOW_UP_AFTER));
  expect(seconds * 1000).toBeGreaterThan(toMs(stepTimeout));
  const { events } = await handler.fetchHistory();
  expect(events!.filter((e) => e.activityTaskCompletedEventAttributes != null)).toHaveLength(2);
  expect((await handler.describe()).status.name).toBe('RUNNING');
  expect(log.results.find((r) => r.workflowId === handlerId)).toMatchObject({ status: 202, runId: result.body.runId });
  await handler.terminate('the test has seen enough');
});

function tamper(delivery: { body: string; headers: Record<string, string> }) {
  return { ...delivery, body: delivery.body.replace('ORD-2', 'ORD-3') };
}

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/** Waits until the run's history holds a matching event; rejects after 30 s naming what was there. */
async function waitForEvent(
  handle: { fetchHistory(): Promise<{ events?: HistoryEvent[] | null }> },
  test: (e: HistoryEvent) => boolean,
): Promise<HistoryEvent> {
  const until = Date.now() + 30_000;
  for (;;) {
    const { events } = await handle.fetchHistory();
    const found = events?.find(test);
    if (found) return found;
    if (Date.now() > until) throw new Error(`no such event in ${events?.length ?? 0} events`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
