// Idempotency keys (Svix's core/idempotency.rs, Stripe's Idempotency-Key): a keyed call that sends something records
// what it asked, then what it will do (its plan) before it starts anything, then its answer. A retry carries out the
// plan recorded (every step of it idempotent) rather than a new one, and a call that answered is answered again
// unchanged. Keys belong to the caller's scope (a tenant, or operators) and live as long as the delivery log keeps
// deliveries (DeliveryRepository.prune deletes both).
import type { Db } from './db';

/** What a key knows when a call claims it. */
export type Claim<P> =
  /** Claimed now, or by a call that stopped before it planned: plan. */
  | { state: 'new' }
  /** Used before for another request: the caller answers 422. */
  | { state: 'mismatch' }
  /** Planned by an earlier call, maybe partly carried out: carry out this plan. */
  | { state: 'planned'; plan: P }
  /** Answered: answer this again. */
  | { state: 'answered'; response: unknown };

interface KeyRow {
  request: string;
  plan: unknown;
  response: unknown;
}

export class IdempotencyRepository {
  constructor(private readonly db: Db) {}

  /** Claims `key` in `scope` for `request` (what the call asks, e.g. `resend <delivery id>`). */
  async claim<P>(scope: string, key: string, request: string): Promise<Claim<P>> {
    await this.db.query(
      'insert into idempotency_keys (scope, key, request) values ($1, $2, $3) on conflict (scope, key) do nothing',
      [scope, key, request],
    );
    const row = await this.read(scope, key);
    if (!row) return { state: 'new' };
    if (row.request !== request) return { state: 'mismatch' };
    if (row.response !== null) return { state: 'answered', response: row.response };
    return row.plan === null ? { state: 'new' } : { state: 'planned', plan: row.plan as P };
  }

  /**
   * Records the plan of a claimed key, unless a concurrent call with the key recorded one first; returns the plan
   * recorded, the one to carry out.
   */
  async plan<P>(scope: string, key: string, plan: P): Promise<P> {
    await this.db.query(
      'update idempotency_keys set plan = $3::text::jsonb where scope = $1 and key = $2 and plan is null',
      [scope, key, JSON.stringify(plan)],
    );
    return ((await this.read(scope, key))?.plan ?? plan) as P;
  }

  /** Frees a claimed key whose call was refused before it planned: the key may name another request then. */
  async release(scope: string, key: string): Promise<void> {
    await this.db.query('delete from idempotency_keys where scope = $1 and key = $2 and plan is null', [scope, key]);
  }

  async answer(scope: string, key: string, response: unknown): Promise<void> {
    await this.db.query('update idempotency_keys set response = $3::text::jsonb where scope = $1 and key = $2', [
      scope,
      key,
      JSON.stringify(response),
    ]);
  }

  private async read(scope: string, key: string): Promise<KeyRow | undefined> {
    const [row] = await this.db.query<KeyRow>(
      'select request, plan, response from idempotency_keys where scope = $1 and key = $2',
      [scope, key],
    );
    return row;
  }
}
