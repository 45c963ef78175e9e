// The "Send a webhook" step. The first attempt runs as a local activity, in the workflow task that starts the run,
// so a step a receiver accepts at once costs one workflow task and no activity dispatch. A failed first attempt
// falls back to a regular activity under the step's retry policy, so every later attempt, its pending state and its
// heartbeats show in the Web UI. Validation happens in those activities: the workflow carries no schema library.
import {
  ActivityFailure,
  ApplicationFailure,
  CancelledFailure,
  TemporalFailure,
  proxyActivities,
  proxyLocalActivities,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities, DeliveryCall, DeliveryResult } from '../activities';
import { FailureType } from '../src/contract/failures';
import { attemptTimeoutMs, hasDelay, stepSummary } from '../src/contract/plan';
import { resolveRetry, retryAfterFirst } from '../src/contract/retry';
import type { SendWebhookResult, StepInput } from '../src/contract/schemas/step';
import { withOutcome } from './inspect';
import { failVisibly } from './visible';

/** A worker that dies mid-delivery is noticed after this long, not after the whole step timeout. */
export const HEARTBEAT_TIMEOUT_MS = 5_000;
/** Room for the activity to read, classify and report after its own deadline fires. */
const REPORT_MARGIN_MS = 10_000;
const HEADER_SAFE = /^[\x21-\x7e]{1,256}$/;

const { checkStep } = proxyLocalActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { maximumAttempts: 3 },
});

export async function sendWebhook(input: StepInput): Promise<SendWebhookResult> {
  return withOutcome(
    () => deliverStep(input),
    (result) => ({ status: result.status, attempts: result.attempts }),
    () => ({ url: input?.url, method: input?.method }),
  );
}

async function deliverStep(input: StepInput): Promise<SendWebhookResult> {
  return failVisibly(FailureType.InvalidStep, 'step', async () => {
    const info = workflowInfo();
    const started = Date.now();
    // One key per step run, so receivers can drop duplicates: the workflow ID when it fits in a header.
    const defaultWebhookId = HEADER_SAFE.test(info.workflowId) ? info.workflowId : info.runId;
    const call: DeliveryCall = { step: input, defaultWebhookId, parentWorkflowId: info.parent?.workflowId };
    if (hasDelay(input)) {
      const { delayMs } = await asRunFailure(checkStep(input));
      await sleep(delayMs, { summary: `delay before ${stepSummary(input)}` });
    }
    const result = await asRunFailure(deliverWithRetries(call));
    return { status: result.status, body: result.body, attempts: result.attempt, durationMs: Date.now() - started };
  });
}

/** Attempt 1 as a local activity; on a retryable failure, the backoff on a timer and the rest as a regular one. */
async function deliverWithRetries(call: DeliveryCall): Promise<DeliveryResult> {
  const timeoutMs = attemptTimeoutMs(call.step) + REPORT_MARGIN_MS;
  const first = proxyLocalActivities<Activities>({
    startToCloseTimeout: timeoutMs,
    retry: { maximumAttempts: 1 },
    summary: `attempt 1: ${summaryOf(call.step)}`,
  });
  try {
    return await first.deliverWebhook(call);
  } catch (err) {
    // Attempt 1 ran, so the step parsed: its retry policy and summary can be read without a schema.
    const after = retryable(err) ? retryAfterFirst(resolveRetry(call.step)) : undefined;
    if (!after) throw err;
    const summary = stepSummary(call.step);
    const waitMs = retryAfterMs(err) ?? after.firstBackoffMs;
    await sleep(waitMs, { summary: `backoff before attempt 2 of ${summary}` });
    const rest = proxyActivities<Activities>({
      startToCloseTimeout: timeoutMs,
      heartbeatTimeout: HEARTBEAT_TIMEOUT_MS,
      retry: after.rest,
      summary,
    });
    return rest.deliverWebhook({ ...call, attemptsBefore: 1 });
  }
}

/**
 * The run fails with the delivery's own failure: its type, message and details, so the run's failure reads
 * "HttpClientError: POST … got HTTP 404 on attempt 1; not retried (4xx)" in `describe` and the page header. What it
 * came from is kept as its cause: the local attempt's own failure, or a regular activity's ActivityFailure.
 */
async function asRunFailure<T>(attempt: Promise<T>): Promise<T> {
  try {
    return await attempt;
  } catch (err) {
    const failure = err instanceof ActivityFailure ? err.cause : err;
    if (!(failure instanceof ApplicationFailure)) throw err;
    const { type, message, details } = failure;
    throw ApplicationFailure.create({
      type: type ?? undefined,
      // Led by the type: the CLI and the Web UI header show a run's message, not its failure type.
      message: type ? `${type}: ${message}` : message,
      details: details ?? undefined,
      nonRetryable: true,
      cause: err instanceof ActivityFailure ? err : failure,
    });
  }
}

/** Whether the step may try again after attempt 1: anything but a non-retryable failure or a cancellation. */
function retryable(err: unknown): boolean {
  const failure = err instanceof ActivityFailure ? err.cause : err;
  if (failure instanceof ApplicationFailure) return !failure.nonRetryable;
  return err instanceof TemporalFailure && !(failure instanceof CancelledFailure);
}

/** A receiver's Retry-After on attempt 1, as the activity recorded it in the failure's details. */
function retryAfterMs(err: unknown): number | undefined {
  const failure = err instanceof ActivityFailure ? err.cause : err;
  const details = failure instanceof ApplicationFailure ? failure.details : undefined;
  const ms = (details?.[0] as { retryAfterMs?: unknown } | undefined)?.retryAfterMs;
  return typeof ms === 'number' ? ms : undefined;
}

function summaryOf(step: StepInput): string {
  // The summary is set before the step is known to be valid; a URL that does not parse is named as such.
  try {
    return stepSummary(step);
  } catch {
    return 'an invalid step';
  }
}
