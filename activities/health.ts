// Endpoint health as an event delivery sees it: a delivered attempt resets its webhook's count of failed deliveries,
// a delivery's last attempt failing (not retried, or the policy's last) adds one and may disable the webhook. Kept
// apart from the delivery itself: the health of a webhook never fails, delays or re-sends a delivery.
import { ApplicationFailure } from '@temporalio/common';
import type { DeliveryFailureDetails, Webhook } from '../src/contract';
import type { WebhookHealthRepository } from '../src/registry';

export interface HealthFacts {
  tenant: string;
  /** Its id, and after how many consecutive failed deliveries it is disabled (0: never). */
  webhook: Pick<Webhook, 'id' | 'disableAfter'>;
  /** This attempt's number, counting the first (local) one. */
  attempt: number;
  /** The retry policy's maximumAttempts: a retryable failure on this attempt is the delivery's last. */
  maxAttempts: number;
}

/** Where a health write that failed is reported (the activity's logger), with the webhook's id. */
export type HealthWarn = (message: string, meta: Record<string, unknown>) => void;

/**
 * Runs one delivery attempt (`send`) and records what it means for the webhook's health: a success resets the count,
 * a failure that ends the delivery counts one. Returns or throws exactly what `send` did. A health write that fails
 * is logged, never thrown: failing the attempt for it would send a delivered request again.
 */
export async function trackHealth<T>(
  health: Pick<WebhookHealthRepository, 'delivered' | 'failed'>,
  facts: HealthFacts,
  warn: HealthWarn,
  send: () => Promise<T>,
): Promise<T> {
  let result: T;
  try {
    result = await send();
  } catch (err) {
    const failure = endingFailure(err, facts);
    if (failure) {
      const disabled = await quietly(warn, facts, () => health.failed(facts.tenant, facts.webhook.id, failure));
      if (disabled) warn('webhook disabled', { webhookId: facts.webhook.id, tenant: facts.tenant, reason: disabled });
    }
    throw err;
  }
  await quietly(warn, facts, () => health.delivered(facts.tenant, facts.webhook.id));
  return result;
}

/**
 * The failed delivery an attempt's failure ends, or undefined when the delivery goes on (a retryable failure before
 * the last attempt) or the attempt did not fail at the receiver (a cancellation, a worker shutting down).
 */
function endingFailure(err: unknown, facts: HealthFacts) {
  if (!(err instanceof ApplicationFailure) || !err.type) return undefined;
  if (!err.nonRetryable && facts.attempt < facts.maxAttempts) return undefined;
  const status = (err.details?.[0] as DeliveryFailureDetails | undefined)?.status;
  return {
    gone: status === 410,
    last: status === undefined ? err.type : `${err.type} HTTP ${status}`,
    disableAfter: facts.webhook.disableAfter,
  };
}

async function quietly<R>(warn: HealthWarn, facts: HealthFacts, write: () => Promise<R>): Promise<R | undefined> {
  try {
    return await write();
  } catch (err) {
    warn('could not record the health of a webhook', {
      webhookId: facts.webhook.id,
      error: err instanceof Error ? err.message : String(err),
    });
    return undefined;
  }
}
