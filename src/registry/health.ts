// Endpoint health (issue 20, item 4): a webhook's consecutive failed deliveries, and when and why it was disabled.
// One statement per delivery outcome, so counting costs a delivery one indexed update; the count is frozen while the
// webhook is disabled (a delivery still in flight then neither counts nor clears it) until `enable` clears it.
import type { Db } from './db';

/** How a delivery failed, as far as its webhook's health is concerned. */
export interface FailedDelivery {
  /** The receiver answered 410 Gone: disabled at once, whatever the count. */
  gone: boolean;
  /** The last failure in a few words for the reason: `HttpRetryableStatus HTTP 503`, `ConnectionError`. */
  last: string;
  /** The webhook's disableAfter: disabled when the count reaches it; 0 never disables (not even on a 410). */
  disableAfter: number;
}

/** The reason a 410 leaves on the webhook. */
export const GONE_REASON = '410 Gone from the receiver';

export class WebhookHealthRepository {
  constructor(private readonly db: Db) {}

  /** A delivery was delivered: the count starts again (no write when it is 0 already, or while disabled). */
  async delivered(tenant: string, webhookId: string): Promise<void> {
    await this.db.query(
      `update webhooks set consecutive_failures = 0
       where id = $1 and tenant = $2 and consecutive_failures > 0 and disabled_at is null`,
      [webhookId, tenant],
    );
  }

  /**
   * A delivery failed (its last attempt did): one more in the count, and the webhook disabled when the receiver said
   * 410 Gone or the count reached `disableAfter`. Returns the reason when this call disabled it, else undefined.
   */
  async failed(tenant: string, webhookId: string, failure: FailedDelivery): Promise<string | undefined> {
    const [row] = await this.db.query<{ disabled_reason: string | null }>(
      `update webhooks set
         consecutive_failures = consecutive_failures + 1,
         disabled_at = case when $3::int > 0 and ($4::boolean or consecutive_failures + 1 >= $3::int) then now() end,
         disabled_reason = case
           when $3::int > 0 and $4::boolean then $6::text
           when $3::int > 0 and consecutive_failures + 1 >= $3::int
             then (consecutive_failures + 1)::text || ' consecutive failed deliveries; the last: ' || $5::text
         end
       where id = $1 and tenant = $2 and disabled_at is null
       returning disabled_reason`,
      [webhookId, tenant, failure.disableAfter, failure.gone, failure.last, GONE_REASON],
    );
    return row?.disabled_reason ?? undefined;
  }
}
