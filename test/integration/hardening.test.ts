/** @cluster */
// Inputs that once left a run Running forever (a workflow-task failure loop) or could never be sent, started by
// workflow name as another SDK would, so the workflow's own handling is what is tested. Each must end at once.
import { execFileSync } from 'node:child_process';
import type { ServerResponse } from 'node:http';
import { ServiceError } from '@temporalio/client';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findTemporalCli } from '../../src/worker';
import { FailureType, MAX_ID_LENGTH } from '../../src/contract';
import { endsWithin } from '../helpers/ending';
import { expectFailure } from '../helpers/failures';
import { json } from '../helpers/receiver';
import { temporalAddress, uniqueQueue, useHarness } from '../helpers/temporal';

const harness = useHarness('hardening');
const { taskQueue, receiver } = harness;
const BOUND_MS = 20_000;

async function startByName(type: 'sendWebhook' | 'automation', input: unknown, workflowId = uniqueQueue(type)) {
  return harness.client().workflow.start(type, { taskQueue, workflowId, args: [input] });
}

/** Starts the input by name and expects a prompt failure of `type`; returns the failure. */
async function failsAtOnce(type: 'sendWebhook' | 'automation', input: unknown, failureType: string) {
  const handle = await startByName(type, input);
  const { failure } = await endsWithin(handle, BOUND_MS, expectFailure(handle.result()));
  expect(failure.type).toBe(failureType);
  expect(failure.nonRetryable).toBe(true);
  return failure;
}

test.each(['0s', '0.4ms'])('a retry interval of %s fails InvalidStep, not a hung run', async (initialInterval) => {
  const r = await receiver((_req, res) => json(res, 200, {}));
  const failure = await failsAtOnce('sendWebhook', { url: r.url, retry: { initialInterval } }, FailureType.InvalidStep);
  expect(failure.message).toContain('step.retry.initialInterval');
  expect(r.requests).toHaveLength(0);
});

test('an Expect header fails InvalidStep instead of retrying for 42 minutes', async () => {
  const r = await receiver((_req, res) => json(res, 200, {}));
  const failure = await failsAtOnce(
    'sendWebhook',
    { url: r.url, headers: { Expect: '100-continue' } },
    FailureType.InvalidStep,
  );
  expect(failure.message).toContain('step.headers.Expect: this header is set by hookstep');
  expect(r.requests).toHaveLength(0);
});

test('30,000 invalid body values fail InvalidStep with a capped message and details', async () => {
  const r = await receiver((_req, res) => json(res, 200, {}));
  const body = Object.fromEntries(Array.from({ length: 30_000 }, (_, i) => [`k${i}`, [1]]));
  const failure = await failsAtOnce('sendWebhook', { url: r.url, body }, FailureType.InvalidStep);
  expect(failure.message.length).toBeLessThan(8_000);
  expect(failure.message).toContain('…and 29980 more issues');
  expect((failure.details?.[0] as { issues: string[] }).issues).toHaveLength(21);
  expect(r.requests).toHaveLength(0);
});

test('a trigger nested 6,000 levels fails InvalidAutomation, not a stack overflow in the workflow', async () => {
  const r = await receiver((_req, res) => json(res, 200, {}));
  // The TypeScript client cannot even encode this, so it is started as the temporal CLI (or another SDK) would.
  const steps = `[{"id":"s","type":"sendWebhook","with":{"url":"${r.url}"}}]`;
  const input = `{"id":"deep","steps":${steps},"trigger":${'{"a":'.repeat(6_000)}1${'}'.repeat(6_000)}}`;
  const dir = mkdtempSync(join(tmpdir(), 'hookstep-deep-'));
  writeFileSync(join(dir, 'input.json'), input);
  const workflowId = uniqueQueue('deep');
  execFileSync(findTemporalCli()!, [
    ...['workflow', 'start', '--address', temporalAddress(), '--task-queue', taskQueue],
    ...['--type', 'automation', '--workflow-id', workflowId, '--input-file', join(dir, 'input.json')],
  ]);
  const handle = harness.client().workflow.getHandle(workflowId);
  const { failure } = await endsWithin(handle, BOUND_MS, expectFailure(handle.result()));
  expect(failure.type).toBe(FailureType.InvalidAutomation);
  expect(failure.message).toContain('nested more than 64 levels deep');
  expect(r.requests).toHaveLength(0);
});

test('a __proto__ key fails InvalidStep naming it, and its nested value is never sent', async () => {
  const r = await receiver((_req, res) => json(res, 200, {}));
  const input = JSON.parse(`{"url":"${r.url}","body":{"a":1,"__proto__":{"nested":[1,2]}}}`) as unknown;
  const failure = await failsAtOnce('sendWebhook', input, FailureType.InvalidStep);
  expect(failure.message).toContain('step.body.__proto__: "__proto__" is not allowed as a key');
  expect(r.requests).toHaveLength(0);
});

test('declared fields named constructor and toString, omitted by the receiver, are missing (not functions)', async () => {
  const r = await receiver((_req, res) => json(res, 200, { id: 'x' }));
  const handle = await startByName('sendWebhook', {
    url: r.url,
    response: { fields: { id: 'string', constructor: 'string?', toString: 'number?' } },
  });
  await expect(endsWithin(handle, BOUND_MS, handle.result())).resolves.toMatchObject({ body: { id: 'x' } });
  const required = await failsAtOnce(
    'sendWebhook',
    { url: r.url, response: { fields: { constructor: 'string' } } },
    FailureType.ResponseInvalid,
  );
  expect(required.message).toContain('"constructor" is missing');
});

test('a URL of 8 KiB is delivered, its summary cut to one line', async () => {
  const r = await receiver((_req, res) => json(res, 200, { ok: true }));
  const url = `${r.url}/${'p'.repeat(8_000)}`;
  const handle = await startByName('sendWebhook', { url });
  await expect(endsWithin(handle, BOUND_MS, handle.result())).resolves.toMatchObject({ status: 200 });
});

test('an automation whose workflow ID is as long as the server allows still starts its steps', async () => {
  const r = await receiver((_req, res) => json(res, 200, { ok: true }));
  const handle = await startByName(
    'automation',
    {
      id: 'long',
      steps: [{ id: 'step-with-a-long-name-to-pass-the-limit', type: 'sendWebhook', with: { url: r.url } }],
    },
    `long-${'x'.repeat(MAX_ID_LENGTH - 5)}`,
  );
  const result = await endsWithin(handle, BOUND_MS, handle.result());
  expect(result).toMatchObject({ steps: { 'step-with-a-long-name-to-pass-the-limit': { status: 200 } } });
});

test('a workflow ID longer than PostgreSQL stores is refused at start, by the dev server as by the cluster', async () => {
  const r = await receiver((_req, res) => json(res, 200, { ok: true }));
  const refused = await startByName('sendWebhook', { url: r.url }, 'x'.repeat(MAX_ID_LENGTH + 1)).catch(
    (err: unknown) => err,
  );
  expect(refused).toBeInstanceOf(ServiceError);
  // INVALID_ARGUMENT, not the UNAVAILABLE PostgreSQL's "value too long" became without the limit.
  expect((refused as ServiceError).cause).toMatchObject({ code: 3, details: 'WorkflowId length exceeds limit.' });
  expect(r.requests).toHaveLength(0);
});

test('300 receivers that answer only together all get their first attempt (past 40 task slots and 256 connections)', async () => {
  // Attempt 1 is a local activity, whose workflow task holds a slot until the receiver answers: with the SDK's
  // default of 40 slots, the 41st slow receiver would wait for one of the first 40 to answer or time out. Past 256
  // requests to one origin, a pool capped there would queue the rest until their attempt timed out.
  const held: ServerResponse[] = [];
  const together = 300;
  const r = await receiver((_req, res) => {
    held.push(res);
    if (held.length === together) for (const waiting of held) json(waiting, 200, { ok: true });
  });
  const handles = await Promise.all(
    Array.from({ length: together }, (_, i) =>
      startByName('sendWebhook', { url: `${r.url}/together/${i}`, timeout: '15s' }),
    ),
  );
  const results = await Promise.all(handles.map((h) => endsWithin(h, BOUND_MS, h.result())));
  expect(results.map((result) => (result as { attempts: number }).attempts)).toEqual(Array(together).fill(1));
});
