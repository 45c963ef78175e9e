// The delivery log: one row per delivery of an event to a webhook (ID `<webhook id>/<event id>`, the delivery run's)
// and one per attempt. Written by the fan-out (a page of deliveries, one statement) and by each attempt (its row and
// the delivery's, one statement); the writes take plain values, so a delivery that is not its own workflow run is
// logged the same way. Rows outlive their webhook (no foreign key to it) until prune(). Every read takes the caller's
// tenant scope: another tenant's delivery is not found, as a missing one.
import {
  scopedTenant,
  type DeliveryAttempt,
  type DeliveryDetail,
  type DeliveryList,
  type DeliveryState,
  type TenantScope,
} from '../contract';
import type { Db } from './db';
import { COLUMNS, IN_SCOPE, toDelivery, type Row } from './deliveryRows';

/** A delivery's identity: its tenant (its event's and webhook's), and the pair. */
export interface DeliveryKey {
  tenant: string;
  webhookId: string;
  eventId: string;
  /** A resend's own ID (`<webhook id>/<event id>/resend-<token>`); absent for the event's first delivery. */
  deliveryId?: string;
}

/** One attempt as it ended: what the log keeps of it, and the delivery's state after it. */
export interface AttemptEntry extends DeliveryKey {
  eventType: string;
  attempt: number;
  state: DeliveryState;
  durationMs: number;
  status?: number;
  failureType?: string;
  message?: string;
  /** Already cut to 2 KiB and redacted (the failure's details[0].bodySnippet, activities/outcomes.ts). */
  bodySnippet?: string;
}

export interface DeliveryFilter {
  webhookId?: string;
  eventId?: string;
  state?: DeliveryState;
  eventType?: string;
  /** ISO 8601 times: created at or after `since`, before `until`. */
  since?: string;
  until?: string;
  /** The `next` of the previous page. */
  after?: string;
  limit: number;
}

interface AttemptRow {
  attempt: number;
  at: Date;
  status: number | null;
  duration_ms: number;
  failure_type: string | null;
  message: string | null;
  body_snippet: string | null;
}

/**
 * The delivery's ID and its run's workflow ID: `<webhook id>/<event id>` (also its webhook-id header), or a resend's
 * own (whose webhook-id header is the first delivery's).
 */
export function deliveryIdOf(key: Pick<DeliveryKey, 'webhookId' | 'eventId' | 'deliveryId'>): string {
  return key.deliveryId ?? `${key.webhookId}/${key.eventId}`;
}

export class DeliveryRepository {
  constructor(private readonly db: Db) {}

  /**
   * Logs a fan-out page's deliveries, in one statement: `scheduled` when the webhook delays them, else `pending`. A
   * delivery logged already (the page read again after a retry, a re-published event) keeps its row.
   */
  async schedule(
    tenant: string,
    event: { id: string; type: string },
    deliveries: readonly { webhookId: string; delayed: boolean }[],
  ): Promise<void> {
    if (deliveries.length === 0) return;
    await this.db.query(
      `insert into deliveries (id, tenant, webhook_id, event_id, event_type, state)
       select d.webhook_id || '/' || $2::text, $1::text, d.webhook_id, $2::text, $3::text, d.state
       from unnest($4::text[], $5::text[]) as d (webhook_id, state)
       on conflict (id) do nothing`,
      [
        tenant,
        event.id,
        event.type,
        deliveries.map((d) => d.webhookId),
        deliveries.map((d): DeliveryState => (d.delayed ? 'scheduled' : 'pending')),
      ],
    );
  }

  /**
   * Logs an attempt and the delivery's state after it, in one statement (a delivery logged before the fan-out wrote
   * rows, e.g. a run in flight across the upgrade, gets its row here). The same attempt logged again replaces its row.
   */
  async recordAttempt(entry: AttemptEntry): Promise<void> {
    await this.db.query(`with ${attemptCtes(1)} select count(*) from attempted`, attemptParams(entry));
  }

  /** Marks a delivery `skipped`. Without the event's type (the event is gone too), only one logged already. */
  async recordSkip(key: DeliveryKey & { eventType?: string }): Promise<void> {
    await this.db.query(
      `with marked as (update deliveries set state = 'skipped', updated_at = now() where id = $1 returning id)
       insert into deliveries (id, tenant, webhook_id, event_id, event_type, state)
       select $1, $2::text, $3::text, $4::text, $5::text, 'skipped' where $5::text is not null
         and not exists (select 1 from marked)
       on conflict (id) do nothing`,
      [deliveryIdOf(key), key.tenant, key.webhookId, key.eventId, key.eventType ?? null],
    );
  }

  /** A delivery in the scope, with its attempts in order; undefined when missing or another tenant's. */
  async get(scope: TenantScope, id: string): Promise<DeliveryDetail | undefined> {
    const [row] = await this.db.query<Row>(`select ${COLUMNS} from deliveries where id = $1 and ${IN_SCOPE(2)}`, [
      id,
      scopedTenant(scope) ?? null,
    ]);
    if (!row) return undefined;
    const attempts = await this.db.query<AttemptRow>(
      `select attempt, at, status, duration_ms, failure_type, message, body_snippet from delivery_attempts
       where delivery_id = $1 order by attempt`,
      [id],
    );
    return { delivery: toDelivery(row), attempts: attempts.map(toAttempt) };
  }

  /** Newest first, `limit` after the cursor (`next`), filtered as given. */
  async list(scope: TenantScope, filter: DeliveryFilter): Promise<DeliveryList> {
    const rows = await this.db.query<Row>(
      `select ${COLUMNS} from deliveries
       where ${IN_SCOPE(1)} and ($2::text is null or webhook_id = $2) and ($3::text is null or event_id = $3)
         and ($4::text is null or state = $4) and ($5::text is null or event_type = $5)
         and ($6::timestamptz is null or created_at >= $6) and ($7::timestamptz is null or created_at < $7)
         and ($8::bigint is null or seq < $8)
       order by deliveries.seq desc limit $9`,
      [
        scopedTenant(scope) ?? null,
        filter.webhookId ?? null,
        filter.eventId ?? null,
        filter.state ?? null,
        filter.eventType ?? null,
        filter.since ?? null,
        filter.until ?? null,
        filter.after ?? null,
        filter.limit + 1,
      ],
    );
    const page = rows.slice(0, filter.limit);
    const next = rows.length > filter.limit ? page[page.length - 1].seq : undefined;
    return { deliveries: page.map(toDelivery), ...(next ? { next } : {}) };
  }

  /**
   * Deletes the settled deliveries (delivered, failed, skipped) last updated before `olderThan`, and their attempts;
   * returns how many. One still scheduled or pending is kept whatever its age: a 10-day delay outlives a 7-day
   * retention, and its log must be there when it fires (Convoy's retention skips events with active deliveries too).
   * Idempotency keys used before `olderThan` go too: a key is remembered as long as what it sent is logged.
   */
  async prune(olderThan: Date): Promise<number> {
    const deleted = await this.db.query(
      `with keys as (delete from idempotency_keys where created_at < $1)
       delete from deliveries where updated_at < $1 and state in ('delivered', 'failed', 'skipped') returning id`,
      [olderThan],
    );
    return deleted.length;
  }
}

function toAttempt(row: AttemptRow): DeliveryAttempt {
  return {
    attempt: row.attempt,
    at: new Date(row.at).toISOString(),
    ...(row.status === null ? {} : { status: row.status }),
    durationMs: row.duration_ms,
    ...(row.failure_type === null ? {} : { failureType: row.failure_type }),
    ...(row.message === null ? {} : { message: row.message }),
    ...(row.body_snippet === null ? {} : { bodySnippet: row.body_snippet }),
  };
}

/**
 * An attempt's write as CTEs (`logged`: the delivery's row; `attempted`: the attempt's), its 12 parameters from
 * `$at` in attemptParams' order: the statement of recordAttempt, and a part of the outbox's settle (outbox.ts).
 */
export function attemptCtes(at: number): string {
  const $ = (i: number) => `$${at + i - 1}`;
  return `logged as (
         insert into deliveries (id, tenant, webhook_id, event_id, event_type, state, attempts, last_status,
           last_failure_type)
         values (${$(1)}::text, ${$(2)}::text, ${$(3)}::text, ${$(4)}::text, ${$(5)}::text, ${$(6)}::text,
           ${$(7)}::int, ${$(8)}::int, ${$(9)}::text)
         on conflict (id) do update set state = excluded.state,
           attempts = greatest(deliveries.attempts, excluded.attempts), last_status = excluded.last_status,
           last_failure_type = excluded.last_failure_type, updated_at = now()
         returning id),
       attempted as (
         insert into delivery_attempts (delivery_id, attempt, status, duration_ms, failure_type, message, body_snippet)
         select id, ${$(7)}::int, ${$(8)}::int, ${$(10)}::int, ${$(9)}::text, ${$(11)}::text, ${$(12)}::text from logged
         on conflict (delivery_id, attempt) do update set at = now(), status = excluded.status,
           duration_ms = excluded.duration_ms, failure_type = excluded.failure_type, message = excluded.message,
           body_snippet = excluded.body_snippet
         returning 1)`;
}

/** attemptCtes' 12 parameters. */
export function attemptParams(entry: AttemptEntry): unknown[] {
  return [
    deliveryIdOf(entry),
    entry.tenant,
    entry.webhookId,
    entry.eventId,
    entry.eventType,
    entry.state,
    entry.attempt,
    entry.status ?? null,
    entry.failureType ?? null,
    Math.round(entry.durationMs),
    entry.message ?? null,
    entry.bodySnippet ?? null,
  ];
}
