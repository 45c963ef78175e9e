// The automation run log: one row per run of a stored automation (ID `<automation id>/<event id>`, the run's workflow
// ID), written `running` by the fan-out that starts it (a page of runs, one statement) and ended by the run itself
// (one statement), so a builder reads what happened without Temporal's history, which its retention deletes. Rows
// outlive their automation until prune(). Every read takes the caller's tenant scope.
import {
  scopedTenant,
  type AutomationRun,
  type AutomationRunList,
  type AutomationRunState,
  type TenantScope,
} from '../contract';
import type { Db } from './db';

/** A run as it ended: `completed`, or `failed` with the step that stopped it and that step's failure type. */
export interface AutomationRunEnd {
  automationId: string;
  eventId: string;
  version: number;
  state: Exclude<AutomationRunState, 'running'>;
  /** ISO 8601: when the run started and ended (its workflow's times), kept as given across a retried write. */
  startedAt: string;
  endedAt: string;
  /** For a run the fan-out did not log (started before the run log): without them only a logged run is ended. */
  tenant?: string;
  eventType?: string;
  failedStep?: string;
  failureType?: string;
  message?: string;
}

export interface AutomationRunFilter {
  state?: AutomationRunState;
  /** The `next` of the previous page. */
  after?: string;
  limit: number;
}

interface Row {
  seq: string;
  id: string;
  tenant: string;
  automation_id: string;
  version: number;
  event_id: string;
  event_type: string;
  state: AutomationRunState;
  failed_step: string | null;
  failure_type: string | null;
  message: string | null;
  started_at: Date;
  ended_at: Date | null;
}

const COLUMNS =
  'seq::text as seq, id, tenant, automation_id, version, event_id, event_type, state, failed_step, failure_type, message, started_at, ended_at';

/** The run's ID, its workflow ID: `<automation id>/<event id>`. */
export function automationRunIdOf(run: { automationId: string; eventId: string }): string {
  return `${run.automationId}/${run.eventId}`;
}

export class AutomationRunRepository {
  constructor(private readonly db: Db) {}

  /**
   * Logs a fan-out page's runs `running`, in one statement. A run logged already (the page read again after a retry,
   * a re-published event, whose run is not started twice) keeps its row.
   */
  async started(
    tenant: string,
    event: { id: string; type: string },
    runs: readonly { automationId: string; version: number }[],
  ): Promise<void> {
    if (runs.length === 0) return;
    await this.db.query(
      `insert into automation_runs (id, tenant, automation_id, version, event_id, event_type, state)
       select r.automation_id || '/' || $2::text, $1::text, r.automation_id, r.version, $2::text, $3::text, 'running'
       from unnest($4::text[], $5::int[]) as r (automation_id, version)
       on conflict (id) do nothing`,
      [tenant, event.id, event.type, runs.map((r) => r.automationId), runs.map((r) => r.version)],
    );
  }

  /**
   * Ends a run, in one statement; the same end written again (a retried write) changes nothing. A run the fan-out did
   * not log gets its row here when its tenant and event type are given.
   */
  async ended(end: AutomationRunEnd): Promise<void> {
    await this.db.query(
      `with marked as (
         update automation_runs set state = $3::text, failed_step = $4::text, failure_type = $5::text,
           message = $6::text, ended_at = $7::timestamptz, updated_at = now()
         where id = $1 returning id
       )
       insert into automation_runs (id, tenant, automation_id, version, event_id, event_type, state, failed_step,
         failure_type, message, started_at, ended_at)
       select $1, $8::text, $2::text, $9::int, $10::text, $11::text, $3::text, $4::text, $5::text, $6::text,
         $12::timestamptz, $7::timestamptz
       where $8::text is not null and $11::text is not null and not exists (select 1 from marked)
       on conflict (id) do nothing`,
      [
        automationRunIdOf(end),
        end.automationId,
        end.state,
        end.failedStep ?? null,
        end.failureType ?? null,
        end.message ?? null,
        end.endedAt,
        end.tenant ?? null,
        end.version,
        end.eventId,
        end.eventType ?? null,
        end.startedAt,
      ],
    );
  }

  /** An automation's runs in the scope, newest first, `limit` after the cursor (`next`). */
  async list(scope: TenantScope, automationId: string, filter: AutomationRunFilter): Promise<AutomationRunList> {
    // Ordered by the column, not by COLUMNS' text alias of it, which would sort "10" before "9".
    const rows = await this.db.query<Row>(
      `select ${COLUMNS} from automation_runs
       where automation_id = $1 and ($2::text is null or tenant = $2) and ($3::text is null or state = $3)
         and ($4::bigint is null or seq < $4)
       order by automation_runs.seq desc limit $5`,
      [automationId, scopedTenant(scope) ?? null, filter.state ?? null, filter.after ?? null, filter.limit + 1],
    );
    const page = rows.slice(0, filter.limit);
    const next = rows.length > filter.limit ? page[page.length - 1].seq : undefined;
    return { runs: page.map(toRun), ...(next ? { next } : {}) };
  }

  /**
   * Deletes the ended runs last changed before `olderThan`; returns how many. A run still running is kept whatever
   * its age: a run waiting on a 10-day delay step must find its row when it ends.
   */
  async prune(olderThan: Date): Promise<number> {
    const deleted = await this.db.query(
      `delete from automation_runs where updated_at < $1 and state in ('completed', 'failed') returning id`,
      [olderThan],
    );
    return deleted.length;
  }
}

function toRun(row: Row): AutomationRun {
  return {
    workflowId: row.id,
    automationId: row.automation_id,
    tenant: row.tenant,
    eventId: row.event_id,
    eventType: row.event_type,
    state: row.state,
    version: row.version,
    startedAt: new Date(row.started_at).toISOString(),
    ...(row.ended_at === null ? {} : { endedAt: new Date(row.ended_at).toISOString() }),
    ...(row.failed_step === null ? {} : { failedStep: row.failed_step }),
    ...(row.failure_type === null ? {} : { failureType: row.failure_type }),
    ...(row.message === null ? {} : { message: row.message }),
  };
}
