// Published events, kept whole: the fan-out passes only their ids through Temporal, and each delivery reads the event
// here, so an event's data is not copied into the history of every run that delivers it. Stored as `json`, not
// `jsonb`, which would reorder keys: a receiver gets the event's fields in the order they were published. An event's
// id is unique within its tenant (a store names its own events), so every lookup names the tenant.
import { scopedTenant, type HookstepEvent, type TenantScope } from '../contract';
import type { Db } from './db';

export class EventRepository {
  constructor(private readonly db: Db) {}

  /**
   * Records the event under its tenant (the first body of an id is kept) and says whether its fan-out has started
   * already: then a publish of the same id is a duplicate, even once Temporal has forgotten the fan-out past its
   * retention.
   */
  async insert(event: HookstepEvent): Promise<{ fanOutStarted: boolean }> {
    await this.db.query(
      'insert into events (tenant, id, type, body) values ($1, $2, $3, $4::json) on conflict (tenant, id) do nothing',
      [event.tenant, event.id, event.type, JSON.stringify(event)],
    );
    const [row] = await this.db.query<{ started: boolean }>(
      'select fan_out_started_at is not null as started from events where tenant = $1 and id = $2',
      [event.tenant, event.id],
    );
    return { fanOutStarted: row.started };
  }

  async markFanOutStarted(tenant: string, id: string): Promise<void> {
    await this.db.query(
      'update events set fan_out_started_at = coalesce(fan_out_started_at, now()) where tenant = $1 and id = $2',
      [tenant, id],
    );
  }

  async get(tenant: string, id: string): Promise<HookstepEvent | undefined> {
    const [row] = await this.db.query<{ body: Omit<HookstepEvent, 'tenant'> & { tenant?: string } }>(
      'select body from events where tenant = $1 and id = $2',
      [tenant, id],
    );
    // A body stored before tenants existed names none: its tenant is the row's.
    return row && { ...row.body, tenant };
  }

  /** Several events of one tenant by id, in one query: a dispatcher's batch; a missing id is absent from the map. */
  async getMany(tenant: string, ids: readonly string[]): Promise<Map<string, HookstepEvent>> {
    const rows = await this.db.query<{ id: string; body: Omit<HookstepEvent, 'tenant'> & { tenant?: string } }>(
      'select id, body from events where tenant = $1 and id = any($2::text[])',
      [tenant, ids],
    );
    return new Map(rows.map((r) => [r.id, { ...r.body, tenant }]));
  }

  /** Event types published in the scope, for GET /v1/event-types. */
  async publishedTypes(scope: TenantScope): Promise<string[]> {
    const rows = await this.db.query<{ type: string }>(
      'select distinct type from events where ($1::text is null or tenant = $1) order by type',
      [scopedTenant(scope) ?? null],
    );
    return rows.map((r) => r.type);
  }
}
