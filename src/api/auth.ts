// API keys: `Authorization: Bearer hsk_…`, checked against the registry's hashes on every request but the OpenAPI
// document and the health check. A missing or unknown key is 401, whichever it was. The key's tenant scope (every
// tenant for an operator key, one for a tenant key) is decided here, once, and handlers pass it to the registry.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ApiKeyRepository } from '../registry/apiKeys';
import type { TenantScope } from '../contract';
import { problem, sendProblem } from './problems';

declare module 'fastify' {
  interface FastifyRequest {
    /** What the request's API key may see and change; set before any handler runs. */
    tenantScope: TenantScope;
  }
}

// The webhooks page loads without a key (it asks for one), and a sign-in link's token is its own credential.
const OPEN = new Set(['/openapi.json', '/healthz', '/v1/sign-in', '/ui', '/favicon.ico']);
const isOpen = (path: string) => OPEN.has(path) || path.startsWith('/ui/');

export function requireApiKey(app: FastifyInstance, apiKeys: ApiKeyRepository): void {
  app.decorateRequest<TenantScope | null>('tenantScope', null);
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (isOpen(request.url.split('?')[0])) return;
    const header = request.headers.authorization ?? '';
    const key = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    const scope = key ? await apiKeys.scopeOf(key) : undefined;
    if (scope) {
      request.tenantScope = scope;
      return;
    }
    await sendProblem(reply, problem(401, 'send an API key as Authorization: Bearer <key>'), {
      'www-authenticate': 'Bearer realm="hookstep"',
    });
  });
}
