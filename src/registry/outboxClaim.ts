// The outbox's claim (outbox.ts), in one transaction: the head of the queue, under the fair-delivery locks of its
// webhooks (leases.ts: the same per-webhook advisory locks a run's attempt takes), so the slots counted free are free;
// per webhook, as many deliveries as its cap leaves slots for are claimed and given a slot at once (a lease under the
// holder a run of theirs would use), the rest looked at are parked. Deliveries that will not send now (a delayed
// webhook's, one whose attempt 1 failed already, a webhook gone, inactive or disabled) are claimed without a slot, as
// are a webhook's under a rate, whose slots are paced one at a time (LeaseRepository.acquire).
import { DEFAULT_MAX_IN_FLIGHT } from '../contract/fairness';
import type { Queryable } from './db';
import { LEASE_LOCK } from './leases';

export interface ClaimRow {
  delivery_id: string;
  tenant: string;
  webhook_id: string;
  event_id: string;
  first_wait_ms: number | null;
  /** A slot was taken for it (webhook_leases), held for the claim's lease until extended or released. */
  slotted: boolean;
}

const MS = (n: number) => `$${n}::float8 * interval '1 millisecond'`;

/**
 * $1 worker, $2 limit, $3 lease (ms), $4 the default cap, $5 park (ms), $6 the webhooks locked. The head is read again
 * under the locks (rows claimed or parked meanwhile drop out), a delivery whose slot is still live (a dead worker's
 * send) is left for its lease to expire.
 */
const CLAIM_SQL = `with head as (
       select o.delivery_id, o.webhook_id, o.seq, o.first_wait_ms from delivery_outbox o
       where (o.not_before is null or o.not_before < now()) and o.webhook_id = any($6::text[])
         and not exists (select 1 from webhook_leases l where l.webhook_id = o.webhook_id
           and l.holder = o.delivery_id and l.kind <> 'wait' and l.expires_at >= now())
       order by o.seq limit $2 for update skip locked),
     busy as (
       select webhook_id, count(*)::int as n from webhook_leases
       where webhook_id = any($6::text[]) and kind <> 'wait' and expires_at >= now() group by webhook_id),
     sending as (
       select h.*, w.id is not null and w.active and w.disabled_at is null and h.first_wait_ms is null
         and jsonb_typeof(w.config -> 'delay') is distinct from 'object' as sends,
         w.config ->> 'ratePerSecond' is not null as paced,
         coalesce((w.config ->> 'maxInFlight')::int, $4::int) - coalesce(b.n, 0) as room
       from head h left join webhooks w on w.id = h.webhook_id left join busy b on b.webhook_id = h.webhook_id),
     ranked as (
       select s.*, not s.sends or s.paced or row_number() over (partition by s.webhook_id, s.sends and not s.paced
         order by s.seq) <= s.room as mine
       from sending s),
     marked as (
       update delivery_outbox o set
         not_before = now() + case when r.mine then ${MS(3)} else ${MS(5)} end,
         claimed_by = case when r.mine then $1 end
       from ranked r where o.delivery_id = r.delivery_id
       returning o.delivery_id, o.tenant, o.webhook_id, o.event_id, o.first_wait_ms, r.mine,
         r.mine and r.sends and not r.paced as slotted),
     slots as (
       insert into webhook_leases (webhook_id, holder, kind, expires_at)
       select webhook_id, delivery_id, 'slot', now() + ${MS(3)} from marked where slotted
       on conflict (webhook_id, holder) do update set kind = 'slot', since = now(), expires_at = excluded.expires_at)
     select m.delivery_id, m.tenant, m.webhook_id, m.event_id, m.first_wait_ms, m.slotted from marked m
     where m.mine order by m.delivery_id`;

/** Claims for `worker`: up to `limit`, each row and slot for `leaseMs`; the others looked at parked for `parkMs`. */
export async function claimWithSlots(
  tx: Queryable,
  worker: string,
  limit: number,
  leaseMs: number,
  parkMs: number,
): Promise<ClaimRow[]> {
  const due = 'not_before is null or not_before < now()';
  const hooks = await tx.query<{ webhook_id: string }>(
    `select distinct webhook_id from (select webhook_id from delivery_outbox where ${due} order by seq limit $1) h
     order by webhook_id`,
    [limit],
  );
  if (hooks.length === 0) return [];
  const ids = hooks.map((h) => h.webhook_id);
  // In id order (a function scan keeps the array's), so two claims never wait on each other's locks in a cycle.
  await tx.query('select count(pg_advisory_xact_lock($1, hashtext(w))) from unnest($2::text[]) as w', [
    LEASE_LOCK,
    ids,
  ]);
  return tx.query<ClaimRow>(CLAIM_SQL, [worker, limit, leaseMs, DEFAULT_MAX_IN_FLIGHT, parkMs, ids]);
}
