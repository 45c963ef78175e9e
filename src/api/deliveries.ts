// The delivery log: /v1/deliveries (a tenant's, or every tenant's for an operator), /v1/webhooks/{id}/deliveries,
// /v1/events/{id}/deliveries, and one delivery with its attempts. A delivery's ID holds a "/" (`<webhook id>/<event
// id>`, the run's): it is read as two path segments, /v1/deliveries/{webhookId}/{eventId}, what a user types after
// copying the ID (a resend's three, `<webhook id>/<event id>/resend-<token>`: src/api/resends.ts); the ID URL-encoded in one segment
// works too. Every call acts in the API key's tenant scope: another tenant's delivery is 404, its lists are empty.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { DeliveryFilter, Registry } from '../registry';
import {
  DeliveryDetailSchema,
  DeliveryListQuerySchema,
  DeliveryListSchema,
  narrowScope,
  type DeliveryListQuery,
  type TenantScope,
} from '../contract';
import { otherTenant, problem, sendProblem } from './problems';

const Segment = z.string().min(1).max(128);
const list = { querystring: DeliveryListQuerySchema, response: { 200: DeliveryListSchema } };
const one = { response: { 200: DeliveryDetailSchema, 404: z.any() } };

export function deliveryRoutes(registry: Registry): FastifyPluginAsyncZod {
  return (app) => {
    const listed = async (scope: TenantScope, query: DeliveryListQuery, only: Partial<DeliveryFilter>) => {
      const { tenant, ...filter } = query;
      const narrowed = narrowScope(scope, tenant);
      if (!narrowed) return undefined;
      return registry.deliveries.list(narrowed, { ...filter, ...only });
    };

    app.get('/v1/deliveries', { schema: list }, async (request, reply) => {
      const page = await listed(request.tenantScope, request.query, {});
      return page ?? sendProblem(reply, otherTenant('querystring/tenant'));
    });

    app.get(
      '/v1/webhooks/:id/deliveries',
      { schema: { ...list, params: z.object({ id: Segment }) } },
      async (request, reply) => {
        const page = await listed(request.tenantScope, request.query, { webhookId: request.params.id });
        return page ?? sendProblem(reply, otherTenant('querystring/tenant'));
      },
    );

    app.get(
      '/v1/events/:id/deliveries',
      { schema: { ...list, params: z.object({ id: Segment }) } },
      async (request, reply) => {
        const page = await listed(request.tenantScope, request.query, { eventId: request.params.id });
        return page ?? sendProblem(reply, otherTenant('querystring/tenant'));
      },
    );

    app.get(
      '/v1/deliveries/:webhookId/:eventId',
      { schema: { ...one, params: z.object({ webhookId: Segment, eventId: Segment }) } },
      async (request, reply) => {
        const { webhookId, eventId } = request.params;
        const found = await registry.deliveries.get(request.tenantScope, `${webhookId}/${eventId}`);
        return found ?? sendProblem(reply, problem(404, 'no such delivery'));
      },
    );

    app.get(
      '/v1/deliveries/:id',
      { schema: { ...one, params: z.object({ id: z.string().min(1).max(400) }) } },
      async (request, reply) => {
        const found = await registry.deliveries.get(request.tenantScope, request.params.id);
        return found ?? sendProblem(reply, problem(404, 'no such delivery'));
      },
    );
    return Promise.resolve();
  };
}
