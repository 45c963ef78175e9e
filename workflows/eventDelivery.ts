// One event delivered to one webhook as its own run (ID `<webhook id>/<event id>`, or a resend's own ID; summary
// `order.created → host`), so it is listed and inspected on its own. Since issue 23, a delivery gets one only when it
// must wait (a delay, the retries after a first attempt a worker's event dispatcher made), and for a resend. Waits
// the webhook's delay on a durable timer, then makes its attempts; the webhook and the event are read at each
// attempt, so a webhook deactivated meanwhile is not sent.
import { sleep } from '@temporalio/workflow';
import type { EventDeliveryResult, Subscriber } from '../activities';
import { deliveryStartOptions } from '../src/contract/inspect';
import { asRunFailure, deliverAfterFirst, deliverWithRetries } from './attempts';
import { withOutcome } from './inspect';

export interface EventDeliveryInput extends Subscriber {
  eventId: string;
  type: string;
  /** The event's tenant; absent in runs started before tenants existed (then DEFAULT_TENANT's). */
  tenant?: string;
  /** A resend's own delivery ID (its run's workflow ID), which its attempts are logged under; absent otherwise. */
  deliveryId?: string;
  /**
   * Attempt 1 was made by a worker's event dispatcher and failed retryably (issue 23): this run waits `waitMs` (the
   * backoff, or the receiver's Retry-After) and makes the attempts from 2 on. No delay is waited: it was, or there was
   * none. Absent in runs that make attempt 1 themselves.
   */
  afterFirst?: { waitMs: number };
}

export async function eventDelivery(input: EventDeliveryInput): Promise<EventDeliveryResult> {
  const facts = {
    url: input.url,
    method: 'POST',
    eventType: input.type,
    webhookId: input.webhookId,
    tenant: input.tenant,
  };
  return withOutcome(
    () => deliver(input, deliveryStartOptions(facts).staticSummary),
    (result) => ({ ...('status' in result ? { status: result.status } : {}), attempts: result.attempt }),
    () => facts,
  );
}

async function deliver(input: EventDeliveryInput, summary: string): Promise<EventDeliveryResult> {
  if (input.delayMs > 0 && !input.afterFirst) await sleep(input.delayMs, { summary: `delay before ${summary}` });
  // mayWait: a webhook at its cap answers Throttled, and this run waits its turn (workflows/fairness.ts).
  const call = {
    webhookId: input.webhookId,
    eventId: input.eventId,
    tenant: input.tenant,
    mayWait: true,
    ...(input.deliveryId === undefined ? {} : { deliveryId: input.deliveryId }),
  };
  const plan = { timeoutMs: input.timeoutMs, summary, retry: () => input.retry };
  if (input.afterFirst) return asRunFailure(deliverAfterFirst('deliverEvent', call, plan, input.afterFirst.waitMs));
  return asRunFailure(deliverWithRetries('deliverEvent', call, plan));
}
