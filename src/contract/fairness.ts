// Fair delivery (issue 20, item 5): a webhook's cap on requests in flight and its optional rate, as the workflow and
// the activity share them. A delivery that finds its webhook full is throttled: the activity sends nothing and says
// how long to wait, and the workflow waits on a durable timer, holding no worker slot, then tries the same attempt.
import type { RetryPolicy } from '@temporalio/common';
import { toRetryPolicy, type ResolvedRetry } from './retry';

/** Requests to one webhook outstanding at once, across every worker, unless its `maxInFlight` says otherwise. */
export const DEFAULT_MAX_IN_FLIGHT = 10;
export const MAX_MAX_IN_FLIGHT = 1000;
/** The most `ratePerSecond` may be: above it a rate is no longer a limit the registry can space. */
export const MAX_RATE_PER_SECOND = 1000;

/** An attempt that did not start: its webhook had no free slot (or its rate no room) for this long, about. */
export interface Throttled {
  throttled: true;
  /** How long the workflow waits before it tries this attempt again. */
  waitMs: number;
  /** The attempt that did not start, counting from 1: the next try is this attempt again. */
  attempt: number;
}

export function isThrottled(result: unknown): result is Throttled {
  return typeof result === 'object' && result !== null && (result as Partial<Throttled>).throttled === true;
}

/**
 * The retry policy of the attempts from `attempt` on (at least 2), as if attempts 1 to attempt-1 had run under one
 * policy: the backoff after `attempt` continues where it was, and the attempts left are the policy's remainder. For
 * attempt 2 it is what retryAfterFirst gives.
 */
export function retryFrom(retry: ResolvedRetry, attempt: number): RetryPolicy {
  const ceiling = Math.max(retry.maximumIntervalMs, retry.initialIntervalMs);
  return toRetryPolicy({
    ...retry,
    initialIntervalMs: Math.round(
      Math.min(retry.initialIntervalMs * retry.backoffCoefficient ** (attempt - 1), ceiling),
    ),
    maximumAttempts: Math.max(1, retry.maximumAttempts - (attempt - 1)),
  });
}
