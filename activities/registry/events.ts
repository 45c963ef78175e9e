// Published events, kept whole: the fan-out passes only their ids through Temporal, and each delivery reads the event
// here, so an event's data is not copied into the history of every run that delivers it. Stored as `json`, not
// `jsonb`, which would reorder keys: a receiver gets the event's fields in the order they were published.
import type { HookstepEvent } from '../../src/contract';
import type { Db } from './db';

export class EventRepository {
  constructor(private readonly db: Db) {}

  /**
   * Records the event (the first body of an id is kept) and says whether its fan-out has started already: then a
   * publish of the same id is a duplicate, even once Temporal has forgotten the fan-out past its retention.
   */
  async insert(event: HookstepEvent): Promise<{ fanOutStarted: boolean }> {
    await this.db.query('insert into events (id, type, body) values ($1, $2, $3::json) on conflict (id) do nothing', [
      event.id,
      event.type,
      JSON.stringify(event),
    ]);
    const [row] = await this.db.query<{ started: boolean }>(
      'select fan_out_started_at is not null as started from events where id = $1',
      [event.id],
    );
    return { fanOutStarted: row.started };
  }

  async markFanOutStarted(id: string): Promise<void> {
    await this.db.query('update events set fan_out_started_at = coalesce(fan_out_started_at, now()) where id = $1', [
      id,
    ]);
  }

  async get(id: string): Promise<HookstepEvent | undefined> {
    const [row] = await this.db.query<{ body: HookstepEvent }>('select body from events where id = $1', [id]);
    return row?.body;
  }

  /** Event types that have been published, for GET /v1/event-types. */
  async publishedTypes(): Promise<string[]> {
    const rows = await this.db.query<{ type: string }>('select distinct type from events order by type');
    return rows.map((r) => r.type);
  }
}
