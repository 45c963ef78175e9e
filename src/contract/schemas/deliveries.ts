// The delivery log: each delivery of an event to a webhook (its ID is the delivery run's, `<webhook id>/<event id>`)
// and its attempts, as the registry keeps them past the Temporal namespace's retention. Read through the API, the
// TypeScript client and the CLI with these schemas.
import { z } from 'zod';
import { TenantSchema } from '../tenants';
import { EventTypeSchema } from './events';

/**
 * scheduled: waiting its webhook's delay. pending: due, or between attempts after a retryable failure. delivered: a
 * receiver accepted it. failed: a non-retryable failure, or the last attempt the retry policy allows failed. skipped:
 * the webhook was deactivated, disabled or deleted before an attempt.
 */
export const DELIVERY_STATES = ['scheduled', 'pending', 'delivered', 'failed', 'skipped'] as const;
export const DeliveryStateSchema = z.enum(DELIVERY_STATES);
export type DeliveryState = z.output<typeof DeliveryStateSchema>;

const Time = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 time, e.g. 2026-01-31T12:00:00Z' });

export const DeliverySchema = z.object({
  id: z.string().meta({
    description:
      'The delivery run\'s ID: "<webhook id>/<event id>", a resend\'s "<webhook id>/<event id>/resend-<token>".',
  }),
  tenant: TenantSchema,
  webhookId: z.string(),
  eventId: z.string(),
  eventType: z.string(),
  state: DeliveryStateSchema,
  attempts: z.number().int().meta({ description: 'Attempts made so far.' }),
  lastStatus: z.number().int().optional().meta({ description: "The last attempt's HTTP status, when it got one." }),
  lastFailureType: z.string().optional().meta({ description: "The last attempt's failure type, when it failed." }),
  resendOf: z
    .string()
    .optional()
    .meta({ description: 'A resend: the ID of the delivery it resent (the same event to the same webhook).' }),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Delivery = z.output<typeof DeliverySchema>;

export const DeliveryAttemptSchema = z.object({
  attempt: z.number().int(),
  at: z.string().meta({ description: 'When the attempt ended.' }),
  status: z.number().int().optional(),
  durationMs: z.number().int(),
  failureType: z.string().optional(),
  message: z.string().optional(),
  bodySnippet: z
    .string()
    .optional()
    .meta({ description: "The reply's first 2 KiB, every secret the request carried redacted." }),
});
export type DeliveryAttempt = z.output<typeof DeliveryAttemptSchema>;

export const DeliveryDetailSchema = z.object({ delivery: DeliverySchema, attempts: z.array(DeliveryAttemptSchema) });
export type DeliveryDetail = z.output<typeof DeliveryDetailSchema>;

export const DeliveryListSchema = z.object({
  deliveries: z.array(DeliverySchema),
  next: z.string().optional().meta({ description: 'Pass as `after` for the next page; absent on the last.' }),
});
export type DeliveryList = z.output<typeof DeliveryListSchema>;

/** The filters of every deliveries list; newest first. */
export const DeliveryListQuerySchema = z.object({
  tenant: TenantSchema.optional().meta({ description: "Only this tenant's (a tenant key: its own only)." }),
  state: DeliveryStateSchema.optional(),
  eventType: EventTypeSchema.optional(),
  since: Time.optional().meta({ description: 'Deliveries created at or after this time.' }),
  until: Time.optional().meta({ description: 'Deliveries created before this time.' }),
  after: z
    .string()
    .regex(/^\d{1,19}$/, { error: "must be a previous page's `next`" })
    .optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
export type DeliveryListQuery = z.output<typeof DeliveryListQuerySchema>;

/** The TypeScript client's filter: the query's, and the webhook or the event whose deliveries to list. */
export type DeliveryListFilter = Partial<z.input<typeof DeliveryListQuerySchema>> & {
  webhookId?: string;
  eventId?: string;
};

/**
 * A delivery's state after a failed attempt: `failed` when the failure is not retryable or the retry policy allows no
 * further attempt (`maximumAttempts`, as the delivery's retry policy resolves it), else `pending`.
 */
export function stateAfterFailure(nonRetryable: boolean, attempt: number, maximumAttempts: number): DeliveryState {
  return nonRetryable || attempt >= maximumAttempts ? 'failed' : 'pending';
}
