// The event types of the seeds hookstep grew from, listed by GET /v1/event-types beside the types in use. Types are
// free strings: these are the ones the seeds name, for a builder UI to offer.
import { z } from 'zod';

export interface KnownEventType {
  type: string;
  source: 'ecwid' | 'shoprenter' | 'virto';
  description: string;
}

export const KNOWN_EVENT_TYPES: readonly KnownEventType[] = [
  { type: 'order.created', source: 'ecwid', description: 'New order has been placed' },
  { type: 'order.updated', source: 'ecwid', description: 'Order status has been changed' },
  { type: 'order.deleted', source: 'ecwid', description: 'Order has been deleted' },
  { type: 'product.created', source: 'ecwid', description: 'New product has been created' },
  { type: 'product.updated', source: 'ecwid', description: 'Product has been updated' },
  { type: 'product.deleted', source: 'ecwid', description: 'Product has been deleted' },
  { type: 'order_confirm', source: 'shoprenter', description: 'An order was placed' },
  { type: 'order_status_change', source: 'shoprenter', description: 'An order changed status' },
  { type: 'newsletter_subscribe', source: 'shoprenter', description: 'Someone subscribed to the newsletter' },
  { type: 'newsletter_unsubscribe', source: 'shoprenter', description: 'Someone unsubscribed from the newsletter' },
  {
    type: 'newsletter_update_subscriber',
    source: 'shoprenter',
    description: 'A newsletter subscriber changed their data',
  },
  {
    type: 'VirtoCommerce.OrdersModule.Core.Events.OrderChangedEvent',
    source: 'virto',
    description: 'An order changed (Virto Commerce domain event)',
  },
  {
    type: 'VirtoCommerce.CatalogModule.Core.Events.ProductChangedEvent',
    source: 'virto',
    description: 'A product changed (Virto Commerce domain event)',
  },
  {
    type: 'VirtoCommerce.Platform.Core.Security.Events.UserLoginEvent',
    source: 'virto',
    description: 'A user logged in (Virto Commerce domain event)',
  },
];

/** `GET /v1/event-types`: the seeds' types and the types in use, with how many webhooks each has. */
export const EventTypesSchema = z.object({
  eventTypes: z.array(
    z.object({ type: z.string(), source: z.string(), description: z.string().optional(), webhooks: z.number().int() }),
  ),
});
