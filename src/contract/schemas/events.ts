// Event webhooks: a webhook (a subscription to one event type, as Virto requires) and an event as it is published.
// Field names cover the three seeds: Virto (label, event, Activate, additional fields), Ecwid (success statuses, the
// 15-minute retry schedule), Shoprenter (status 0/1 as `active`, json or xml, a delay in hours or days).
import { z } from 'zod';
import { MAX_DURATION_MS } from '../duration';
import {
  DEFAULT_DISABLE_AFTER,
  DEFAULT_TIMEOUT,
  MAX_ADDITIONAL_FIELDS,
  MAX_DISABLE_AFTER,
  MAX_TIMEOUT_MS,
} from '../defaults';
import { DEFAULT_MAX_IN_FLIGHT, MAX_MAX_IN_FLIGHT, MAX_RATE_PER_SECOND } from '../fairness';
import { SIGNING_SECRET_MESSAGE, SIGNING_SECRET_PATTERN } from '../signing';
import { TenantSchema } from '../tenants';
import { durationAtMost } from './duration';
import { HeadersSchema, RetryPolicySchema, UrlSchema } from './step';

/** Free strings, as the seeds use them: `order.created`, `order_status_change`, `VirtoCommerce...OrderChangedEvent`. */
export const EventTypeSchema = z
  .string({ error: 'is required' })
  .regex(/^[\x21-\x7e]{1,200}$/, { error: 'must be 1 to 200 printable ASCII characters without spaces' });

/** An id the caller chooses (events) or hookstep makes (webhooks): part of workflow IDs and the webhook-id header. */
const IdSchema = z.string({ error: 'is required' }).regex(/^[A-Za-z0-9._:-]{1,128}$/, {
  error: 'must be 1 to 128 letters, digits, ".", "_", ":" or "-"',
});

export const ENVELOPES = ['standard', 'virto', 'ecwid', 'shoprenter'] as const;
export const EnvelopeSchema = z.enum(ENVELOPES).meta({
  description:
    'standard: {type, timestamp, data}. virto: {EventId, Attempt, EventBody}. ecwid: {eventId, eventType, eventCreated, storeId, entityId}. shoprenter: the orders.order[] or newsletter.subscriber[] block.',
});

export const DELAY_UNITS = { second: 1_000, minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;
export const DelaySchema = z
  .strictObject({
    amount: z.number().int().min(1),
    unit: z.enum(['second', 'minute', 'hour', 'day']),
  })
  .refine((d) => d.amount * DELAY_UNITS[d.unit] <= MAX_DURATION_MS, { error: 'must be at most 365 days' })
  .meta({ description: 'Wait this long after the event before delivering (Shoprenter: 10 day).' });

/** A field of the event's entity (its `data`) added to the Virto body beside objectId and objectType. */
const FieldNameSchema = z
  .string()
  .regex(/^[A-Za-z_$][\w$]{0,63}$/, { error: 'must be a field name (letters, digits, _)' });

/** A webhook's fields as they are checked, without defaults: an update changes only what it names. */
const FIELDS = {
  label: z.string({ error: 'is required' }).min(1).max(200),
  event: EventTypeSchema,
  url: UrlSchema,
  active: z.boolean().meta({ description: "Virto's Activate toggle, Shoprenter's status 0/1." }),
  format: z.enum(['json', 'xml']),
  envelope: EnvelopeSchema,
  additionalFields: z
    .array(FieldNameSchema)
    .max(MAX_ADDITIONAL_FIELDS, { error: `at most ${MAX_ADDITIONAL_FIELDS} additional fields` }),
  delay: DelaySchema,
  headers: HeadersSchema,
  timeout: durationAtMost(MAX_TIMEOUT_MS, '15m'),
  retry: RetryPolicySchema,
  successStatuses: z
    .array(z.number().int().min(200).max(299))
    .min(1)
    .max(100)
    .refine((s) => new Set(s).size === s.length, { error: 'must not repeat a status' })
    .meta({ description: 'The statuses that count as delivered (Ecwid: [200, 201]); any 2xx when absent.' }),
  disableAfter: z
    .number()
    .int()
    .min(0)
    .max(MAX_DISABLE_AFTER)
    .meta({
      description:
        `Disable the webhook after this many consecutive failed deliveries (default ${DEFAULT_DISABLE_AFTER}); ` +
        'it is also disabled at once when the receiver answers 410 Gone. 0: never disable it automatically.',
    }),
  maxInFlight: z
    .number()
    .int()
    .min(1)
    .max(MAX_MAX_IN_FLIGHT)
    .meta({
      description:
        `At most this many requests to this webhook at once, across every worker (default ${DEFAULT_MAX_IN_FLIGHT}); ` +
        'a delivery over it waits its turn on a timer, which is not a failed attempt.',
    }),
  ratePerSecond: z.number().positive().max(MAX_RATE_PER_SECOND).meta({
    description: 'At most this many requests to this webhook per second, spaced evenly; no limit when absent.',
  }),
};

/** A webhook's fields with hookstep's defaults applied: what the registry stores. */
export const WebhookFieldsSchema = z.strictObject({
  ...FIELDS,
  active: FIELDS.active.default(true),
  format: FIELDS.format.default('json'),
  envelope: FIELDS.envelope.default('standard'),
  additionalFields: FIELDS.additionalFields.default([]),
  delay: FIELDS.delay.optional(),
  headers: FIELDS.headers.default({}),
  timeout: FIELDS.timeout.default(DEFAULT_TIMEOUT),
  retry: FIELDS.retry.default({}),
  successStatuses: FIELDS.successStatuses.optional(),
  disableAfter: FIELDS.disableAfter.default(DEFAULT_DISABLE_AFTER),
  maxInFlight: FIELDS.maxInFlight.default(DEFAULT_MAX_IN_FLIGHT),
  ratePerSecond: FIELDS.ratePerSecond.optional(),
});

const shoprenterFits = (w: { envelope?: string; event?: string }) =>
  w.envelope !== 'shoprenter' || w.event === undefined || /^(order|newsletter)/i.test(w.event);
const SHOPRENTER_MESSAGE = 'the shoprenter envelope carries order_* or newsletter_* events';

export const CreateWebhookSchema = WebhookFieldsSchema.extend({
  tenant: TenantSchema.optional(),
  secret: z
    .string()
    .regex(SIGNING_SECRET_PATTERN, { error: SIGNING_SECRET_MESSAGE })
    .optional()
    .meta({ description: 'whsec_ signing secret; generated when absent and returned once, in this response.' }),
}).refine(shoprenterFits, { error: SHOPRENTER_MESSAGE, path: ['envelope'] });

/** The fields to change; `null` removes a delay, the success statuses or the rate. A webhook's tenant never changes. */
export const UpdateWebhookSchema = z
  .strictObject({
    ...FIELDS,
    delay: FIELDS.delay.nullable(),
    successStatuses: FIELDS.successStatuses.nullable(),
    ratePerSecond: FIELDS.ratePerSecond.nullable(),
  })
  .partial()
  .refine((w) => Object.keys(w).length > 0, { error: 'must change at least one field' })
  .refine(shoprenterFits, { error: SHOPRENTER_MESSAGE, path: ['envelope'] });

/** A webhook's health, kept by its deliveries (not a field a caller sets): see WebhookHealth. */
const HEALTH = {
  consecutiveFailures: z.number().int().min(0).meta({
    description: 'Failed deliveries since the last delivered one (a delivery fails when its last attempt fails).',
  }),
  disabledAt: z.iso
    .datetime()
    .optional()
    .meta({ description: 'When it was disabled automatically; absent while it receives. POST …/enable clears it.' }),
  disabledReason: z.string().optional().meta({
    description:
      'Why: "410 Gone from the receiver", or "5 consecutive failed deliveries; the last: <type> HTTP <status>".',
  }),
};

export const WebhookSchema = WebhookFieldsSchema.extend({
  id: IdSchema,
  tenant: TenantSchema,
  ...HEALTH,
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});

/** `GET /v1/webhooks?health=failing`: failing now, i.e. disabled, or its last delivery failed (a count above 0). */
export const WEBHOOK_HEALTH_FILTERS = ['failing'] as const;
export type WebhookHealthFilter = (typeof WEBHOOK_HEALTH_FILTERS)[number];

/** The creation response: the webhook and, this once, its signing secret. */
export const CreatedWebhookSchema = WebhookSchema.extend({ secret: z.string() });
export const RotatedSecretSchema = z.object({
  secret: z.string(),
  previousValidUntil: z.iso.datetime().meta({ description: 'The old secret signs beside the new one until then.' }),
});

export const EventSchema = z.strictObject({
  id: IdSchema.meta({
    description:
      "The idempotency key, within its tenant: publishing the same id twice delivers once; another tenant's id is its own.",
  }),
  type: EventTypeSchema,
  occurredAt: z.iso.datetime({ offset: true }).optional().meta({ description: 'Default: when it is published.' }),
  tenant: TenantSchema.optional(),
  storeId: z.union([z.string().min(1).max(200), z.number().int()]).optional(),
  entity: z.strictObject({
    id: z.union([z.string().min(1).max(200), z.number().int()]),
    type: z.string().min(1).max(200),
  }),
  data: z.record(z.string(), z.json()).default({}).meta({ description: 'Any JSON object: the entity and more.' }),
});

export const PublishedEventSchema = z.object({
  eventId: z.string(),
  tenant: TenantSchema,
  workflowId: z
    .string()
    .optional()
    .meta({ description: "The fan-out run that starts the event's automations; absent when no automation listens." }),
  deliveries: z
    .number()
    .int()
    .meta({ description: 'Deliveries to webhooks this call queued (0 for a duplicate); each is in the delivery log.' }),
  duplicate: z.boolean().meta({ description: 'True when this id was published before: nothing new is delivered.' }),
});

export type WebhookFields = z.output<typeof WebhookFieldsSchema>;
export type CreateWebhookInput = z.input<typeof CreateWebhookSchema>;
export type UpdateWebhookInput = z.input<typeof UpdateWebhookSchema>;
export type WebhookChanges = z.output<typeof UpdateWebhookSchema>;
export type Webhook = z.output<typeof WebhookSchema>;
export type CreatedWebhook = z.output<typeof CreatedWebhookSchema>;
export type RotatedSecret = z.output<typeof RotatedSecretSchema>;
export type EventInput = z.input<typeof EventSchema>;
/** An event as stored and delivered: its tenant and time decided when it was published. */
export type HookstepEvent = z.output<typeof EventSchema> & { occurredAt: string; tenant: string };
export type PublishedEvent = z.output<typeof PublishedEventSchema>;
export type Envelope = (typeof ENVELOPES)[number];
export type Delay = z.output<typeof DelaySchema>;
