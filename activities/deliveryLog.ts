// How an event delivery's attempts reach the delivery log (activities/registry/deliveries.ts): one write per attempt,
// after its outcome is known, from the values the attempt already has (no Temporal object), so a delivery that is not
// its own workflow run can be logged the same way. A log write that fails never fails the delivery: after a send that
// succeeded, a thrown error would have Temporal send it again. And the log's retention, applied from the same path.
import { ApplicationFailure } from '@temporalio/common';
import { stateAfterFailure, type DeliveryFailureDetails } from '../src/contract';
import type { AttemptEntry } from '../src/registry';
import type { DeliveryKey, DeliveryRepository } from '../src/registry/deliveries';

/** Where a delivery is logged: the registry's repository, or anything taking the same plain values. */
export type DeliveryLog = Pick<DeliveryRepository, 'schedule' | 'recordAttempt' | 'recordSkip'>;

/** Logs a fan-out page's deliveries (one statement): `scheduled` when the webhook delays them, else `pending`. */
export async function logPage(
  log: DeliveryLog,
  tenant: string,
  event: { id: string; type: string },
  page: { subscribers: readonly { webhookId: string; delayMs: number }[] },
): Promise<void> {
  await log.schedule(
    tenant,
    event,
    page.subscribers.map((s) => ({ webhookId: s.webhookId, delayed: s.delayMs > 0 })),
  );
}

/** Logs a delivery skipped: its webhook was deactivated or deleted before the attempt. */
export function logSkip(log: DeliveryLog, key: DeliveryKey & { eventType?: string }): Promise<void> {
  return safely((k: typeof key) => log.recordSkip(k))(key);
}

/** What an attempt knows before it ends. */
export type AttemptFacts = Omit<
  AttemptEntry,
  'state' | 'durationMs' | 'status' | 'failureType' | 'message' | 'bodySnippet'
> & {
  /** The retry policy's maximumAttempts: a retryable failure on this attempt is the last. */
  maximumAttempts: number;
};

/**
 * Runs an attempt and logs it: `delivered` with its status on success, and on an ApplicationFailure (the one table in
 * outcomes.ts made it) its type, message, status and redacted snippet, `failed` or `pending` by stateAfterFailure.
 * Anything else (a cancellation, a worker error) is not an attempt's outcome: the next attempt logs.
 */
export async function logged<R extends { status: number }>(
  deliveries: Pick<DeliveryLog, 'recordAttempt'>,
  facts: AttemptFacts,
  run: () => Promise<R>,
): Promise<R> {
  const log = safely((entry: AttemptEntry) => deliveries.recordAttempt(entry));
  const { maximumAttempts, ...base } = facts;
  const started = performance.now();
  try {
    const result = await run();
    await log({ ...base, state: 'delivered', status: result.status, durationMs: performance.now() - started });
    return result;
  } catch (err) {
    if (err instanceof ApplicationFailure) {
      const details = (err.details?.[0] ?? {}) as Partial<DeliveryFailureDetails>;
      await log({
        ...base,
        state: stateAfterFailure(err.nonRetryable === true, base.attempt, maximumAttempts),
        durationMs: details.durationMs ?? performance.now() - started,
        status: details.status,
        failureType: err.type ?? undefined,
        message: err.message,
        bodySnippet: details.bodySnippet,
      });
    }
    throw err;
  }
}

/** A log write that reports its failure on stderr rather than failing the delivery. */
function safely<A>(write: (arg: A) => Promise<void>): (arg: A) => Promise<void> {
  return async (arg) => {
    try {
      await write(arg);
    } catch (err) {
      process.stderr.write(`hookstep: the delivery log could not be written: ${(err as Error).message}\n`);
    }
  };
}

/** How often at most a worker prunes the log: its deletes are by updated_at, indexed, and cheap when few are due. */
export const PRUNE_EVERY_MS = 3_600_000;

/**
 * The log's retention, applied at most once per PRUNE_EVERY_MS per worker, by the delivery that finds it due, in the
 * background (the delivery does not wait for it). From the activity path rather than a timer: a worker with no
 * registry, or no event traffic, opens nothing and has nothing to stop at shutdown; a log nobody writes to does not
 * grow. Returns the function a delivery passes its registry through.
 */
export function pruner(
  retentionMs: number,
  now: () => number = Date.now,
): <R extends { deliveries: Pick<DeliveryRepository, 'prune'> }>(registry: R) => R {
  let last = -Infinity;
  return (registry) => {
    const at = now();
    if (at - last < PRUNE_EVERY_MS) return registry;
    last = at;
    registry.deliveries.prune(new Date(at - retentionMs)).catch((err: unknown) => {
      process.stderr.write(`hookstep: the delivery log could not be pruned: ${(err as Error).message}\n`);
    });
    return registry;
  };
}
