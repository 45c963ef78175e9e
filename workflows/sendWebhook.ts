// The "Send a webhook" step: validated outside the sandbox (the workflow carries no schema library), an optional
// delay on a durable timer, then its attempts (workflows/attempts.ts: the first as a local activity).
import { proxyLocalActivities, sleep, workflowInfo } from '@temporalio/workflow';
import type { Activities, DeliveryCall } from '../activities';
import { FailureType } from '../src/contract/failures';
import { attemptTimeoutMs, hasDelay, stepSummary } from '../src/contract/plan';
import { resolveRetry } from '../src/contract/retry';
import type { SendWebhookResult, StepInput } from '../src/contract/schemas/step';
import { asRunFailure, deliverWithRetries } from './attempts';
import { withOutcome } from './inspect';
import { failVisibly } from './visible';

export { HEARTBEAT_TIMEOUT_MS } from './attempts';

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
    const plan = { timeoutMs: attemptTimeoutMs(input), summary: summaryOf(input), retry: () => resolveRetry(input) };
    const result = await asRunFailure(deliverWithRetries('deliverWebhook', call, plan));
    const { status, body, reply } = result;
    return { status, body, ...(reply && { reply }), attempts: result.attempt, durationMs: Date.now() - started };
  });
}

/** The summary is set before the step is known to be valid; a URL that does not parse is named as such. */
function summaryOf(step: StepInput): string {
  try {
    return stepSummary(step);
  } catch {
    return 'an invalid step';
  }
}
