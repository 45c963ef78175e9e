// A webhook's row as the registry's reads select it, and as the API shows it: shared by the webhook repositories.
import { DEFAULT_DISABLE_AFTER, DEFAULT_MAX_IN_FLIGHT, type Webhook, type WebhookFields } from '../contract';

export interface Row {
  id: string;
  tenant: string;
  event: string;
  active: boolean;
  config: Omit<WebhookFields, 'event' | 'active' | 'disableAfter' | 'maxInFlight'> & {
    disableAfter?: number;
    maxInFlight?: number;
  };
  consecutive_failures: number;
  disabled_at: Date | null;
  disabled_reason: string | null;
  created_at: Date;
  updated_at: Date;
}

export const COLUMNS =
  'id, tenant, event, active, config, consecutive_failures, disabled_at, disabled_reason, created_at, updated_at';

/** `tenant = $n` when the scope is one tenant's; true for an operator's. */
export const IN_SCOPE = (n: number) => `($${n}::text is null or tenant = $${n})`;

export function toWebhook(row: Row): Webhook {
  return {
    ...row.config,
    // Webhooks made before endpoint health have no disableAfter of their own: the default applies to them.
    disableAfter: row.config.disableAfter ?? DEFAULT_DISABLE_AFTER,
    // Nor a cap on requests in flight (issue 20, item 5).
    maxInFlight: row.config.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT,
    id: row.id,
    tenant: row.tenant,
    event: row.event,
    active: row.active,
    consecutiveFailures: row.consecutive_failures,
    ...(row.disabled_at ? { disabledAt: new Date(row.disabled_at).toISOString() } : {}),
    ...(row.disabled_reason ? { disabledReason: row.disabled_reason } : {}),
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}
