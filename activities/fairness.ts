// Fair delivery as an event delivery's attempt sees it (issue 20, item 5): take a slot of the webhook's requests in
// flight before sending, give it back after. With no slot free the attempt sends nothing, logs nothing, counts nothing
// toward the webhook's health, and answers Throttled: the workflow waits on a durable timer, holding no worker slot,
// and tries the same attempt again. A slot taken by a worker that dies is freed when its lease expires.
import type { Throttled, Webhook } from '../src/contract';
import type { LeaseRepository } from '../src/registry';

/** A slot outlives its attempt's deadline by this much: the activity's own margin (10 s) and a heartbeat's (5 s). */
export const LEASE_MARGIN_MS = 15_000;

export interface Turn {
  webhook: Pick<Webhook, 'id' | 'maxInFlight' | 'ratePerSecond'>;
  /** The delivery run asking: its slot is its own on every attempt. */
  holder: string;
  attempt: number;
  timeoutMs: number;
  /** The run can wait (runs from before fair delivery cannot): without it the slot is taken whatever the count. */
  mayWait: boolean;
}

/** Where a slot that could not be given back is reported (the activity's logger). */
export type TurnWarn = (message: string, meta: Record<string, unknown>) => void;

/** Runs `send` in a slot of the webhook's, or answers how long to wait for one. */
export async function inTurn<R>(
  leases: LeaseRepository,
  turn: Turn,
  warn: TurnWarn,
  send: () => Promise<R>,
): Promise<R | Throttled> {
  const { webhook, holder } = turn;
  const slot = await leases.acquire({
    webhookId: webhook.id,
    holder,
    maxInFlight: webhook.maxInFlight,
    ratePerSecond: webhook.ratePerSecond,
    leaseMs: turn.timeoutMs + LEASE_MARGIN_MS,
    force: !turn.mayWait,
  });
  if (!slot.granted) return { throttled: true, waitMs: slot.waitMs, attempt: turn.attempt };
  const started = performance.now();
  try {
    return await send();
  } finally {
    // A slot not given back is freed when its lease expires: never fail (and so resend) a delivery for it.
    await leases.release(webhook.id, holder, performance.now() - started).catch((err: unknown) => {
      warn('could not free a slot of a webhook', { webhookId: webhook.id, error: (err as Error).message });
    });
  }
}
