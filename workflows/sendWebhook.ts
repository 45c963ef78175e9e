// The "Send a webhook" step: validate, wait any delay on a durable timer, then one activity under the step's retry
// policy. Deterministic: all I/O happens in the deliverWebhook activity.
import { ApplicationFailure, proxyActivities, sleep, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import {
  FailureType,
  checkStep,
  displayUrl,
  resolveRetry,
  summaryLine,
  toMs,
  toRetryPolicy,
  type SendWebhookResult,
  type Step,
  type StepInput,
} from '../src/contract';
import { failVisibly } from './visible';

/** A worker that dies mid-delivery is noticed after this long, not after the whole step timeout. */
export const HEARTBEAT_TIMEOUT_MS = 5_000;
/** Room for the activity to read, classify and report after its own deadline fires. */
const REPORT_MARGIN_MS = 10_000;
const HEADER_SAFE = /^[\x21-\x7e]{1,256}$/;

export async function sendWebhook(input: StepInput): Promise<SendWebhookResult> {
  return failVisibly(FailureType.InvalidStep, 'step', async () => {
    const step = parseStep(input, 'step');
    if (step.delay) await sleep(toMs(step.delay), { summary: `delay before ${summaryOf(step)}` });
    return deliverStep(step);
  });
}

function summaryOf(step: Step): string {
  return summaryLine(`${step.method} ${displayUrl(step.url)}`);
}

/** Parses a step at the workflow boundary; bad input fails the run at once, naming the field. */
export function parseStep(input: unknown, label: string): Step {
  const check = checkStep(input, label);
  if (check.ok) return check.step;
  const { issues } = check;
  throw ApplicationFailure.create({
    type: FailureType.InvalidStep,
    message: `invalid step: ${issues.join('; ')}`,
    nonRetryable: true,
    details: [{ issues }],
  });
}

async function deliverStep(step: Step): Promise<SendWebhookResult> {
  const info = workflowInfo();
  const retry = resolveRetry(step);
  const { deliverWebhook } = proxyActivities<Activities>({
    startToCloseTimeout: toMs(step.timeout) + REPORT_MARGIN_MS,
    heartbeatTimeout: HEARTBEAT_TIMEOUT_MS,
    retry: toRetryPolicy(retry),
    summary: summaryOf(step),
  });
  // One key per step run, so receivers can drop duplicates: the workflow ID when it fits in a header.
  const webhookId = step.idempotencyKey ?? (HEADER_SAFE.test(info.workflowId) ? info.workflowId : info.runId);
  const started = Date.now();
  const result = await deliverWebhook({ step, webhookId, parentWorkflowId: info.parent?.workflowId });
  return { status: result.status, body: result.body, attempts: result.attempt, durationMs: Date.now() - started };
}
