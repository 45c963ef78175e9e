// The lever "first attempt as a regular activity": hookstep's step with every attempt, the first included, as a
// regular activity under the step's retry policy (the shape before the local-activity fast path), on the same
// activities and the same validation, so the bench can measure what the fast path is worth in one run.
import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../../../activities';
import { attemptTimeoutMs, stepSummary } from '../../../src/contract/plan';
import { resolveRetry, toRetryPolicy } from '../../../src/contract/retry';
import type { SendWebhookResult, StepInput } from '../../../src/contract/schemas/step';

export async function sendWebhook(input: StepInput): Promise<SendWebhookResult> {
  const info = workflowInfo();
  const started = Date.now();
  const { deliverWebhook } = proxyActivities<Activities>({
    startToCloseTimeout: attemptTimeoutMs(input) + 10_000,
    heartbeatTimeout: 5_000,
    retry: toRetryPolicy(resolveRetry(input)),
    summary: stepSummary(input),
  });
  const result = await deliverWebhook({ step: input, defaultWebhookId: info.workflowId });
  return { status: result.status, body: result.body, attempts: result.attempt, durationMs: Date.now() - started };
}
