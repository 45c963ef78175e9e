// /v1/webhooks: create, list, read, change, delete, rotate the secret, enable after an automatic disable. Bodies are checked by the contract's schemas
// (the ones the TypeScript client and the OpenAPI document use); a secret leaves the API only when it is made. Every
// call acts in the API key's tenant scope: another tenant's webhook is 404, as a missing one.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Registry } from '../registry';
import { newSigningSecret } from '../registry';
import {
  CreateWebhookSchema,
  CreatedWebhookSchema,
  EventTypeSchema,
  RotatedSecretSchema,
  TenantSchema,
  UpdateWebhookSchema,
  WEBHOOK_HEALTH_FILTERS,
  WebhookSchema,
  narrowScope,
  tenantFor,
} from '../contract';
import { otherTenant, problem, sendProblem } from './problems';

const IdParams = z.object({ id: z.string().min(1).max(128) });
const ListQuery = z.object({
  tenant: TenantSchema.optional().meta({ description: "Only this tenant's (a tenant key: its own only)." }),
  event: EventTypeSchema.optional(),
  active: z.enum(['true', 'false']).optional(),
  health: z.enum(WEBHOOK_HEALTH_FILTERS).optional().meta({
    description: 'failing: disabled, or its last delivery failed (consecutiveFailures above 0).',
  }),
  after: z.string().max(128).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

type App = Parameters<FastifyPluginAsyncZod>[0];
const notFound = { 404: z.any() };

export function webhookRoutes(registry: Registry): FastifyPluginAsyncZod {
  return (app) => {
    readRoutes(app, registry);
    writeRoutes(app, registry);
    return Promise.resolve();
  };
}

function writeRoutes(app: App, registry: Registry): void {
  app.post(
    '/v1/webhooks',
    { schema: { body: CreateWebhookSchema, response: { 201: CreatedWebhookSchema } } },
    async (request, reply) => {
      const { secret: given, tenant: named, ...fields } = request.body;
      const tenant = tenantFor(request.tenantScope, named);
      if (tenant === undefined) return sendProblem(reply, otherTenant('body/tenant'));
      const secret = given ?? newSigningSecret();
      const webhook = await registry.webhooks.create(tenant, fields, secret);
      return reply.code(201).send({ ...webhook, secret });
    },
  );

  app.patch(
    '/v1/webhooks/:id',
    { schema: { params: IdParams, body: UpdateWebhookSchema, response: { 200: WebhookSchema, ...notFound } } },
    async (request, reply) => {
      const webhook = await registry.webhooks.update(request.tenantScope, request.params.id, request.body);
      return webhook ?? sendProblem(reply, problem(404, 'no such webhook'));
    },
  );

  app.delete('/v1/webhooks/:id', { schema: { params: IdParams } }, async (request, reply) => {
    if (!(await registry.webhooks.delete(request.tenantScope, request.params.id)))
      return sendProblem(reply, problem(404, 'no such webhook'));
    return reply.code(204).send();
  });

  // Endpoint health: a webhook disabled automatically receives again after this one call (its count starts at 0).
  app.post(
    '/v1/webhooks/:id/enable',
    { schema: { params: IdParams, response: { 200: WebhookSchema, ...notFound } } },
    async (request, reply) => {
      const webhook = await registry.webhooks.enable(request.tenantScope, request.params.id);
      return webhook ?? sendProblem(reply, problem(404, 'no such webhook'));
    },
  );

  app.post(
    '/v1/webhooks/:id/rotate-secret',
    { schema: { params: IdParams, response: { 200: RotatedSecretSchema, ...notFound } } },
    async (request, reply) => {
      const secret = newSigningSecret();
      const until = await registry.webhooks.rotateSecret(request.tenantScope, request.params.id, secret);
      if (!until) return sendProblem(reply, problem(404, 'no such webhook'));
      return { secret, previousValidUntil: until.toISOString() };
    },
  );
}

function readRoutes(app: App, registry: Registry): void {
  app.get(
    '/v1/webhooks',
    { schema: { querystring: ListQuery, response: { 200: z.object({ webhooks: z.array(WebhookSchema) }) } } },
    async (request, reply) => {
      const { active, tenant, ...rest } = request.query;
      const scope = narrowScope(request.tenantScope, tenant);
      if (!scope) return sendProblem(reply, otherTenant('querystring/tenant'));
      const webhooks = await registry.webhooks.list(scope, {
        ...rest,
        active: active === undefined ? undefined : active === 'true',
      });
      return { webhooks };
    },
  );

  app.get(
    '/v1/webhooks/:id',
    { schema: { params: IdParams, response: { 200: WebhookSchema, ...notFound } } },
    async (request, reply) => {
      const webhook = await registry.webhooks.get(request.tenantScope, request.params.id);
      return webhook ?? sendProblem(reply, problem(404, 'no such webhook'));
    },
  );
}
