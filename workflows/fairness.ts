// Fair delivery in the workflow (issue 20, item 5): an attempt that found its webhook full (Throttled) waits on a
// durable timer, holding no worker slot, and is tried again, as the same attempt. Waiting is not an attempt: the
// attempt numbers, the retry policy's attempts left, the log and the webhook's health see only the attempts sent.
import { patched, sleep } from '@temporalio/workflow';
import { isThrottled } from '../src/contract/fairness';

/**
 * Only runs that were throttled take this path, and only runs recorded with this code can be (their activities were
 * asked with `mayWait`); the patch marks the first wait, so a run recorded before it replays as it ran.
 */
export const FAIR_DELIVERY_PATCH = 'hookstep-fair-delivery';

/**
 * Runs `attempt(from)` until it does not answer Throttled, waiting between tries as long as the answer said: `from` is
 * the attempt to try, 1 for the first call, then the attempt that was throttled.
 */
export async function inTurns<R>(
  from: number,
  summary: string,
  attempt: (from: number) => Promise<unknown>,
): Promise<R> {
  for (let next = from; ;) {
    const result = await attempt(next);
    if (!isThrottled(result) || !patched(FAIR_DELIVERY_PATCH)) return result as R;
    await sleep(result.waitMs, { summary: `waiting for a slot: attempt ${result.attempt} of ${summary}` });
    next = result.attempt;
  }
}
