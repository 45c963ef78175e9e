// Inspecting runs: search attributes and summaries on step and automation runs, failures that read as their reason in
// `temporal workflow describe` and `show`, and payloads that are ciphertext in raw history yet decode with the key,
// across a key rotation. Real dev server, real worker, real receivers, the real temporal CLI.
import { Client, Connection } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { dataConverterFor, parseKeyList } from '../../src/codec';
import { startAutomation, startSendWebhook } from '../../src/client';
import {
  HookstepAttempts,
  HookstepAutomationId,
  HookstepFailureType,
  HookstepHost,
  HookstepMethod,
  HookstepStatus,
} from '../../src/contract';
import { decodeWithTestKey, startTestCodecServer, temporalCli, testKeyring } from '../helpers/codec';
import { expectFailure } from '../helpers/failures';
import { json } from '../helpers/receiver';
import { connectClient, startWorker, temporalAddress, uniqueQueue, useHarness } from '../helpers/temporal';
import { until } from '../helpers/until';

const harness = useHarness('inspect');
const { taskQueue, receiver } = harness;

const SECRET = 'whsec_c2VjcmV0LW9mLXRoZS1pbnNwZWN0LXRlc3Q=';
const AUTHORIZATION = 'Bearer tok-visible-only-to-the-key-holder';
const COOKIE = 'cookie-value-never-in-clear';
const BODY_VALUE = 'body-value-never-in-clear';

/**
 * Payloads that are no user data, written by the server or the SDK's core and never through a codec: search
 * attributes (indexed, so in clear by design) and a local activity marker's own `data` (sequence, attempt, times).
 */
const SKIPPED = new Set(['searchAttributes', 'data']);

/** Every payload in a history, raw as the server stores it, but those in SKIPPED. */
function payloadsOf(history: temporal.api.history.v1.IHistory): Payload[] {
  const found: Payload[] = [];
  const walk = (node: unknown): void => {
    if (!node || typeof node !== 'object' || node instanceof Uint8Array) return;
    const o = node as Record<string, unknown>;
    if (o.metadata && typeof o.metadata === 'object' && 'data' in o) found.push(o);
    for (const [key, value] of Object.entries(o)) if (!SKIPPED.has(key)) walk(value);
  };
  walk(history);
  return found;
}

async function rawHistory(client: Client, workflowId: string) {
  const { history } = await client.workflowService.getWorkflowExecutionHistory({
    namespace: 'default',
    execution: { workflowId },
  });
  return history!;
}

test('raw history over gRPC holds no secret, header value or body in clear, and decodes with the key', async () => {
  const r = await receiver((_req, res) => json(res, 404, { error: 'no such hook' }));
  const step = {
    url: `${r.url}/hooks?order=AG-1`,
    headers: { Authorization: AUTHORIZATION },
    cookies: { session: COOKIE },
    body: { note: BODY_VALUE },
    signing: { secret: SECRET },
  };
  const handle = await startSendWebhook(harness.client(), step, { taskQueue });
  await expectFailure(handle.result());
  const raw = await connectClient({ codec: false });
  try {
    const history = await rawHistory(raw.client, handle.workflowId);
    const bytes = Buffer.from(temporal.api.history.v1.History.encode(history).finish()).toString('latin1');
    // The failure message names scheme, host and path (never the query or credentials), in clear by design.
    for (const secret of [SECRET, SECRET.slice(6), AUTHORIZATION, COOKIE, BODY_VALUE, 'order']) {
      expect(bytes).not.toContain(secret);
    }
    const payloads = payloadsOf(history);
    expect(payloads.length).toBeGreaterThan(2);
    for (const p of payloads) expect(Buffer.from(p.metadata!.encoding).toString()).toBe('binary/encrypted');
    const decoded = JSON.stringify(await Promise.all(payloads.map((p) => decodeWithTestKey(p))));
    expect(decoded).toContain(SECRET);
    expect(decoded).toContain(AUTHORIZATION);
    expect(decoded).toContain(BODY_VALUE);
  } finally {
    await raw.close();
  }
});

test('a key rotation keeps old runs readable, and new runs are under the new key', async () => {
  const r = await receiver((_req, res) => json(res, 200, { ok: true }));
  const old = await startSendWebhook(harness.client(), { url: r.url }, { taskQueue });
  await old.result();
  const oldRing = testKeyring();
  const rotated = parseKeyList(
    `test-2:${Buffer.alloc(32, 7).toString('base64')},${[...oldRing.keys].map(([id, k]) => `${id}:${k.toString('base64')}`).join(',')}`,
    'rotation test',
  );
  const queue = uniqueQueue('inspect-rotated');
  const worker = await startWorker(queue, { dataConverter: dataConverterFor(rotated) });
  const connection = await Connection.connect({ address: temporalAddress() });
  try {
    const client = new Client({ connection, dataConverter: dataConverterFor(rotated) });
    expect(await client.workflow.getHandle(old.workflowId).result()).toMatchObject({ status: 200 });
    const fresh = await startSendWebhook(client, { url: r.url }, { taskQueue: queue });
    expect(await fresh.result()).toMatchObject({ status: 200 });
    const payloads = payloadsOf(await rawHistory(client, fresh.workflowId));
    expect(new Set(payloads.map((p) => Buffer.from(p.metadata!['encryption-key-id']).toString()))).toEqual(
      new Set(['test-2']),
    );
    // A process that still has only the old key cannot read the new run, and says which key it lacks.
    await expect(harness.client().workflow.getHandle(fresh.workflowId).result()).rejects.toThrow(/key "test-2"/);
  } finally {
    await connection.close();
    await worker.stop();
  }
});

test('a failed step carries host, method, status, failure type and attempts, and its summary', async () => {
  const r = await receiver((_req, res) => json(res, 404, { error: 'no' }));
  const handle = await startSendWebhook(harness.client(), { url: `${r.url}/missing`, method: 'PUT' }, { taskQueue });
  await expectFailure(handle.result());
  const described = await handle.describe();
  const attrs = described.typedSearchAttributes;
  expect([
    attrs.get(HookstepHost),
    attrs.get(HookstepMethod),
    attrs.get(HookstepStatus),
    attrs.get(HookstepFailureType),
    attrs.get(HookstepAttempts),
  ]).toEqual([`127.0.0.1:${r.port}`, 'PUT', 404, 'HttpClientError', 1]);
  expect(await described.staticSummary()).toBe(`PUT ${r.url}/missing`);
  // What an operator reads: the reason leads the run's failure in describe and show, type first.
  const reason = `HttpClientError: PUT ${r.url}/missing got HTTP 404 on attempt 1; not retried (4xx)`;
  const described2 = await temporalCli(['workflow', 'describe', '--workflow-id', handle.workflowId], undefined, 'text');
  expect(described2).toMatch(/Status\s+FAILED/);
  expect(described2).toContain(`Message: ${reason}`);
  const shown = await temporalCli(['workflow', 'show', '--workflow-id', handle.workflowId], undefined, 'text');
  expect(shown).toContain('UpsertWorkflowSearchAttributes');
  expect(shown).toContain(`Message: ${reason}`);
  // docs/inspecting.md's list query finds it, through the real CLI (visibility is eventually consistent: wait for it).
  const query = `HookstepHost="127.0.0.1:${r.port}" AND HookstepFailureType="HttpClientError"`;
  const listed = await until(async () => {
    const out = await temporalCli(['workflow', 'list', '--query', query]);
    return out.includes(handle.workflowId) ? out : undefined;
  }, 'the failed step in the list');
  expect(JSON.parse(listed)).toEqual([expect.objectContaining({ status: 'WORKFLOW_EXECUTION_STATUS_FAILED' })]);
});

test('the summary decodes through the codec server; without it the CLI shows no step in clear', async () => {
  const r = await receiver((_req, res) => json(res, 200, { ok: true }));
  const handle = await startSendWebhook(
    harness.client(),
    { url: `${r.url}/summary`, body: { note: BODY_VALUE } },
    { taskQueue },
  );
  await handle.result();
  const codec = await startTestCodecServer();
  try {
    const shown = JSON.parse(await temporalCli(['workflow', 'show', '--workflow-id', handle.workflowId], codec)) as {
      events: { workflowExecutionStartedEventAttributes?: { input: { payloads: { data: string }[] } } }[];
    };
    const [input] = shown.events[0].workflowExecutionStartedEventAttributes!.input.payloads;
    expect(JSON.parse(Buffer.from(input.data, 'base64').toString())).toMatchObject({ body: { note: BODY_VALUE } });
    const described = await temporalCli(['workflow', 'describe', '--workflow-id', handle.workflowId], codec, 'text');
    expect(described).toContain(`StaticSummary  "POST ${r.url}/summary"`);
  } finally {
    await codec.close();
  }
  const encrypted = await temporalCli(['workflow', 'show', '--workflow-id', handle.workflowId]);
  expect(encrypted).not.toContain(BODY_VALUE);
  expect(encrypted).not.toContain(Buffer.from(BODY_VALUE).toString('base64').slice(0, 16));
  expect(encrypted).toContain(Buffer.from('binary/encrypted').toString('base64'));
});

test('a step started by name without hookstep start options gets its host and method when it ends', async () => {
  const r = await receiver((_req, res) => json(res, 201, {}));
  const workflowId = `by-name-${Date.now()}`;
  const handle = await harness.client().workflow.start('sendWebhook', {
    workflowId,
    taskQueue,
    args: [{ url: `${r.url}/x`, method: 'PATCH' }],
  });
  await handle.result();
  const attrs = (await handle.describe()).typedSearchAttributes;
  expect([
    attrs.get(HookstepHost),
    attrs.get(HookstepMethod),
    attrs.get(HookstepStatus),
    attrs.get(HookstepAttempts),
  ]).toEqual([`127.0.0.1:${r.port}`, 'PATCH', 201, 1]);
  expect(attrs.get(HookstepFailureType)).toBeUndefined();
});

test('an automation stopped by a step reads as StepFailed naming the step and its reason; its child is findable', async () => {
  const r = await receiver((_req, res) => json(res, 404, { error: 'no' }));
  const handle = await startAutomation(
    harness.client(),
    { id: 'inspect-sync', steps: [{ id: 'createTicket', type: 'sendWebhook', with: { url: `${r.url}/tickets` } }] },
    { taskQueue },
  );
  await expectFailure(handle.result());
  const parent = await handle.describe();
  expect(await parent.staticSummary()).toBe('automation inspect-sync: 1 step');
  expect([
    parent.typedSearchAttributes.get(HookstepAutomationId),
    parent.typedSearchAttributes.get(HookstepFailureType),
  ]).toEqual(['inspect-sync', 'StepFailed']);
  const child = await harness.client().workflow.getHandle(`${handle.workflowId}/createTicket`).describe();
  expect(await child.staticSummary()).toBe(`POST ${r.url}/tickets`);
  expect([
    child.typedSearchAttributes.get(HookstepAutomationId),
    child.typedSearchAttributes.get(HookstepHost),
    child.typedSearchAttributes.get(HookstepStatus),
  ]).toEqual(['inspect-sync', `127.0.0.1:${r.port}`, 404]);
  const described = await temporalCli(['workflow', 'describe', '--workflow-id', handle.workflowId], undefined, 'text');
  expect(described).toContain(
    `Message: automation inspect-sync stopped: step "createTicket" (steps[0]) failed with HttpClientError: POST ${r.url}/tickets got HTTP 404 on attempt 1; not retried (4xx)`,
  );
});
