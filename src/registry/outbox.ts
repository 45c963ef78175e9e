// The event outbox (issue 23): a published event's deliveries, written in the publish's own transaction, wait here for
// a worker's dispatcher to make their first attempt, so a delivery that succeeds at once costs no workflow run. A
// delivery leaves the outbox when its first attempt settled it, or once it was handed to a run of its own (a delay, a
// retry). A claim is a lease (`not_before`): a worker that dies holding deliveries frees them when it expires, and
// the next claim sends them again under the same webhook-id. A claim's lease is short, and is extended to the
// attempt's deadline once the claimed webhooks are known, so a dead worker's deliveries wait no longer than their
// webhook's timeout and a margin. `first_wait_ms` records a first attempt that failed and must be retried, so a
// claim after a crash hands it to its run rather than sending attempt 1 again.
import type { HookstepEvent } from '../contract';
import type { Db } from './db';
import { attemptCtes, attemptParams, deliveryIdOf, type AttemptEntry } from './deliveries';
import { releaseCtes, releaseParams } from './leases';
import { claimWithSlots } from './outboxClaim';

/** The channel a publish notifies (in its transaction, so on commit) and dispatchers listen on. */
export const OUTBOX_CHANNEL = 'hookstep_outbox';

export interface OutboxEntry {
  /** `<webhook id>/<event id>`: the delivery's ID in the log, its webhook-id header, and its run's ID if it gets one. */
  deliveryId: string;
  tenant: string;
  webhookId: string;
  eventId: string;
  /** A slot of its webhook's was taken with the claim: it may be sent at once (and the slot must be released). */
  slotted: boolean;
  /** Set when attempt 1 failed retryably: the wait before attempt 2, which its run makes. */
  firstWaitMs?: number;
}

/** A delivery whose webhook was full when looked at waits this long at most before it is looked at again. */
export const PARK_MS = 5_000;

const MS = (n: number) => `$${n}::float8 * interval '1 millisecond'`;

export class OutboxRepository {
  constructor(private readonly db: Db) {}

  /**
   * Records the event under its tenant (the first body of an id is kept) and, in the same transaction, logs a
   * delivery to each active, receiving webhook of its tenant and type (`scheduled` when the webhook delays, else
   * `pending`) and queues it here. A delivery logged already (a publish retried) is queued no second time. Returns
   * whether the event had been published before (its fan-out marked started: nothing new is sent), and how many
   * deliveries this call queued, and whether active automations of the tenant listen on its type: then the event is
   * left unmarked, for the caller to start their fan-out and mark it then.
   */
  async publish(event: HookstepEvent): Promise<{ duplicate: boolean; queued: number; automations: boolean }> {
    // One statement (the publish path's cost is counted in statements, issue 23). The upsert locks the event's row,
    // so a concurrent publish of the same id waits for this one, then finds it marked (a duplicate) or, while its
    // automations' fan-out is pending, queues nothing twice. The type is the stored event's: its first body is kept.
    const [row] = await this.db.query<{ fresh: number; queued: number; automations: boolean }>(
      `with listening as (
         select exists (select 1 from automations where tenant = $1 and event = $3 and active) as yes),
       ev as (
         insert into events (tenant, id, type, body, fan_out_started_at)
         values ($1, $2, $3, $4::json, case when (select yes from listening) then null else now() end)
         on conflict (tenant, id) do update set fan_out_started_at = excluded.fan_out_started_at
           where events.fan_out_started_at is null
         returning type),
       hooks as (
         select w.id, jsonb_typeof(w.config -> 'delay') = 'object' as delayed from webhooks w join ev on w.event = ev.type
         where w.tenant = $1 and w.active and w.disabled_at is null),
       logged as (
         insert into deliveries (id, tenant, webhook_id, event_id, event_type, state)
         select h.id || '/' || $2::text, $1::text, h.id, $2::text, (select type from ev),
           case when h.delayed then 'scheduled' else 'pending' end from hooks h
         on conflict (id) do nothing returning id, webhook_id),
       queued as (
         insert into delivery_outbox (delivery_id, tenant, webhook_id, event_id)
         select id, $1::text, webhook_id, $2::text from logged returning delivery_id),
       notified as (select pg_notify($5, '') from (select 1 from queued limit 1) as any_queued)
       select (select count(*) from ev)::int as fresh, (select count(*) from queued)::int as queued,
         (select count(*) from notified)::int as notified, (select yes from listening) as automations`,
      [event.tenant, event.id, event.type, JSON.stringify(event), OUTBOX_CHANNEL],
    );
    return { duplicate: row.fresh === 0, queued: row.queued, automations: row.automations };
  }

  /**
   * Claims up to `limit` deliveries due now for `worker`, for `leaseMs`, from the head of the queue, each that will be
   * sent with its slot of the webhook's cap taken (outboxClaim.ts). Per webhook, no more than its cap leaves slots for;
   * the others looked at are parked for `parkMs` (due again then, or sooner when a slot of their webhook frees:
   * LeaseRepository.release), so a webhook's backlog waits here, in the database, out of the way of other webhooks' deliveries, and a
   * claim reads only the head of the queue.
   */
  async claim(worker: string, limit: number, leaseMs: number, parkMs = PARK_MS): Promise<OutboxEntry[]> {
    const rows = await this.db.transaction((tx) => claimWithSlots(tx, worker, limit, leaseMs, parkMs));
    return rows.map((r) => ({
      deliveryId: r.delivery_id,
      tenant: r.tenant,
      webhookId: r.webhook_id,
      eventId: r.event_id,
      slotted: r.slotted,
      ...(r.first_wait_ms === null ? {} : { firstWaitMs: r.first_wait_ms }),
    }));
  }

  /**
   * Extends claimed deliveries' leases, and their slots', each to its `ms` from now: once their webhook is known, to its
   * timeout and a margin, so no other worker takes them while their attempt may still be in flight. One statement for
   * a whole batch.
   */
  async extend(claims: readonly { deliveryId: string; webhookId: string; ms: number }[]): Promise<void> {
    if (claims.length === 0) return;
    await this.db.query(
      `with x as (select * from unnest($1::text[], $2::text[], $3::float8[]) as x (delivery_id, webhook_id, ms)),
       rows as (
         update delivery_outbox o set not_before = now() + x.ms * interval '1 millisecond'
         from x where o.delivery_id = x.delivery_id)
       update webhook_leases l set expires_at = now() + x.ms * interval '1 millisecond'
       from x where l.webhook_id = x.webhook_id and l.holder = x.delivery_id and l.kind = 'slot'`,
      [claims.map((c) => c.deliveryId), claims.map((c) => c.webhookId), claims.map((c) => c.ms)],
    );
  }

  /**
   * The first attempt ended: in one statement, it is logged (DeliveryRepository.recordAttempt), its slot freed
   * (LeaseRepository.release, which lets the webhook's next parked delivery go), and the delivery leaves the outbox
   * (`next` "done": settled) or is marked for its run (`first_wait_ms`: the wait before attempt 2). All or nothing, so a
   * delivery is never settled unlogged, nor logged and left to be sent again.
   */
  async settleFirst(attempt: AttemptEntry, next: 'done' | { waitMs: number }): Promise<void> {
    const logged = attemptParams(attempt);
    const id = logged.length + 1;
    const [entry, wait] = [`$${id}`, `$${id + 1}`];
    await this.db.query(
      `with ${attemptCtes(1)}, ${releaseCtes(id + 2)},
       left_outbox as (delete from delivery_outbox where delivery_id = ${entry}::text and ${wait}::int is null),
       failed as (update delivery_outbox set first_wait_ms = ${wait}::int
         where delivery_id = ${entry}::text and ${wait}::int is not null)
       select count(*) from attempted`,
      [
        ...logged,
        deliveryIdOf(attempt),
        next === 'done' ? null : Math.round(next.waitMs),
        ...releaseParams(attempt.webhookId, deliveryIdOf(attempt)),
      ],
    );
  }

  /** The delivery left the outbox: settled by its first attempt, or handed to its own run. */
  async done(deliveryId: string): Promise<void> {
    await this.db.query('delete from delivery_outbox where delivery_id = $1', [deliveryId]);
  }

  /** Gives a claimed delivery back, due again in `waitMs` (its webhook was full after all, or its run not started). */
  async defer(deliveryId: string, waitMs: number): Promise<void> {
    await this.db.query(
      `update delivery_outbox set not_before = now() + ${MS(2)}, claimed_by = null where delivery_id = $1`,
      [deliveryId, waitMs],
    );
  }

  /** Deliveries in the outbox: waiting for a slot, claimed, or not yet handed to their run. */
  async size(): Promise<number> {
    const [row] = await this.db.query<{ n: number }>('select count(*)::int as n from delivery_outbox');
    return row.n;
  }
}
