// The example's activities: stand-ins for the API calls a real handler makes (fetch the up-to-date order, provision
// what it bought, tell the account). They log what they do, so the worker's terminal tells the story.
import { setTimeout as delay } from 'node:timers/promises';
import { log } from '@temporalio/activity';

export interface Order {
  orderId: string;
  skus: string[];
}

/** A real handler would GET the order from the platform's API here, with the id the webhook carried. */
export async function fetchOrder(orderId: string): Promise<Order> {
  await delay(200);
  const order = { orderId, skus: [`${orderId}/listing-sync`, `${orderId}/reputation`] };
  log.info(`fetched order ${orderId}: ${order.skus.length} products`);
  return order;
}

export async function provisionProducts(order: Order): Promise<string[]> {
  await delay(300);
  log.info(`provisioned ${order.skus.join(', ')}`);
  return order.skus;
}

export async function followUp(orderId: string, provisioned: string[]): Promise<string> {
  await delay(100);
  log.info(`followed up on ${orderId} (${provisioned.length} products live)`);
  return new Date().toISOString();
}
