// Resends in the delivery log (issue 20, item 3): a resend is a delivery of its own (ID `<webhook id>/<event id>/
// resend-<token>`) naming the delivery it resent. Recover reads a webhook's failures: for each of its events, the
// newest delivery (the first or a resend) when it failed, so a failure a later resend fixed, or is still trying to, is
// not sent again.
import { scopedTenant, type Delivery, type TenantScope } from '../contract';
import type { Db } from './db';
import { COLUMNS, IN_SCOPE, toDelivery, type Row } from './deliveryRows';

/** A resend to log before its run starts: the same event to the same webhook, under its own ID. */
export interface PlannedResend {
  id: string;
  resendOf: string;
  tenant: string;
  webhookId: string;
  eventId: string;
  eventType: string;
}

/** The advisory lock class of recover's inserts (with the webhook's id as the second key); not the migrations'. */
const RECOVER_LOCK = 7_283_915;

export class ResendRepository {
  constructor(private readonly db: Db) {}

  /**
   * Logs the resends `pending`, in one statement; one logged already (a retried call) keeps its row. With `onlyNewest`
   * (recover), a resend whose original is no longer its event's newest delivery is not logged: a recover racing
   * another (a double click, two operators) has resent it. Such calls on one webhook take turns under a lock.
   */
  async insert(resends: readonly PlannedResend[], options: { onlyNewest: boolean }): Promise<void> {
    if (resends.length === 0) return;
    await this.db.transaction(async (tx) => {
      if (options.onlyNewest)
        await tx.query('select pg_advisory_xact_lock($1, hashtext($2))', [RECOVER_LOCK, resends[0].webhookId]);
      await tx.query(
        `insert into deliveries (id, tenant, webhook_id, event_id, event_type, state, resend_of)
         select r.id, r.tenant, r.webhook_id, r.event_id, r.event_type, 'pending', r.resend_of
         from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])
           as r (id, tenant, webhook_id, event_id, event_type, resend_of)
         where not $7::boolean or not exists (select 1 from deliveries o join deliveries n
           on n.webhook_id = o.webhook_id and n.event_id = o.event_id and n.seq > o.seq where o.id = r.resend_of)
         on conflict (id) do nothing`,
        [
          resends.map((r) => r.id),
          resends.map((r) => r.tenant),
          resends.map((r) => r.webhookId),
          resends.map((r) => r.eventId),
          resends.map((r) => r.eventType),
          resends.map((r) => r.resendOf),
          options.onlyNewest,
        ],
      );
    });
  }

  /** The deliveries of these IDs in the scope, in the order given; a missing one is left out. */
  async getMany(scope: TenantScope, ids: readonly string[]): Promise<Delivery[]> {
    if (ids.length === 0) return [];
    const rows = await this.db.query<Row>(
      `select ${COLUMNS} from deliveries where id = any($1::text[]) and ${IN_SCOPE(2)}`,
      [ids, scopedTenant(scope) ?? null],
    );
    const byId = new Map(rows.map((r) => [r.id, toDelivery(r)]));
    return ids.flatMap((id) => byId.get(id) ?? []);
  }

  /**
   * The webhook's events whose newest delivery failed and was created at or after `since`, oldest first, `limit` at
   * most: those deliveries.
   */
  async failedSince(scope: TenantScope, webhookId: string, since: string, limit: number): Promise<Delivery[]> {
    const rows = await this.db.query<Row>(
      `select ${COLUMNS} from deliveries d
       where d.webhook_id = $1 and ${IN_SCOPE(2)} and d.state = 'failed' and d.created_at >= $3::timestamptz
         and not exists (select 1 from deliveries n
           where n.webhook_id = d.webhook_id and n.event_id = d.event_id and n.seq > d.seq)
       order by d.seq limit $4`,
      [webhookId, scopedTenant(scope) ?? null, since, limit],
    );
    return rows.map(toDelivery);
  }
}
