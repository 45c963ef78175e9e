// A typed client of the HTTP API of event webhooks, on Node's own fetch (no extra HTTP client). Input is checked with
// the API's own schemas before anything is sent (InvalidInputError names the fields); a problem answer throws ApiError.
import { z } from 'zod';
import { checked, pathOf, queryOf, request } from './http';
import {
  AutomationRunListSchema,
  AutomationRunsQuerySchema,
  CreateAutomationSchema,
  CreateWebhookSchema,
  CreatedApiKeySchema,
  CreatedWebhookSchema,
  DeliveryDetailSchema,
  DeliveryListQuerySchema,
  DeliveryListSchema,
  DeliverySchema,
  EventSchema,
  IdempotencyKeySchema,
  EventTypesSchema,
  KeyScopeSchema,
  PublishedEventSchema,
  RecoverSchema,
  RecoveredSchema,
  RotatedSecretSchema,
  SignInLinkSchema,
  StoredAutomationSchema,
  TenantSchema,
  UpdateAutomationSchema,
  UpdateWebhookSchema,
  WebhookSchema,
  type AutomationRunsFilter,
  type CreateAutomationInput,
  type CreateWebhookInput,
  type DeliveryListFilter,
  type EventInput,
  type UpdateAutomationInput,
  type UpdateWebhookInput,
  type WebhookHealthFilter,
} from '../contract';

export interface ApiClientOptions {
  /** e.g. http://127.0.0.1:8788 */
  url: string;
  /** An API key (hsk_…), sent as Authorization: Bearer. */
  apiKey: string;
}

export type ApiClient = ReturnType<typeof createApiClient>;

export function createApiClient(options: ApiClientOptions) {
  const call = request(options);
  return {
    webhooks: {
      create: (input: CreateWebhookInput) =>
        call('POST', '/v1/webhooks', CreatedWebhookSchema, checked('webhook', CreateWebhookSchema, input)),
      /** An operator key lists every tenant's unless `tenant` is given; a tenant key lists its own. */
      list: (filter: { tenant?: string; event?: string; active?: boolean; health?: WebhookHealthFilter } = {}) => {
        const query = queryOf(filter);
        return call('GET', `/v1/webhooks?${query.toString()}`, WebhookListSchema).then((r) => r.webhooks);
      },
      get: (id: string) => call('GET', `/v1/webhooks/${encodeURIComponent(id)}`, WebhookSchema),
      update: (id: string, changes: UpdateWebhookInput) =>
        call(
          'PATCH',
          `/v1/webhooks/${encodeURIComponent(id)}`,
          WebhookSchema,
          checked('webhook', UpdateWebhookSchema, changes),
        ),
      delete: (id: string) => call('DELETE', `/v1/webhooks/${encodeURIComponent(id)}`, undefined),
      /** Receiving again after an automatic disable: clears disabledAt, disabledReason and consecutiveFailures. */
      enable: (id: string) => call('POST', `/v1/webhooks/${encodeURIComponent(id)}/enable`, WebhookSchema),
      rotateSecret: (id: string) =>
        call('POST', `/v1/webhooks/${encodeURIComponent(id)}/rotate-secret`, RotatedSecretSchema),
    },
    /** What this key may see: one tenant's, or every tenant's (an operator key). */
    me: () => call('GET', '/v1/me', KeyScopeSchema),
    automations: automationsClient(call),
    events: {
      publish: (event: EventInput) =>
        call('POST', '/v1/events', PublishedEventSchema, checked('event', EventSchema, event)),
      /** The seeds' event types and the types in use (GET /v1/event-types). */
      types: () => call('GET', '/v1/event-types', EventTypesSchema).then((r) => r.eventTypes),
    },
    deliveries: deliveriesClient(call),
    ...resendClient(call),
    tenants: {
      keys: {
        /** A new API key of the tenant (an operator key only), returned this once. */
        create: (tenant: string) =>
          call(
            'POST',
            `/v1/tenants/${encodeURIComponent(checked('tenant', TenantSchema, tenant))}/keys`,
            CreatedApiKeySchema,
          ),
      },
      /** A one-time link (an operator key only) that signs a browser in to the webhooks page as the tenant. */
      signInLink: (tenant: string) =>
        call(
          'POST',
          `/v1/tenants/${encodeURIComponent(checked('tenant', TenantSchema, tenant))}/sign-in-links`,
          SignInLinkSchema,
        ),
    },
  };
}

/** Stored automations: run by events of their tenant and type (issue 22). */
function automationsClient(call: ReturnType<typeof request>) {
  const runPage = (id: string, filter: AutomationRunsFilter = {}) => {
    checked('runs filter', AutomationRunsQuerySchema, filter);
    const query = queryOf(filter);
    return call('GET', `/v1/automations/${encodeURIComponent(id)}/runs?${query.toString()}`, AutomationRunListSchema);
  };
  return {
    create: (input: CreateAutomationInput) =>
      call('POST', '/v1/automations', StoredAutomationSchema, checked('automation', CreateAutomationSchema, input)),
    /** An operator key lists every tenant's unless `tenant` is given; a tenant key lists its own. */
    list: (filter: { tenant?: string; event?: string; active?: boolean } = {}) => {
      const query = queryOf(filter);
      return call('GET', `/v1/automations?${query.toString()}`, AutomationListSchema).then((r) => r.automations);
    },
    get: (id: string) => call('GET', `/v1/automations/${encodeURIComponent(id)}`, StoredAutomationSchema),
    /** New `steps` make a new version; runs in flight keep theirs. */
    update: (id: string, changes: UpdateAutomationInput) =>
      call(
        'PATCH',
        `/v1/automations/${encodeURIComponent(id)}`,
        StoredAutomationSchema,
        checked('automation', UpdateAutomationSchema, changes),
      ),
    delete: (id: string) => call('DELETE', `/v1/automations/${encodeURIComponent(id)}`, undefined),
    /** Its runs, newest first, from the run log: one page (`limit`, default 100), of one `state` when given. */
    runs: (id: string, filter: AutomationRunsFilter = {}) => runPage(id, filter).then((r) => r.runs),
    /** A page of its runs with the cursor of the next (`next`, passed back as `after`); absent on the last. */
    runPage,
  };
}

const WebhookListSchema = z.object({ webhooks: WebhookSchema.array() });
const AutomationListSchema = z.object({ automations: StoredAutomationSchema.array() });

/** The delivery log: lists in the key's scope, and one delivery with its attempts. */
function deliveriesClient(call: ReturnType<typeof request>) {
  return {
    /**
     * Newest first, a page at a time (pass the answer's `next` as `after`); of one webhook or one event when
     * `webhookId` or `eventId` is given. An operator key lists every tenant's unless `tenant` is given.
     */
    list: (filter: DeliveryListFilter = {}) => {
      const { webhookId, eventId, ...rest } = filter;
      checked('deliveries filter', DeliveryListQuerySchema, rest);
      const query = queryOf(rest);
      const path =
        webhookId !== undefined
          ? `/v1/webhooks/${encodeURIComponent(webhookId)}/deliveries`
          : eventId !== undefined
            ? `/v1/events/${encodeURIComponent(eventId)}/deliveries`
            : '/v1/deliveries';
      return call('GET', `${path}?${query.toString()}`, DeliveryListSchema);
    },
    /** A delivery (ID `<webhook id>/<event id>`) with its attempts. */
    get: (id: string) => call('GET', `/v1/deliveries/${pathOf(id)}`, DeliveryDetailSchema),
  };
}

/** Resend and recover (issue 20, item 3): each answers once the runs are started (202), not delivered. */
function resendClient(call: ReturnType<typeof request>) {
  const keyed = (options: ResendOptions): Record<string, string> =>
    options.idempotencyKey === undefined
      ? {}
      : { 'idempotency-key': checked('idempotency key', IdempotencyKeySchema, options.idempotencyKey) };
  return {
    /** The same event to the same webhook again, as a new delivery (`resendOf` the one given), under its config now. */
    resendDelivery: (deliveryId: string, options: ResendOptions = {}) =>
      call('POST', `/v1/deliveries/${pathOf(deliveryId)}/resend`, DeliverySchema, undefined, keyed(options)),
    /** Resends each failed delivery of the webhook since `since` that no later delivery fixed: the new IDs. */
    recoverWebhook: (webhookId: string, since: string | Date, options: ResendOptions = {}) => {
      const body = checked('recover', RecoverSchema, { since: since instanceof Date ? since.toISOString() : since });
      return call(
        'POST',
        `/v1/webhooks/${encodeURIComponent(webhookId)}/recover`,
        RecoveredSchema,
        body,
        keyed(options),
      );
    },
  };
}

/** A retried call with the same key sends nothing again and answers as the first did. */
export interface ResendOptions {
  idempotencyKey?: string;
}
