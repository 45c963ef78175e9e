// Tenants: whose a webhook and an event are (a store, an app installation). An API key is an operator's (every
// tenant) or one tenant's; the key decides the scope once, at the API's boundary, and every repository call takes it.
import { z } from 'zod';

/** The tenant of single-tenant use, and of every webhook and event made before tenants existed. */
export const DEFAULT_TENANT = 'default';

/**
 * A tenant's name: part of the fan-out's workflow ID (`event/<tenant>/<event id>`) and of the path
 * `/v1/tenants/{tenant}/keys`, hence the id characters, and 64 at most so that ID stays within MAX_ID_LENGTH.
 */
export const TenantSchema = z
  .string({ error: 'is required' })
  .regex(/^[A-Za-z0-9._:-]{1,64}$/, { error: 'must be 1 to 64 letters, digits, ".", "_", ":" or "-"' })
  .meta({ description: `The tenant (a store, an app installation) it belongs to; default: "${DEFAULT_TENANT}".` });

/** What a caller may see and change: every tenant (an operator key) or one (a tenant key, or the worker's run). */
export type TenantScope = { readonly allTenants: true } | { readonly tenant: string };

export const OPERATOR_SCOPE: TenantScope = { allTenants: true };

export function tenantScope(tenant: string): TenantScope {
  return { tenant };
}

/** The one tenant a scope is limited to; undefined for an operator's. */
export function scopedTenant(scope: TenantScope): string | undefined {
  return 'tenant' in scope ? scope.tenant : undefined;
}

/**
 * The tenant a new webhook or event gets: a tenant key's own (a body may name it, or nothing), an operator's choice,
 * else DEFAULT_TENANT. `undefined` when a tenant key's body names another tenant: the caller answers 400 naming the
 * field, the same whether that tenant exists or not.
 */
export function tenantFor(scope: TenantScope, named: string | undefined): string | undefined {
  const own = scopedTenant(scope);
  if (own === undefined) return named ?? DEFAULT_TENANT;
  return named === undefined || named === own ? own : undefined;
}

/**
 * A scope narrowed to the tenant a filter names: an operator's to that tenant, a tenant key's to itself. `undefined`
 * when a tenant key's filter names another tenant (a 400, as for tenantFor).
 */
export function narrowScope(scope: TenantScope, named: string | undefined): TenantScope | undefined {
  if (named === undefined) return scope;
  const own = scopedTenant(scope);
  return own === undefined || own === named ? tenantScope(named) : undefined;
}

/** The message a 400 gives for a tenant key naming another tenant. */
export const OTHER_TENANT_MESSAGE = "must be the API key's own tenant, or left out";

export const CreatedApiKeySchema = z.object({
  key: z.string().meta({ description: 'The API key (hsk_…), shown this once: only its hash is stored.' }),
  tenant: TenantSchema,
});
export type CreatedApiKey = z.output<typeof CreatedApiKeySchema>;

/** `POST /v1/tenants/{tenant}/sign-in-links`: a one-time link that signs a browser in to the page as the tenant. */
export const SignInLinkSchema = z.object({
  url: z.string().meta({ description: "The page's URL with a one-time token; opening it signs the browser in." }),
  expiresAt: z.iso.datetime().meta({ description: 'The link works once, until then.' }),
});
export type SignInLink = z.output<typeof SignInLinkSchema>;

/** `POST /v1/sign-in`: a sign-in link's token, exchanged once for a short-lived key of its tenant. */
export const SignInRequestSchema = z.strictObject({
  token: z.string({ error: 'is required' }).regex(/^hsl_[A-Za-z0-9_-]{43}$/, { error: 'must be a sign-in token' }),
});
export const SignInSessionSchema = CreatedApiKeySchema.extend({
  expiresAt: z.iso.datetime().meta({ description: 'The key stops working then; sign in again with a new link.' }),
});
export type SignInSession = z.output<typeof SignInSessionSchema>;

/** `GET /v1/me`: what the calling key may see: one tenant's, or every tenant's (an operator key). */
export const KeyScopeSchema = z.object({
  operator: z.boolean(),
  tenant: TenantSchema.optional().meta({ description: "A tenant key's tenant; absent for an operator key." }),
});
export type KeyScope = z.output<typeof KeyScopeSchema>;
