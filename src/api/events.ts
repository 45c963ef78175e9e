// /v1/events (publish) and /v1/event-types (the seeds' types, and the types webhooks and events use), each in the API
// key's tenant scope: a tenant key publishes for its own tenant and counts its own webhooks and events.
import type { Client } from '@temporalio/client';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Registry } from '../registry';
import {
  AUTOMATION_LIMITS,
  EventSchema,
  KNOWN_EVENT_TYPES,
  MAX_ISSUES,
  PublishedEventSchema,
  shapeIssues,
  tenantFor,
  EventTypesSchema,
} from '../contract';
import { otherTenant, problem, sendProblem } from './problems';
import { publishEvent } from './publish';
import { jsonPointer } from './validation';

export function eventRoutes(deps: { registry: Registry; client: Client; taskQueue: string }): FastifyPluginAsyncZod {
  return (app) => {
    app.post(
      '/v1/events',
      { schema: { body: EventSchema, response: { 202: PublishedEventSchema, 200: PublishedEventSchema } } },
      async (request, reply) => {
        // The data of an event may nest, as orders do; within the limits of an automation's trigger.
        const shape = shapeIssues(request.body.data, AUTOMATION_LIMITS);
        if (shape.length > 0) {
          const errors = shape.map((i) => ({ field: `body${jsonPointer(['data', ...i.path])}`, message: i.message }));
          return sendProblem(
            reply,
            problem(400, 'the event data is too large or too deep', errors.slice(0, MAX_ISSUES)),
          );
        }
        const tenant = tenantFor(request.tenantScope, request.body.tenant);
        if (tenant === undefined) return sendProblem(reply, otherTenant('body/tenant'));
        const published = await publishEvent(deps, { ...request.body, tenant });
        return reply.code(published.duplicate ? 200 : 202).send(published);
      },
    );

    app.get('/v1/event-types', { schema: { response: { 200: EventTypesSchema } } }, async (request) => {
      const counts = new Map<string, number>();
      for (const webhook of await deps.registry.webhooks.list(request.tenantScope, { limit: 10_000 })) {
        counts.set(webhook.event, (counts.get(webhook.event) ?? 0) + 1);
      }
      for (const type of await deps.registry.events.publishedTypes(request.tenantScope))
        counts.set(type, counts.get(type) ?? 0);
      const known = KNOWN_EVENT_TYPES.map((k) => ({ ...k, webhooks: counts.get(k.type) ?? 0 }));
      const seen = new Set(known.map((k) => k.type));
      const inUse = [...counts]
        .filter(([type]) => !seen.has(type))
        .map(([type, webhooks]) => ({ type, source: 'in use', webhooks }));
      return { eventTypes: [...known, ...inUse] };
    });
    return Promise.resolve();
  };
}
