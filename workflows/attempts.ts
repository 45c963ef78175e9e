// How every delivery (a step's, an event's) makes its attempts. Attempt 1 runs as a local activity, in the workflow
// task that starts the run, so a receiver that accepts at once costs one workflow task and no activity dispatch. A
// local activity's result is recorded only when its workflow task completes: were attempt 1 local in a task that
// may already have failed after sending (the server refusing its commands, a nondeterminism error), every retry of
// that task would send it again. So it is local only in the run's first task on that task's first attempt; anywhere
// else (after a delay, after a failed or timed-out task) it is a regular activity, recorded once scheduled. A
// retryable failure waits the backoff (or the receiver's Retry-After) on a timer and hands the remaining attempts to
// a regular activity under the delivery's retry policy, so each of them shows pending, with heartbeats, in the UI.
import {
  ActivityFailure,
  ApplicationFailure,
  CancelledFailure,
  TemporalFailure,
  patched,
  proxyActivities,
  proxyLocalActivities,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import { retryFrom, type Throttled } from '../src/contract/fairness';
import { retryAfterFirst, type ResolvedRetry } from '../src/contract/retry';
import { inTurns } from './fairness';

/** A worker that dies mid-delivery is noticed after this long, not after the whole attempt timeout. */
export const HEARTBEAT_TIMEOUT_MS = 5_000;
/** Room for the activity to read, classify and report after its own deadline fires. */
const REPORT_MARGIN_MS = 10_000;

type Deliveries = Pick<Activities, 'deliverWebhook' | 'deliverEvent'>;
/** What a delivery's activity returns once it sent: a Throttled answer is waited out (fairness.ts), never returned. */
type Delivered<K extends keyof Deliveries> = Exclude<Awaited<ReturnType<Deliveries[K]>>, Throttled>;

/**
 * A run's history when its first workflow task starts on its first attempt: WorkflowExecutionStarted,
 * WorkflowTaskScheduled, WorkflowTaskStarted. A task retried after a failure or a timeout sees at least three more
 * events (WorkflowTaskFailed or TimedOut, then the retry's Scheduled and Started), a delayed delivery its timer's;
 * replay sees the same length as the task it replays, so the choice below is replay-safe.
 */
const FIRST_TASK_HISTORY_LENGTH = 3;

/** Runs recorded before attempt 1 left the local path outside the first task took it there too (see localFirst). */
const REGULAR_FIRST_ATTEMPT_PATCH = 'regular-first-attempt-after-first-task';

/**
 * Whether attempt 1 may run as a local activity. Outside a first task's first attempt, `patched` keeps runs recorded
 * before this rule on the local path they took (replay would otherwise find an activity where their history has a
 * local activity's marker); new runs record the patch and take a regular activity.
 */
function localFirst(): boolean {
  if (workflowInfo().historyLength <= FIRST_TASK_HISTORY_LENGTH) return true;
  return !patched(REGULAR_FIRST_ATTEMPT_PATCH);
}

export interface AttemptPlan {
  /** One attempt's deadline, before the margin. */
  timeoutMs: number;
  /** "POST api.example.com/hooks", "order.created → api.example.com". */
  summary: string;
  /** The retry policy, read only once attempt 1 ran (a step's input is then known to be valid). */
  retry(): ResolvedRetry;
}

export async function deliverWithRetries<K extends keyof Deliveries>(
  activity: K,
  call: Parameters<Deliveries[K]>[0],
  plan: AttemptPlan,
): Promise<Delivered<K>> {
  const once = {
    startToCloseTimeout: plan.timeoutMs + REPORT_MARGIN_MS,
    retry: { maximumAttempts: 1 },
    summary: `attempt 1: ${plan.summary}`,
  };
  try {
    // A throttled attempt 1 is tried again after its wait: then outside the first task, so as a regular activity.
    return await inTurns<Delivered<K>>(1, plan.summary, call, () => {
      const first = localFirst()
        ? proxyLocalActivities<Deliveries>(once)
        : proxyActivities<Deliveries>({ ...once, heartbeatTimeout: HEARTBEAT_TIMEOUT_MS });
      return (first[activity] as (c: typeof call) => Promise<unknown>)(call);
    });
  } catch (err) {
    const after = retryable(err) ? retryAfterFirst(plan.retry()) : undefined;
    if (!after) throw err;
    return deliverAfterFirst(activity, call, plan, retryAfterMs(err) ?? after.firstBackoffMs);
  }
}

/**
 * Attempts 2 on, after `waitMs` on a timer: attempt 1 failed retryably, here or in a worker's event dispatcher (which
 * then starts this run for the retries, issue 23). Under what is left of the retry policy; when it allows no second
 * attempt, the caller had nothing to retry and does not call this.
 */
export async function deliverAfterFirst<K extends keyof Deliveries>(
  activity: K,
  call: Parameters<Deliveries[K]>[0],
  plan: AttemptPlan,
  waitMs: number,
): Promise<Delivered<K>> {
  const startToCloseTimeout = plan.timeoutMs + REPORT_MARGIN_MS;
  const after = retryAfterFirst(plan.retry());
  if (!after) {
    throw ApplicationFailure.create({
      message: 'the retry policy allows no attempt after the first',
      nonRetryable: true,
    });
  }
  await sleep(waitMs, { summary: `backoff before attempt 2 of ${plan.summary}` });
  // Attempts from `from` on under what is left of the policy (a throttled attempt `from` is tried again).
  return inTurns<Delivered<K>>(2, plan.summary, call, (from) => {
    const rest = proxyActivities<Deliveries>({
      startToCloseTimeout,
      heartbeatTimeout: HEARTBEAT_TIMEOUT_MS,
      retry: from === 2 ? after.rest : retryFrom(plan.retry(), from),
      summary: plan.summary,
    });
    const next = { ...call, attemptsBefore: from - 1 };
    return (rest[activity] as (c: typeof next) => Promise<unknown>)(next);
  });
}

/**
 * The run fails with the delivery's own failure: its type, message and details, so the run's failure reads
 * "HttpClientError: POST … got HTTP 404 on attempt 1; not retried (4xx)" in `describe` and the page header. What it
 * came from is kept as its cause: the local attempt's own failure, or a regular activity's ActivityFailure.
 */
export async function asRunFailure<T>(attempt: Promise<T>): Promise<T> {
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

/** Whether the delivery may try again after attempt 1: anything but a non-retryable failure or a cancellation. */
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
