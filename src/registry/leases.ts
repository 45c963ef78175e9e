// Fair delivery (issue 20, item 5): who holds a slot of a webhook's requests in flight, who waits for one, and the
// webhook's pace (its next free time under a rate, and how long a request to it has held its slot of late). One row
// per holder (a delivery run): a slot is a lease that expires, so a worker that dies holding one frees it by itself;
// until then the run's next try waits too, since a worker that only seems dead may still be sending. A turn is a slot
// kept for the run's attempt to come (taken by the waiting run's local try), which the attempt takes over. Every
// decision for one webhook is made under a transaction-scoped advisory lock of that webhook, so workers and processes
// on one database agree.
import type { Db, Queryable } from './db';

export interface SlotRequest {
  webhookId: string;
  /** Who asks: one delivery run (its workflow ID), the same on each of its attempts. */
  holder: string;
  maxInFlight: number;
  ratePerSecond?: number;
  /** How long the slot is held at most: at least the attempt's own deadline, so a live attempt never loses it. */
  leaseMs: number;
  /** Take a slot whatever the count (a run that cannot wait): it still counts against the others. */
  force?: boolean;
  /** Hold the slot for the run's attempt to come (a turn), which takes it over when it starts. */
  reserve?: boolean;
}

export type SlotAnswer = { granted: true } | { granted: false; waitMs: number; ahead: number };

/** A webhook's requests are expected to hold their slot this long before any has been timed. */
export const DEFAULT_HOLD_MS = 1_000;
/** A waiter tries again after at least this long (so a full webhook is not polled hard) and at most this long. */
export const MIN_WAIT_MS = 100;
export const MAX_WAIT_MS = 60_000;
/** A waiter that stopped asking (its run was terminated) leaves the queue this long after its last wait ended. */
export const WAITER_GRACE_MS = 30_000;
/** An arbitrary constant naming fair delivery's advisory locks, one per webhook (its id's hash). */
export const LEASE_LOCK = 7_283_915;
/** The weight of the newest request in a webhook's average hold time. */
const NEWEST_WEIGHT = 0.2;

interface State {
  now_ms: number;
  /** This holder's row: waiting, holding a turn for its attempt, or sending (a slot). */
  mine: 'slot' | 'turn' | 'wait' | null;
  mine_expires_ms: number | null;
  busy: number;
  ahead: number;
  next_ms: number | null;
  average_ms: number | null;
}

const MS = "$3::float8 * interval '1 millisecond'";

export class LeaseRepository {
  constructor(private readonly db: Db) {}

  /**
   * A slot for `holder` when the webhook has one free (and its rate has room), else how long to wait before asking
   * again: the time the slot this waiter is next in line for should free, from its place among the waiters and how
   * long requests have held their slots of late. Free slots go to whoever asks first; the place only sets the wait.
   */
  async acquire(req: SlotRequest): Promise<SlotAnswer> {
    return this.db.transaction(async (tx) => {
      await tx.query('select pg_advisory_xact_lock($1, hashtext($2))', [LEASE_LOCK, req.webhookId]);
      await tx.query('delete from webhook_leases where webhook_id = $1 and expires_at < now()', [req.webhookId]);
      const state = await readState(tx, req);
      // A request of this run is in flight already: an execution of its attempt that a timeout left running, or a
      // dead worker's. Sending beside it would pass the cap: wait until it ends or its lease expires.
      if (state.mine === 'slot' && !req.force) {
        const left = (state.mine_expires_ms ?? state.now_ms) - state.now_ms;
        return { granted: false, waitMs: Math.round(Math.min(MAX_WAIT_MS, Math.max(MIN_WAIT_MS, left))), ahead: 0 };
      }
      const paced = req.ratePerSecond !== undefined && state.next_ms !== null && state.next_ms > state.now_ms;
      if (state.mine === 'turn' || req.force || (state.busy < req.maxInFlight && !paced)) {
        await tx.query(
          `insert into webhook_leases (webhook_id, holder, kind, expires_at) values ($1, $2, $4, now() + ${MS})
           on conflict (webhook_id, holder) do update set kind = $4, expires_at = excluded.expires_at,
             since = case when webhook_leases.kind = 'turn' then webhook_leases.since else now() end`,
          [req.webhookId, req.holder, req.leaseMs, req.reserve ? 'turn' : 'slot'],
        );
        // A turn taken over by its attempt was paced when it was given.
        if (req.ratePerSecond !== undefined && state.mine !== 'turn') {
          await this.pace(tx, req.webhookId, 1000 / req.ratePerSecond);
        }
        return { granted: true };
      }
      const waitMs = await this.waitFor(tx, req, state);
      await tx.query(
        `insert into webhook_leases (webhook_id, holder, kind, expires_at) values ($1, $2, 'wait', now() + ${MS})
         on conflict (webhook_id, holder) do update set expires_at = excluded.expires_at`,
        [req.webhookId, req.holder, waitMs + WAITER_GRACE_MS],
      );
      return { granted: false, waitMs, ahead: state.ahead };
    });
  }

  /**
   * The holder's request ended: its slot is free, and the webhook's average hold learns how long the slot was held,
   * from the turn that kept it (the wait for the attempt's dispatch is part of a slot's cost) to now. The slot freed
   * lets the webhook's next delivery parked in the outbox (issue 23) go at once, whoever held it: a dispatcher's first
   * attempt or a run's retry.
   */
  async release(webhookId: string, holder: string): Promise<void> {
    await this.db.query(`with ${releaseCtes(1)} select 1`, releaseParams(webhookId, holder));
  }

  /** The slots held now (not expired: sending, or a turn kept for an attempt) and the deliveries waiting, of one webhook. */
  async count(webhookId: string): Promise<{ inFlight: number; waiting: number }> {
    const [row] = await this.db.query<{ in_flight: number; waiting: number }>(
      `select count(*) filter (where kind <> 'wait')::int as in_flight, count(*) filter (where kind = 'wait')::int as waiting
       from webhook_leases where webhook_id = $1 and expires_at >= now()`,
      [webhookId],
    );
    return { inFlight: row.in_flight, waiting: row.waiting };
  }

  /** The next request under the rate may start `spacingMs` after this one (or after now, when it is later). */
  private async pace(tx: Queryable, webhookId: string, spacingMs: number): Promise<void> {
    await tx.query(
      `insert into webhook_pace (webhook_id, next_at) values ($1, now() + $2::float8 * interval '1 millisecond')
       on conflict (webhook_id) do update set
         next_at = greatest(coalesce(webhook_pace.next_at, now()), now()) + $2::float8 * interval '1 millisecond'`,
      [webhookId, spacingMs],
    );
  }

  /**
   * When the slot this waiter is next in line for should free: the busy slots free an average hold after they were
   * taken (or soon, when that is past), the first `maxInFlight` waiters take them, the next ones a hold later, and so
   * on; under a rate, each waiter ahead takes one spacing more. Bounded, so no waiter polls hard or sleeps forever.
   */
  private async waitFor(tx: Queryable, req: SlotRequest, state: State): Promise<number> {
    const now = state.now_ms;
    const hold = state.average_ms ?? DEFAULT_HOLD_MS;
    const rows = await tx.query<{ since_ms: number }>(
      `select extract(epoch from since)::float8 * 1000 as since_ms from webhook_leases
       where webhook_id = $1 and kind <> 'wait' order by since limit $2`,
      [req.webhookId, req.maxInFlight],
    );
    const frees = rows.map((r) => Math.max(Number(r.since_ms) + hold, now + hold / 4)).sort((a, b) => a - b);
    while (frees.length < req.maxInFlight) frees.unshift(now);
    const round = Math.floor(state.ahead / req.maxInFlight);
    const capAt = frees[state.ahead % req.maxInFlight] + round * hold;
    const rateAt =
      req.ratePerSecond === undefined
        ? now
        : Math.max(state.next_ms ?? now, now) + (state.ahead * 1000) / req.ratePerSecond;
    return Math.round(Math.min(MAX_WAIT_MS, Math.max(MIN_WAIT_MS, Math.max(capAt, rateAt) - now)));
  }
}

/**
 * A release (LeaseRepository.release) as CTEs (`gone`: the slot, `paced`: the average hold, `unparked`: the next
 * parked delivery), its 3 parameters from `$at` in releaseParams' order: the statement of release, and a part of the
 * outbox's settle (outbox.ts).
 */
export function releaseCtes(at: number): string {
  const [webhook, holder, weight] = [`$${at}`, `$${at + 1}`, `$${at + 2}`];
  return `gone as (
         delete from webhook_leases where webhook_id = ${webhook}::text and holder = ${holder}::text and kind <> 'wait'
         returning extract(epoch from now() - since)::float8 * 1000 as held_ms),
       paced as (
         insert into webhook_pace (webhook_id, average_ms) select ${webhook}::text, held_ms from gone
         on conflict (webhook_id) do update set average_ms = coalesce(
           webhook_pace.average_ms * (1 - ${weight}::float8) + excluded.average_ms * ${weight}::float8,
           excluded.average_ms)),
       unparked as (
         update delivery_outbox set not_before = null where delivery_id = (
           select delivery_id from delivery_outbox
           where webhook_id = ${webhook}::text and claimed_by is null and not_before > now()
             and delivery_id <> ${holder}::text and exists (select 1 from gone)
           order by seq limit 1))`;
}

/** releaseCtes' 3 parameters. */
export function releaseParams(webhookId: string, holder: string): unknown[] {
  return [webhookId, holder, NEWEST_WEIGHT];
}

/** The webhook's slots and queue as this holder sees them, with the database's clock. */
async function readState(tx: Queryable, req: SlotRequest): Promise<State> {
  const [row] = await tx.query<State>(
    `with me as (select kind, ticket, expires_at from webhook_leases where webhook_id = $1 and holder = $2)
     select extract(epoch from now())::float8 * 1000 as now_ms,
       (select kind from me) as mine,
       (select extract(epoch from expires_at)::float8 * 1000 from me) as mine_expires_ms,
       (select count(*) from webhook_leases where webhook_id = $1 and kind <> 'wait' and holder <> $2)::int as busy,
       (select count(*) from webhook_leases where webhook_id = $1 and kind = 'wait' and holder <> $2
          and ticket < coalesce((select ticket from me), 9223372036854775807))::int as ahead,
       (select extract(epoch from next_at)::float8 * 1000 from webhook_pace where webhook_id = $1) as next_ms,
       (select average_ms from webhook_pace where webhook_id = $1) as average_ms`,
    [req.webhookId, req.holder],
  );
  return {
    ...row,
    now_ms: Number(row.now_ms),
    mine_expires_ms: row.mine_expires_ms === null ? null : Number(row.mine_expires_ms),
    next_ms: row.next_ms === null ? null : Number(row.next_ms),
    average_ms: row.average_ms === null ? null : Number(row.average_ms),
  };
}
