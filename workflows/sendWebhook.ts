// The "Send a webhook" step: validate, wait any delay on a durable timer, then one activity under the step's retry
// policy. Deterministic: all I/O happens in the deliverWebhook activity.
import { ApplicationFailure, proxyActivities, sleep, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { toMs } from '../src/duration';
import { FailureType } from '../src/failures';
import { resolveRetry, toRetryPolicy } from '../src/retry';
import { StepSchema, displayUrl, formatIssues, type SendWebhookResult, type Step, type StepInput } from '../src/step';

/** A worker that dies mid-delivery is noticed after this long, not after the whole step timeout. */
export const HEARTBEAT_TIMEOUT_MS = 5_000;
/** Room for the activity to read, classify and report after its own deadline fires. */
const REPORT_MARGIN_MS = 10_000;
const HEADER_SAFE = /^[\x21-\x7e]{1,256}$/;

export async function sendWebhook(input: StepInput): Promise<SendWebhookResult> {
  const step = parseStep(input, 'step');
  if (step.delay) await sleep(toMs(step.delay), { summary: `delay before ${step.method} ${displayUrl(step.url)}` });
  return deliverStep(step);
}

/** Parses a step at the workflow boundary; bad input fails the run at once, naming the field. */
export function parseStep(input: unknown, label: string): Step {
  const parsed = StepSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issues = formatIssues(parsed.error, label);
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
    summary: `${step.method} ${displayUrl(step.url)}`,
  });
  // One key per step run, so receivers can drop duplicates: the workflow ID when it fits in a header.
  const webhookId = step.idempotencyKey ?? (HEADER_SAFE.test(info.workflowId) ? info.workflowId : info.runId);
  const started = Date.now();
  const result = await deliverWebhook({ step, webhookId, parentWorkflowId: info.parent?.workflowId });
  return { status: result.status, body: result.body, attempts: result.attempt, durationMs: Date.now() - started };
}
