// One event delivered to one webhook: its own run (ID `<webhook id>/<event id>`, or a resend's own ID; summary
// `order.created → host`), so each delivery is listed and inspected on its own. Waits the webhook's delay on a
// durable timer, then makes its attempts; the webhook and the event are read at each attempt, so a webhook
// deactivated meanwhile is not sent.
import { sleep } from '@temporalio/workflow';
import type { EventDeliveryResult, Subscriber } from '../activities';
import { deliveryStartOptions } from '../src/contract/inspect';
import { asRunFailure, deliverWithRetries } from './attempts';
import { withOutcome } from './inspect';

export interface EventDeliveryInput extends Subscriber {
  eventId: string;
  type: string;
  /** The event's tenant; absent in runs started before tenants existed (then DEFAULT_TENANT's). */
  tenant?: string;
  /** A resend's own delivery ID (its run's workflow ID), which its attempts are logged under; absent otherwise. */
  deliveryId?: string;
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
  if (input.delayMs > 0) await sleep(input.delayMs, { summary: `delay before ${summary}` });
  // mayWait: a webhook at its cap answers Throttled, and this run waits its turn (workflows/fairness.ts).
  const call = {
    webhookId: input.webhookId,
    eventId: input.eventId,
    tenant: input.tenant,
    mayWait: true,
    ...(input.deliveryId === undefined ? {} : { deliveryId: input.deliveryId }),
  };
  const plan = { timeoutMs: input.timeoutMs, summary, retry: () => input.retry };
  return asRunFailure(deliverWithRetries('deliverEvent', call, plan));
}
