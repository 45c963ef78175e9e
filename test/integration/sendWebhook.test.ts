/** @cluster */
// The sendWebhook workflow end to end: real dev server, real worker and activities, real receivers on 127.0.0.1.
import type { ServerResponse } from 'node:http';
import { WorkflowFailedError } from '@temporalio/client';
import { CancelledFailure } from '@temporalio/common';
import { FailureType, type DeliveryFailureDetails } from '../../src/contract';
import { sendWebhook, startSendWebhook } from '../../src/client';
import { startTestCodecServer, temporalCli } from '../helpers/codec';
import { endsWithin } from '../helpers/ending';
import { expectFailure } from '../helpers/failures';
import { json } from '../helpers/receiver';
import { startWorker, uniqueQueue, useHarness } from '../helpers/temporal';

const harness = useHarness('send');
const { taskQueue, receiver } = harness;

const fast = { initialInterval: '100ms', maximumInterval: '1s' } as const;

test('2xx: the declared response fields come back typed, and nothing else', async () => {
  const r = await receiver((_req, res) => json(res, 200, { ticketId: 'T-1', priority: 3, tags: ['a'], secret: 'x' }));
  const result = await sendWebhook(
    harness.client(),
    {
      url: `${r.url}/hooks/orders`,
      query: { eventType: 'order.created', page: 2 },
      body: { orderId: 'AG-1:ORD-9', total: 12.5, paid: true, note: null },
      response: { fields: { ticketId: 'string', priority: 'number', tags: 'array?', missing: 'string?' } },
    },
    { taskQueue },
  );
  expect(result).toMatchObject({ status: 200, attempts: 1, body: { ticketId: 'T-1', priority: 3, tags: ['a'] } });
  expect(result.body).not.toHaveProperty('secret');
  const priority: number = result.body.priority;
  expect(priority).toBe(3);
  expect(r.requests).toHaveLength(1);
  expect(r.requests[0].url).toBe('/hooks/orders?eventType=order.created&page=2');
  expect(JSON.parse(r.requests[0].body)).toEqual({ orderId: 'AG-1:ORD-9', total: 12.5, paid: true, note: null });
});

test('500 twice then 200: delivered on attempt 3, with one webhook-id for all attempts', async () => {
  const r = await receiver((_req, res, i) =>
    i < 2 ? json(res, 500, { error: 'busy' }) : json(res, 200, { ok: true }),
  );
  const result = await sendWebhook(harness.client(), { url: r.url, retry: fast }, { taskQueue });
  expect(result.attempts).toBe(3);
  expect(result.status).toBe(200);
  expect(r.requests).toHaveLength(3);
  const ids = new Set(r.requests.map((q) => q.headers['webhook-id']));
  expect(ids.size).toBe(1);
});

test('404: fails once with HttpClientError, receiver hit exactly once', async () => {
  const r = await receiver((_req, res) => json(res, 404, { error: 'no such hook' }));
  const handle = await startSendWebhook(harness.client(), { url: `${r.url}/hooks`, retry: fast }, { taskQueue });
  const { links, failure } = await expectFailure(handle.result());
  // Attempt 1 is a local activity: its failure is the run's own, with no ActivityFailure between.
  expect(links).toEqual(['WorkflowFailedError', 'ApplicationFailure', 'ApplicationFailure']);
  expect(failure.type).toBe(FailureType.HttpClientError);
  expect(failure.nonRetryable).toBe(true);
  expect(failure.message).toBe(`POST ${r.url}/hooks got HTTP 404 on attempt 1; not retried (4xx)`);
  const details = failure.details?.[0] as DeliveryFailureDetails;
  expect(details).toMatchObject({ status: 404, attempt: 1, bodySnippet: '{"error":"no such hook"}' });
  expect(typeof details.durationMs).toBe('number');
  expect(r.requests).toHaveLength(1);
});

test('429 with Retry-After: 2 → the second attempt comes no sooner than 2 s later', async () => {
  const r = await receiver((_req, res, i) =>
    i === 0 ? json(res, 429, { error: 'slow down' }, { 'retry-after': '2' }) : json(res, 200, {}),
  );
  const result = await sendWebhook(harness.client(), { url: r.url, retry: fast }, { taskQueue });
  expect(result.attempts).toBe(2);
  expect(r.requests[1].at - r.requests[0].at).toBeGreaterThanOrEqual(2000);
});

test('a receiver slower than the timeout → Timeout, retried', async () => {
  const r = await receiver((_req, res) => {
    setTimeout(() => json(res, 200, {}), 3000).unref();
  });
  const handle = await startSendWebhook(
    harness.client(),
    { url: r.url, timeout: '300ms', retry: { ...fast, maximumAttempts: 2 } },
    { taskQueue },
  );
  const { links, failure } = await expectFailure(handle.result());
  // Attempt 2 ran as a regular activity: the run's failure is the delivery's, the ActivityFailure kept as its cause.
  expect(links).toEqual(['WorkflowFailedError', 'ApplicationFailure', 'ActivityFailure', 'ApplicationFailure']);
  expect(failure.type).toBe(FailureType.Timeout);
  expect(failure.nonRetryable).toBe(false);
  expect((failure.details?.[0] as DeliveryFailureDetails).attempt).toBe(2);
  expect(failure.message).toMatch(/within 300 ms on attempt 2; giving up after 2 attempts/);
  expect(r.requests).toHaveLength(2);
});

test('a connection reset → ConnectionError, retried', async () => {
  const r = await receiver((_req, res: ServerResponse) => {
    res.socket?.resetAndDestroy();
  });
  const handle = await startSendWebhook(
    harness.client(),
    { url: r.url, retry: { ...fast, maximumAttempts: 2 } },
    { taskQueue },
  );
  const { failure } = await expectFailure(handle.result());
  expect(failure.type).toBe(FailureType.ConnectionError);
  expect((failure.details?.[0] as DeliveryFailureDetails).attempt).toBe(2);
  expect(r.requests).toHaveLength(2);
});

test('a nested body → InvalidStep naming the key, receiver never hit', async () => {
  const r = await receiver((_req, res) => json(res, 200, {}));
  // Started by workflow name, as another SDK would, so the workflow's own validation is what rejects it.
  const handle = await harness.client().workflow.start('sendWebhook', {
    taskQueue,
    workflowId: uniqueQueue('nested'),
    args: [{ url: r.url, body: { order: { id: 1 } } }],
  });
  const { links, failure } = await expectFailure(handle.result());
  expect(links).toEqual(['WorkflowFailedError', 'ApplicationFailure', 'ApplicationFailure']);
  expect(failure.type).toBe(FailureType.InvalidStep);
  expect(failure.message).toContain('step.body.order');
  expect(r.requests).toHaveLength(0);
});

test('a loopback destination without the allowlist → DestinationBlocked, receiver never hit', async () => {
  const strictQueue = uniqueQueue('strict');
  const strict = await startWorker(strictQueue, { allowedNetworks: [] });
  try {
    const r = await receiver((_req, res) => json(res, 200, {}));
    for (const url of [r.url, `http://localhost:${r.port}/`]) {
      const handle = await startSendWebhook(harness.client(), { url, retry: fast }, { taskQueue: strictQueue });
      const { failure } = await expectFailure(handle.result());
      expect(failure.type).toBe(FailureType.DestinationBlocked);
      expect(failure.nonRetryable).toBe(true);
      expect(failure.message).toContain('loopback');
    }
    expect(r.requests).toHaveLength(0);
  } finally {
    await strict.stop();
  }
});

test('every attempt of a failing step shows in temporal workflow describe and show', async () => {
  let release: (() => void) | undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  const r = await receiver(async (_req, res, i) => {
    if (i === 2) await held; // attempt 3 waits until describe has looked at it
    json(res, 500, { error: `busy ${i + 1}` });
  });
  const handle = await startSendWebhook(
    harness.client(),
    { url: r.url, retry: { initialInterval: '50ms', maximumInterval: '50ms', maximumAttempts: 3 } },
    { taskQueue },
  );
  await r.waitFor(3);
  // Heartbeat details and summaries are encrypted: the CLI reads them through the codec server, as an operator would.
  const codec = await startTestCodecServer();
  const described = JSON.parse(
    await temporalCli(['workflow', 'describe', '--workflow-id', handle.workflowId], codec),
  ) as {
    pendingActivities: {
      attempt: number;
      heartbeatDetails?: { payloads: unknown[] };
      lastFailure?: { message: string };
    }[];
  };
  const [pending] = described.pendingActivities;
  // Temporal counts the regular activity's own attempts; the step's attempt is in the heartbeat and the messages.
  expect(pending.attempt).toBe(2);
  expect(pending.lastFailure?.message).toContain('got HTTP 500 on attempt 2; will retry');
  expect(JSON.stringify(pending.heartbeatDetails)).toContain('"attempt":3');
  release!();
  await expectFailure(handle.result());
  const shown = await temporalCli(['workflow', 'show', '--workflow-id', handle.workflowId], codec);
  await codec.close();
  const { events } = JSON.parse(shown) as { events: { userMetadata?: { summary?: { data: string } } }[] };
  const summaries = events.flatMap((e) => (e.userMetadata?.summary ? [atob(e.userMetadata.summary.data)] : []));
  expect(shown).toContain('got HTTP 500 on attempt 1; will retry'); // the local attempt's marker
  expect(summaries).toContain(`"backoff before attempt 2 of POST ${r.url}/"`); // the timer
  expect(shown).toContain('got HTTP 500 on attempt 3; giving up after 3 attempts'); // the activity's last failure
});

test.each([
  ['the first attempt (a local activity)', 0],
  ['a retry (a regular activity)', 1],
])('cancelling a run during %s closes its request long before the timeout; the run ends cancelled', async (_what, failuresFirst) => {
  const closed: Promise<void>[] = [];
  const r = await receiver((_req, res, i) => {
    if (i < failuresFirst) return json(res, 500, { error: 'busy' });
    closed.push(new Promise((resolve) => res.on('close', () => resolve())));
  });
  const handle = await startSendWebhook(harness.client(), { url: r.url, timeout: '60s', retry: fast }, { taskQueue });
  await r.waitFor(failuresFirst + 1);
  await handle.cancel();
  const err = await endsWithin(
    handle,
    10_000,
    handle.result().then(
      () => undefined,
      (e: unknown) => e,
    ),
  );
  expect(err).toBeInstanceOf(WorkflowFailedError);
  expect((err as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
  expect((await handle.describe()).status.name).toBe('CANCELLED');
  // The receiver saw its connection closed: the attempt did not wait out its 60 s timeout.
  await closed[0];
  expect(r.requests).toHaveLength(failuresFirst + 1);
});
