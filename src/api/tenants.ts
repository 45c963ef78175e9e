// /v1/tenants/{tenant}/keys: an operator makes a tenant's API key, shown once in the answer (only its hash is kept).
// A tenant key may not make keys: for its own tenant that is 403; for any other the tenant is not found (404), so no
// tenant learns whether another exists.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { newApiKey, type Registry } from '../registry';
import { CreatedApiKeySchema, TenantSchema, scopedTenant, type TenantScope } from '../contract';
import { problem, sendProblem, type Problem } from './problems';

/**
 * What an operator-only tenant route answers a tenant key: 403 (`only an operator key makes <what>`) for its own
 * tenant, 404 for any other, so no tenant learns whether another exists; nothing for an operator key.
 */
export function operatorOnly(scope: TenantScope, tenant: string, what: string): Problem | undefined {
  const own = scopedTenant(scope);
  if (own === undefined) return undefined;
  return own === tenant ? problem(403, `only an operator key makes ${what}`) : problem(404, 'no such tenant');
}

const TenantParams = z.object({ tenant: TenantSchema });

export function tenantRoutes(registry: Registry): FastifyPluginAsyncZod {
  return (app) => {
    app.post(
      '/v1/tenants/:tenant/keys',
      {
        schema: {
          description: 'Makes an API key of the tenant (an operator key only); the key is in this answer, only once.',
          params: TenantParams,
          response: { 201: CreatedApiKeySchema, 403: z.any(), 404: z.any() },
        },
      },
      async (request, reply) => {
        const { tenant } = request.params;
        const refused = operatorOnly(request.tenantScope, tenant, 'API keys');
        if (refused) return sendProblem(reply, refused);
        const key = newApiKey();
        await registry.apiKeys.add(key, `tenant ${tenant}`, tenant);
        return reply.code(201).send({ key, tenant });
      },
    );
    return Promise.resolve();
  };
}
