// The bodies event webhooks carry, one builder per seed. Pure and built per attempt (Virto's body names the attempt,
// so its signature changes with it). Each is tested field by field against its seed's own example.
import type { Envelope, HookstepEvent } from './schemas/events';

export interface EnvelopeInput {
  envelope: Envelope;
  additionalFields: readonly string[];
  event: HookstepEvent;
  /** The delivery's attempt, from 1. */
  attempt: number;
}

export interface Built {
  body: Record<string, unknown>;
  /** Added to the webhook's URL (Ecwid sends the type as ?eventtype= so an endpoint can filter). */
  query?: Record<string, string>;
}

export function buildEnvelope(input: EnvelopeInput): Built {
  const { event } = input;
  switch (input.envelope) {
    case 'standard':
      // Standard Webhooks' recommended payload: https://www.standardwebhooks.com/#payload-structure
      return { body: { type: event.type, timestamp: event.occurredAt, data: event.data } };
    case 'virto': {
      const object = {
        objectId: event.entity.id,
        objectType: event.entity.type,
        ...pick(event.data, input.additionalFields),
      };
      return { body: { EventId: event.type, Attempt: input.attempt, EventBody: JSON.stringify([object]) } };
    }
    case 'ecwid':
      return {
        body: {
          eventId: numeric(event.id),
          eventType: event.type,
          eventCreated: Math.floor(Date.parse(event.occurredAt) / 1000),
          ...(event.storeId === undefined ? {} : { storeId: numeric(event.storeId) }),
          entityId: numeric(event.entity.id),
        },
        query: { eventtype: event.type },
      };
    case 'shoprenter':
      return /^newsletter/i.test(event.type)
        ? { body: { newsletter: { subscriber: [event.data] } } }
        : { body: { orders: { order: [event.data] } } };
  }
}

/** The additional fields the event's entity has, in the order the webhook lists them; own fields only. */
function pick(data: Record<string, unknown>, fields: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of fields) if (Object.hasOwn(data, field)) out[field] = data[field];
  return out;
}

/** Ecwid's ids are numbers: a decimal string that fits one is sent as one. */
function numeric(value: string | number): string | number {
  return typeof value === 'string' && /^\d{1,15}$/.test(value) ? Number(value) : value;
}
