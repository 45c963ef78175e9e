/** @cluster */
// Temporal's limits (src/contract/temporalLimits.ts): a run that would reach one fails with hookstep's own failure
// type, naming the step and the sizes, and is never TERMINATED by the server. Real dev server, worker and receivers.
import type { ServerResponse } from 'node:http';
import type { WorkflowHandle } from '@temporalio/client';
import {
  FailureType,
  MAX_AUTOMATION_OUTPUTS_BYTES,
  MAX_AUTOMATION_RENDERED_BYTES,
  MAX_STEP_RESULT_BYTES,
  STEP_LIMITS,
  type AutomationInput,
} from '../../src/contract';
import { startAutomation, startSendWebhook } from '../../src/client';
import { expectFailure } from '../helpers/failures';
import { json } from '../helpers/receiver';
import { useHarness } from '../helpers/temporal';

const harness = useHarness('limits');
const { taskQueue, receiver } = harness;

/** A JSON object of exactly `bytes` bytes: `{"data":"xxx…"}`. */
function replyOf(bytes: number): { data: string } {
  return { data: 'x'.repeat(bytes - '{"data":""}'.length) };
}

/** Steps that each POST to `url`; the receiver's reply becomes each one's output. */
function stepsTo(url: string, count: number): AutomationInput['steps'] {
  return Array.from({ length: count }, (_, i) => ({ id: `s${i + 1}`, type: 'sendWebhook' as const, with: { url } }));
}

async function statusOf(handle: WorkflowHandle): Promise<string | undefined> {
  return (await handle.describe()).status.name;
}

interface OutputsDetails {
  step: string;
  index: number;
  status: number;
  stepBytes: number;
  totalBytes: number;
  limitBytes: number;
}

/** The automation failed (not TERMINATED) with ResultTooLarge naming the step that went over and both sizes. */
async function expectOutputsTooLarge(handle: WorkflowHandle, replyBytes: number, delivered: number): Promise<void> {
  const { links, failure } = await expectFailure(handle.result());
  expect(links).toEqual(['WorkflowFailedError', 'ApplicationFailure']);
  expect(failure.type).toBe(FailureType.ResultTooLarge);
  expect(failure.nonRetryable).toBe(true);
  const details = failure.details?.[0] as OutputsDetails;
  // The step that went over is the one whose output would take the total past the limit, and it was delivered.
  expect(details).toMatchObject({ step: `s${delivered}`, index: delivered - 1, status: 200 });
  expect(details.limitBytes).toBe(MAX_AUTOMATION_OUTPUTS_BYTES);
  expect(details.stepBytes).toBeGreaterThan(replyBytes);
  expect(details.stepBytes).toBeLessThan(replyBytes + 100);
  expect(details.totalBytes).toBeGreaterThan(MAX_AUTOMATION_OUTPUTS_BYTES);
  expect(details.totalBytes - details.stepBytes).toBeLessThanOrEqual(MAX_AUTOMATION_OUTPUTS_BYTES);
  expect(failure.message).toContain(`step "s${delivered}" (steps[${delivered - 1}]) was answered HTTP 200`);
  expect(failure.message).toContain(`its output of ${details.stepBytes} bytes`);
  expect(failure.message).toContain(`to ${details.totalBytes} bytes`);
  expect(await statusOf(handle)).toBe('FAILED');
}

test('issue 18: 6 steps replying 350 KB each fail ResultTooLarge at the step that goes over, not TERMINATED', async () => {
  const reply = replyOf(350_000);
  const target = await receiver((_req, res) => json(res, 200, reply));
  const handle = await startAutomation(
    harness.client(),
    { id: 'big-replies', steps: stepsTo(target.url, 6) },
    { taskQueue },
  );
  // 4 outputs of 350 KB fit in 1.5 MiB, the 5th does not: the 6th step is never sent.
  await expectOutputsTooLarge(handle, 350_000, 5);
  expect(target.requests).toHaveLength(5);
}, 120_000);

test('issue 18: 100 steps replying 21.5 KB each fail ResultTooLarge at the step that goes over', async () => {
  const reply = replyOf(21_500);
  const target = await receiver((_req, res) => json(res, 200, reply));
  const handle = await startAutomation(
    harness.client(),
    { id: 'many-replies', steps: stepsTo(target.url, 100) },
    { taskQueue },
  );
  const { failure } = await expectFailure(handle.result());
  const { index } = failure.details?.[0] as OutputsDetails;
  // 21.5 KB and its key: 73 fit under 1.5 MiB.
  expect(index).toBe(73);
  await expectOutputsTooLarge(handle, 21_500, index + 1);
  expect(target.requests).toHaveLength(index + 1);
}, 600_000);

test('aws-swf-flow-library#21: a reply that will not fit in a result fails the step ResultTooLarge at once, not TERMINATED', async () => {
  // 400,000 bytes of text, kept whole in the result's reply.text: each control character is `\u0001` once encoded as
  // JSON, 6 bytes, 2.4 MB in all, over a payload's 2 MiB.
  const text = '\u0001'.repeat(400_000);
  const target = await receiver((_req, res: ServerResponse) => {
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(text);
  });
  const handle = await startSendWebhook(harness.client(), { url: target.url, body: { n: 1 } }, { taskQueue });
  const { failure } = await expectFailure(handle.result());
  expect(failure.type).toBe(FailureType.ResultTooLarge);
  expect(failure.nonRetryable).toBe(true);
  expect(failure.details?.[0]).toMatchObject({ status: 200, attempt: 1 });
  const bytes = JSON.stringify({ body: {}, reply: { text } }).length;
  expect(failure.message).toContain(
    `got HTTP 200 with a body of ${bytes} bytes once encoded as JSON, over the ${MAX_STEP_RESULT_BYTES}`,
  );
  expect(target.requests).toHaveLength(1);
  expect(await statusOf(handle)).toBe('FAILED');
}, 60_000);

test('issue 18: a step whose templates fill it past 2 MB fails InputTooLarge, nothing sent, not TERMINATED', async () => {
  const target = await receiver((_req, res) => json(res, 200, {}));
  const big = 'y'.repeat(300_000);
  const body = Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`f${i}`, '{{trigger.big}}']));
  const handle = await startAutomation(
    harness.client(),
    { id: 'fat-step', trigger: { big }, steps: [{ id: 'fat', type: 'sendWebhook', with: { url: target.url, body } }] },
    { taskQueue },
  );
  const { links, failure } = await expectFailure(handle.result());
  expect(links).toEqual(['WorkflowFailedError', 'ApplicationFailure', 'ApplicationFailure']);
  expect(failure.type).toBe(FailureType.InputTooLarge);
  const details = failure.details?.[0] as { step: string; stepBytes: number; limitBytes: number };
  expect(details).toMatchObject({ step: 'fat', limitBytes: STEP_LIMITS.maxBytes });
  expect(details.stepBytes).toBeGreaterThan(8 * 300_000);
  expect(failure.message).toContain(
    `step "fat" (steps[0]) is ${details.stepBytes} bytes once its templates are filled`,
  );
  expect(target.requests).toHaveLength(0);
  expect(await statusOf(handle)).toBe('FAILED');
}, 60_000);

test('sdk-go#420: a DSL whose steps together render more than a history holds fails the later steps InputTooLarge', async () => {
  // Each step renders to ~524 KB (just under the 512 KiB of a step) and fails InvalidStep in its own run (a body over
  // 256 KiB), nothing sent; 100 of them put over 50 MiB in the automation's history, which the server would terminate.
  const half = 'z'.repeat(262_000);
  const steps = Array.from({ length: 100 }, (_, i) => ({
    id: `s${i + 1}`,
    type: 'sendWebhook' as const,
    onFailure: 'continue' as const,
    with: { url: 'http://127.0.0.1:9/never', body: { a: '{{trigger.half}}', b: '{{trigger.half}}' } },
  }));
  const handle = await startAutomation(harness.client(), { id: 'dsl', trigger: { half }, steps }, { taskQueue });
  const { steps: outputs } = (await handle.result()) as {
    steps: Record<string, { error: { type: string; message: string } }>;
  };
  const types = Object.values(outputs).map((o) => o.error.type);
  const first = types.indexOf(FailureType.InputTooLarge);
  // 16 MiB holds 32 steps of 524 KB.
  expect(first).toBe(32);
  expect(types.slice(0, first)).toEqual(Array(first).fill(FailureType.InvalidStep));
  expect(types.slice(first)).toEqual(Array(100 - first).fill(FailureType.InputTooLarge));
  expect(outputs.s33.error.message).toMatch(
    new RegExp(
      `^step "s33" \\(steps\\[32\\]\\) is 524\\d{3} bytes once its templates are filled, which would take the automation's rendered steps to \\d+ bytes, over the ${MAX_AUTOMATION_RENDERED_BYTES} its history may hold; nothing was sent$`,
    ),
  );
  expect(await statusOf(handle)).toBe('COMPLETED');
}, 600_000);
