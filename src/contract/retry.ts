// The retry policy of a step: its own settings over hookstep's defaults. Shared by the workflow, which hands it to
// Temporal, and the activity, which says in its messages whether another attempt will follow.
import type { RetryPolicy } from '@temporalio/common';
import { DEFAULT_RETRY } from './defaults';
import { toMs } from './duration';
import { FailureType } from './failures';
import type { Step } from './schemas/step';

export interface ResolvedRetry {
  initialIntervalMs: number;
  backoffCoefficient: number;
  maximumIntervalMs: number;
  maximumAttempts: number;
}

export function resolveRetry(step: Pick<Step, 'retry'>): ResolvedRetry {
  const retry = step.retry ?? {};
  return {
    initialIntervalMs: toMs(retry.initialInterval ?? DEFAULT_RETRY.initialInterval),
    backoffCoefficient: retry.backoffCoefficient ?? DEFAULT_RETRY.backoffCoefficient,
    maximumIntervalMs: toMs(retry.maximumInterval ?? DEFAULT_RETRY.maximumInterval),
    maximumAttempts: retry.maximumAttempts ?? DEFAULT_RETRY.maximumAttempts,
  };
}

export function toRetryPolicy(retry: ResolvedRetry): RetryPolicy {
  return {
    initialInterval: retry.initialIntervalMs,
    backoffCoefficient: retry.backoffCoefficient,
    maximumInterval: Math.max(retry.maximumIntervalMs, retry.initialIntervalMs),
    maximumAttempts: retry.maximumAttempts,
    // The activity marks these non-retryable itself; listing them guards against a failure made elsewhere.
    nonRetryableErrorTypes: [
      FailureType.HttpRedirect,
      FailureType.HttpClientError,
      FailureType.ResponseInvalid,
      FailureType.DestinationBlocked,
      FailureType.InvalidStep,
      FailureType.EventNotSendable,
    ],
  };
}

/**
 * The step's attempts after the first, when the first ran on its own (as a local activity): the workflow waits the
 * first backoff (or the receiver's Retry-After) on a timer, then hands the rest to Temporal, whose attempt 1 is the
 * step's attempt 2. Backoff continues where the first attempt left it. Undefined when no attempt is left.
 */
export function retryAfterFirst(retry: ResolvedRetry): { firstBackoffMs: number; rest: RetryPolicy } | undefined {
  if (retry.maximumAttempts <= 1) return undefined;
  const ceiling = Math.max(retry.maximumIntervalMs, retry.initialIntervalMs);
  return {
    firstBackoffMs: retry.initialIntervalMs,
    rest: toRetryPolicy({
      ...retry,
      initialIntervalMs: Math.round(Math.min(retry.initialIntervalMs * retry.backoffCoefficient, ceiling)),
      maximumAttempts: retry.maximumAttempts - 1,
    }),
  };
}
