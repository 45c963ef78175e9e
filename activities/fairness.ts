// Fair delivery as an event delivery's attempt sees it (issue 20, item 5): take a slot of the webhook's requests in
// flight before sending, give it back after. With no slot free the attempt sends nothing, logs nothing, counts nothing
// toward the webhook's health, and answers Throttled: the workflow waits on a durable timer, holding no worker slot,
// and tries the same attempt again. A slot taken by a worker that dies is freed when its lease expires (until then
// the same delivery's next try waits too: a worker that seems dead may still be sending).
import { Context } from '@temporalio/activity';
import { DEFAULT_TENANT, tenantScope, toMs, type Throttled, type Webhook } from '../src/contract';
import type { LeaseRepository, Registry } from '../src/registry';

/** A slot outlives its attempt's deadline by this much: the activity's own margin (10 s) and a heartbeat's (5 s). */
export const LEASE_MARGIN_MS = 15_000;

export interface Turn {
  webhook: Pick<Webhook, 'id' | 'maxInFlight' | 'ratePerSecond'>;
  /** The delivery run asking: its slot is its own on every attempt. */
  holder: string;
  attempt: number;
  timeoutMs: number;
  /** The run can wait (runs from before fair delivery cannot): without it a slot is taken whatever the count. */
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
  try {
    return await send();
  } finally {
    // A slot not given back is freed when its lease expires: never fail (and so resend) a delivery for it.
    await leases.release(webhook.id, holder).catch((err: unknown) => {
      warn('could not free a slot of a webhook', { webhookId: webhook.id, error: (err as Error).message });
    });
  }
}

/** The local activity a waiting delivery asks after each wait: a slot, or how much longer to wait. */
export interface TurnCall {
  webhookId: string;
  tenant?: string;
  /** The attempt waiting, for its Throttled answer. */
  attempt: number;
}

/**
 * `takeTurn`: a waiting delivery's try for a slot after its wait, without sending: cheap enough for a local activity
 * (a short transaction, no request), and harmless to run twice (the run's slot is its own). With a slot, the run then
 * schedules its attempt, whose activity finds the slot held by its run and keeps it. A webhook gone, inactive or
 * disabled takes no slot: the attempt skips it.
 */
export function turnActivities(repos: (o: { retryable: boolean }) => Promise<Registry>) {
  return {
    async takeTurn(call: TurnCall): Promise<{ granted: true } | Throttled> {
      const { webhooks, leases } = await repos({ retryable: true });
      const tenant = call.tenant ?? DEFAULT_TENANT;
      const webhook = await webhooks.get(tenantScope(tenant), call.webhookId);
      if (!webhook || !webhook.active || webhook.disabledAt) return { granted: true };
      const slot = await leases.acquire({
        webhookId: webhook.id,
        holder: Context.current().info.workflowExecution?.workflowId ?? `${call.webhookId}/${tenant}`,
        maxInFlight: webhook.maxInFlight,
        ratePerSecond: webhook.ratePerSecond,
        leaseMs: toMs(webhook.timeout) + LEASE_MARGIN_MS,
        reserve: true,
      });
      return slot.granted ? slot : { throttled: true, waitMs: slot.waitMs, attempt: call.attempt };
    },
  };
}
