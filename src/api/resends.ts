// POST /v1/deliveries/{id}/resend (the ID as its segments, `<webhook id>/<event id>[/resend-<token>]`, or URL-encoded
// in one) and POST /v1/webhooks/{id}/recover `{ since }`, both taking an Idempotency-Key header, both answering 202:
// the runs are started, not finished. And GET of a resend by its three segments. In the API key's tenant scope:
// another tenant's delivery or webhook is 404.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import {
  DeliveryDetailSchema,
  DeliverySchema,
  IdempotencyHeadersSchema,
  RecoverSchema,
  RecoveredSchema,
  type TenantScope,
} from '../contract';
import { problem, sendProblem } from './problems';
import { recoverWebhook, resendDelivery, type ResendDeps } from './resend';

type App = Parameters<FastifyPluginAsyncZod>[0];
const Segment = z.string().min(1).max(128);
const ResendParams = z.object({ webhookId: Segment, eventId: Segment, resendId: Segment });
const refused = { 404: z.any(), 409: z.any(), 422: z.any() };
const resend = { headers: IdempotencyHeadersSchema, response: { 202: DeliverySchema, ...refused } };

export function resendRoutes(deps: ResendDeps): FastifyPluginAsyncZod {
  return (app) => {
    const resendOne = async (
      request: { tenantScope: TenantScope; headers: { 'idempotency-key'?: string } },
      reply: FastifyReply,
      id: string,
    ) => {
      const out = await resendDelivery(deps, request.tenantScope, id, request.headers['idempotency-key']);
      return 'ok' in out ? reply.code(202).send(out.ok) : sendProblem(reply, out.problem);
    };

    app.post(
      '/v1/deliveries/:webhookId/:eventId/resend',
      { schema: { ...resend, params: z.object({ webhookId: Segment, eventId: Segment }) } },
      (request, reply) => resendOne(request, reply, `${request.params.webhookId}/${request.params.eventId}`),
    );

    app.post(
      '/v1/deliveries/:webhookId/:eventId/:resendId/resend',
      { schema: { ...resend, params: ResendParams } },
      (request, reply) => {
        const { webhookId, eventId, resendId } = request.params;
        return resendOne(request, reply, `${webhookId}/${eventId}/${resendId}`);
      },
    );

    app.post(
      '/v1/deliveries/:id/resend',
      { schema: { ...resend, params: z.object({ id: z.string().min(1).max(400) }) } },
      (request, reply) => resendOne(request, reply, request.params.id),
    );

    recoverRoute(app, deps);
    resendReadRoute(app, deps);
    return Promise.resolve();
  };
}

function recoverRoute(app: App, deps: ResendDeps): void {
  app.post(
    '/v1/webhooks/:id/recover',
    {
      schema: {
        params: z.object({ id: Segment }),
        headers: IdempotencyHeadersSchema,
        body: RecoverSchema,
        response: { 202: RecoveredSchema, ...refused },
      },
    },
    async (request, reply) => {
      const key = request.headers['idempotency-key'];
      const out = await recoverWebhook(deps, request.tenantScope, request.params.id, request.body.since, key);
      return 'ok' in out ? reply.code(202).send(out.ok) : sendProblem(reply, out.problem);
    },
  );
}

/** A resend read by its three segments (its URL-encoded ID in one is deliveries.ts's route). */
function resendReadRoute(app: App, deps: ResendDeps): void {
  app.get(
    '/v1/deliveries/:webhookId/:eventId/:resendId',
    { schema: { response: { 200: DeliveryDetailSchema, 404: z.any() }, params: ResendParams } },
    async (request, reply) => {
      const { webhookId, eventId, resendId } = request.params;
      const found = await deps.registry.deliveries.get(request.tenantScope, `${webhookId}/${eventId}/${resendId}`);
      return found ?? sendProblem(reply, problem(404, 'no such delivery'));
    },
  );
}
