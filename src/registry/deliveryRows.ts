// A delivery's row as the log's reads select it, and as the API shows it: shared by the log's repositories.
import type { Delivery, DeliveryState } from '../contract';

export interface Row {
  seq: string;
  id: string;
  tenant: string;
  webhook_id: string;
  event_id: string;
  event_type: string;
  state: DeliveryState;
  attempts: number;
  last_status: number | null;
  last_failure_type: string | null;
  resend_of: string | null;
  created_at: Date;
  updated_at: Date;
}

export const COLUMNS =
  'seq::text as seq, id, tenant, webhook_id, event_id, event_type, state, attempts, last_status, last_failure_type, resend_of, created_at, updated_at';

/** `tenant = $n` for one tenant's scope; true for an operator's. */
export const IN_SCOPE = (n: number) => `($${n}::text is null or tenant = $${n})`;

export function toDelivery(row: Row): Delivery {
  return {
    id: row.id,
    tenant: row.tenant,
    webhookId: row.webhook_id,
    eventId: row.event_id,
    eventType: row.event_type,
    state: row.state,
    attempts: row.attempts,
    ...(row.last_status === null ? {} : { lastStatus: row.last_status }),
    ...(row.last_failure_type === null ? {} : { lastFailureType: row.last_failure_type }),
    ...(row.resend_of === null ? {} : { resendOf: row.resend_of }),
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}
