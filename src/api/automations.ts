// /v1/automations: register, list, read, change, delete stored automations, and list one's runs (the run log). Bodies
// are checked by the contract's schemas (the TypeScript client's too), templates and references included, each issue
// named at its field. Every call acts in the API key's tenant scope: another tenant's automation is 404, as a missing one.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Registry } from '../registry';
import {
  AutomationRunListSchema,
  AutomationRunsQuerySchema,
  CreateAutomationSchema,
  EventTypeSchema,
  StoredAutomationSchema,
  TenantSchema,
  UpdateAutomationSchema,
  narrowScope,
  tenantFor,
} from '../contract';
import { otherTenant, problem, sendProblem } from './problems';

const IdParams = z.object({ id: z.string().min(1).max(128) });
const ListQuery = z.object({
  tenant: TenantSchema.optional().meta({ description: "Only this tenant's (a tenant key: its own only)." }),
  event: EventTypeSchema.optional(),
  active: z.enum(['true', 'false']).optional(),
  after: z.string().max(128).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

type App = Parameters<FastifyPluginAsyncZod>[0];
const notFound = { 404: z.any() };
const NO_SUCH = 'no such automation';

export function automationRoutes(deps: { registry: Registry }): FastifyPluginAsyncZod {
  return (app) => {
    writeRoutes(app, deps.registry);
    readRoutes(app, deps);
    return Promise.resolve();
  };
}

function writeRoutes(app: App, registry: Registry): void {
  app.post(
    '/v1/automations',
    { schema: { body: CreateAutomationSchema, response: { 201: StoredAutomationSchema } } },
    async (request, reply) => {
      const { tenant: named, ...fields } = request.body;
      const tenant = tenantFor(request.tenantScope, named);
      if (tenant === undefined) return sendProblem(reply, otherTenant('body/tenant'));
      return reply.code(201).send(await registry.automations.create(tenant, fields));
    },
  );

  app.patch(
    '/v1/automations/:id',
    {
      schema: {
        params: IdParams,
        body: UpdateAutomationSchema,
        response: { 200: StoredAutomationSchema, ...notFound },
      },
    },
    async (request, reply) => {
      const automation = await registry.automations.update(request.tenantScope, request.params.id, request.body);
      return automation ?? sendProblem(reply, problem(404, NO_SUCH));
    },
  );

  app.delete('/v1/automations/:id', { schema: { params: IdParams } }, async (request, reply) => {
    if (!(await registry.automations.delete(request.tenantScope, request.params.id)))
      return sendProblem(reply, problem(404, NO_SUCH));
    return reply.code(204).send();
  });
}

function readRoutes(app: App, deps: { registry: Registry }): void {
  app.get(
    '/v1/automations',
    {
      schema: {
        querystring: ListQuery,
        response: { 200: z.object({ automations: z.array(StoredAutomationSchema) }) },
      },
    },
    async (request, reply) => {
      const { active, tenant, ...rest } = request.query;
      const scope = narrowScope(request.tenantScope, tenant);
      if (!scope) return sendProblem(reply, otherTenant('querystring/tenant'));
      const automations = await deps.registry.automations.list(scope, {
        ...rest,
        active: active === undefined ? undefined : active === 'true',
      });
      return { automations };
    },
  );

  app.get(
    '/v1/automations/:id',
    { schema: { params: IdParams, response: { 200: StoredAutomationSchema, ...notFound } } },
    async (request, reply) => {
      const automation = await deps.registry.automations.get(request.tenantScope, request.params.id);
      return automation ?? sendProblem(reply, problem(404, NO_SUCH));
    },
  );

  app.get(
    '/v1/automations/:id/runs',
    {
      schema: {
        description:
          'Its runs, newest first, from the automation run log: written when the event starts a run and when the ' +
          'run ends, kept as long as the delivery log (HOOKSTEP_DELIVERY_LOG_RETENTION) after the run ended.',
        params: IdParams,
        querystring: AutomationRunsQuerySchema,
        response: { 200: AutomationRunListSchema, ...notFound },
      },
    },
    async (request, reply) => {
      const automation = await deps.registry.automations.get(request.tenantScope, request.params.id);
      if (!automation) return sendProblem(reply, problem(404, NO_SUCH));
      return deps.registry.automationRuns.list(request.tenantScope, automation.id, request.query);
    },
  );
}
