// Sign-in links (issue 21): an operator makes a one-time link for a tenant; opening it in a browser signs the webhooks
// page in as that tenant with a short-lived key, so a store never holds a long-lived one (Svix's App Portal does the
// same). The token travels in the URL's fragment, which a browser never sends, so it reaches no server log; the page
// posts it once to /v1/sign-in, which needs no key.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { newApiKey, type Registry } from '../registry';
import {
  KeyScopeSchema,
  SignInLinkSchema,
  SignInRequestSchema,
  SignInSessionSchema,
  TenantSchema,
  scopedTenant,
} from '../contract';
import { problem, sendProblem } from './problems';
import { PAGE_PATH } from './page';
import { operatorOnly } from './tenants';

/** How long the page's key works after a sign-in link is opened. */
export const SIGN_IN_SESSION_TTL_MS = 8 * 3_600_000;

const TenantParams = z.object({ tenant: TenantSchema });

type App = Parameters<FastifyPluginAsyncZod>[0];

export function signInRoutes(registry: Registry): FastifyPluginAsyncZod {
  return (app) => {
    linkRoute(app, registry);
    redeemRoute(app, registry);
    app.get(
      '/v1/me',
      {
        schema: {
          description: "The calling key's scope: one tenant, or every tenant.",
          response: { 200: KeyScopeSchema },
        },
      },
      (request) => {
        const tenant = scopedTenant(request.tenantScope);
        return Promise.resolve(tenant === undefined ? { operator: true } : { operator: false, tenant });
      },
    );
    return Promise.resolve();
  };
}

function linkRoute(app: App, registry: Registry): void {
  app.post(
    '/v1/tenants/:tenant/sign-in-links',
    {
      schema: {
        description:
          'Makes a one-time link (an operator key only) that signs a browser in to the webhooks page as the tenant.',
        params: TenantParams,
        response: { 201: SignInLinkSchema, 403: z.any(), 404: z.any() },
      },
    },
    async (request, reply) => {
      // As for keys: a tenant key gets 403 for its own tenant, 404 for another (it learns no other tenant exists).
      const refused = operatorOnly(request.tenantScope, request.params.tenant, 'sign-in links');
      if (refused) return sendProblem(reply, refused);
      const { token, expiresAt } = await registry.signInLinks.create(request.params.tenant);
      const url = `${request.protocol}://${request.host}${PAGE_PATH}#sign-in=${token}`;
      return reply.code(201).send({ url, expiresAt: expiresAt.toISOString() });
    },
  );
}

function redeemRoute(app: App, registry: Registry): void {
  app.post(
    '/v1/sign-in',
    {
      schema: {
        description: "Exchanges a sign-in link's token, once, for a short-lived key of its tenant (no key needed).",
        security: [],
        body: SignInRequestSchema,
        response: { 201: SignInSessionSchema, 401: z.any() },
      },
    },
    async (request, reply) => {
      const tenant = await registry.signInLinks.redeem(request.body.token);
      if (tenant === undefined)
        return sendProblem(reply, problem(401, 'the sign-in link is unknown, used or expired: ask for a new one'));
      const key = newApiKey();
      const expiresAt = new Date(Date.now() + SIGN_IN_SESSION_TTL_MS);
      await registry.apiKeys.add(key, `sign-in link of ${tenant}`, tenant, expiresAt);
      return reply.code(201).send({ key, tenant, expiresAt: expiresAt.toISOString() });
    },
  );
}
