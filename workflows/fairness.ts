// Fair delivery in the workflow (issue 20, item 5): an attempt that found its webhook full (Throttled) waits on a
// durable timer, holding no worker slot, then asks for a slot with a cheap local activity (no request is sent by it)
// until one is free, and tries the same attempt again. Waiting is not an attempt: the attempt numbers, the retry
// policy's attempts left, the log and the webhook's health see only the attempts sent.
import { patched, proxyLocalActivities, sleep } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { isThrottled } from '../src/contract/fairness';

/**
 * Only runs that were throttled take this path, and only runs recorded with this code can be (their activities were
 * asked with `mayWait`); the patch marks the first wait, so a run recorded before it replays as it ran.
 */
export const FAIR_DELIVERY_PATCH = 'hookstep-fair-delivery';

const { takeTurn } = proxyLocalActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { maximumInterval: '10 seconds' },
});

/** The delivery a wait is for: its webhook and tenant (event deliveries are the ones throttled). */
interface Waiting {
  webhookId?: string;
  tenant?: string;
}

/**
 * Runs `attempt(from)` until it does not answer Throttled, waiting for a slot between tries: `from` is the attempt to
 * try, 1 for the first call, then the attempt that was throttled.
 */
export async function inTurns<R>(
  from: number,
  summary: string,
  call: object,
  attempt: (from: number) => Promise<unknown>,
): Promise<R> {
  for (let next = from; ;) {
    const result = await attempt(next);
    if (!isThrottled(result) || !patched(FAIR_DELIVERY_PATCH)) return result as R;
    next = result.attempt;
    for (let wait = result.waitMs; ;) {
      await sleep(wait, { summary: `waiting for a slot: attempt ${next} of ${summary}` });
      const { webhookId = '', tenant } = call as Waiting;
      const turn = await takeTurn({ webhookId, tenant, attempt: next });
      if (!isThrottled(turn)) break;
      wait = turn.waitMs;
    }
  }
}
