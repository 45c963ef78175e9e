// Resend and recover (issue 20, item 3): the Idempotency-Key header both take, recover's body and both answers.
import { z } from 'zod';

/**
 * A retried call with the same key (within the caller's tenant) answers as the first did and sends nothing again.
 * Printable ASCII, as the IETF draft on the Idempotency-Key header and Stripe allow; 255 at most.
 */
export const IdempotencyKeySchema = z
  .string()
  .regex(/^[\x21-\x7e]{1,255}$/, { error: 'must be 1 to 255 printable ASCII characters, no spaces' })
  .meta({ description: 'Sends at most once for this key: a retry with it answers as the first call did.' });

/** Loose: the request's other headers stay as they are. */
export const IdempotencyHeadersSchema = z.looseObject({ 'idempotency-key': IdempotencyKeySchema.optional() });

export const RecoverSchema = z.object({
  since: z.iso
    .datetime({ offset: true, error: 'must be an ISO 8601 time, e.g. 2026-01-31T12:00:00Z' })
    .meta({ description: 'Resend the failed deliveries created at or after this time.' }),
});
export type RecoverInput = z.input<typeof RecoverSchema>;

export const RecoveredSchema = z.object({
  resent: z.number().int().meta({ description: 'How many failed deliveries were resent.' }),
  deliveries: z.array(z.string()).meta({ description: 'The IDs of the new deliveries, one per resent failure.' }),
  more: z
    .boolean()
    .optional()
    .meta({ description: 'true: more failures are left than one call resends (1,000); call again to resend them.' }),
});
export type Recovered = z.output<typeof RecoveredSchema>;
