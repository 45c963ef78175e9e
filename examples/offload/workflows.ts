// The long work a receiver hands off: a workflow that runs for minutes (three activities and a timer), started by a
// hookstep receiver once per webhook-id. The sender's step saw 202 long before any of this finishes.
import { ApplicationFailure, log, proxyActivities, sleep } from '@temporalio/workflow';
import type * as activities from './activities';

/** The body Vendasta's "Send a webhook" example sends: ids to fetch up-to-date records with. */
export interface OrderEvent {
  orderId: string;
  accountId?: string;
}

export interface Fulfilment {
  orderId: string;
  provisioned: string[];
  followedUpAt: string;
}

const { fetchOrder, provisionProducts, followUp } = proxyActivities<typeof activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumAttempts: 5 },
});

/** Far longer than any sender waits for an answer: this is why the receiver does not do the work inline. */
export const FOLLOW_UP_AFTER = '2m';

export async function fulfilOrder(event: OrderEvent): Promise<Fulfilment> {
  if (typeof event?.orderId !== 'string' || event.orderId === '') {
    throw ApplicationFailure.nonRetryable('the event has no orderId', 'InvalidEvent');
  }
  const order = await fetchOrder(event.orderId);
  const provisioned = await provisionProducts(order);
  log.info('provisioned; following up later', { orderId: order.orderId, after: FOLLOW_UP_AFTER });
  await sleep(FOLLOW_UP_AFTER);
  const followedUpAt = await followUp(order.orderId, provisioned);
  return { orderId: order.orderId, provisioned, followedUpAt };
}
