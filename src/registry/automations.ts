// Stored automations and every version of their steps. The columns an event's fan-out selects on (tenant, event,
// active) sit in `automations` beside the current version's number; each version's steps are kept whole in
// `automation_versions` as `json`, not `jsonb`, which would reorder keys: a step's body is sent in the order it was
// written. A change of steps adds a version and never rewrites one, so a run that started with version 1 reads the
// steps it was given (its input), whatever came after. Every read and change takes the caller's tenant scope.
import { randomBytes } from 'node:crypto';
import {
  scopedTenant,
  type AutomationChanges,
  type AutomationFields,
  type AutomationStep,
  type StoredAutomation,
  type TenantScope,
} from '../contract';
import type { Db, Queryable } from './db';

interface Row {
  id: string;
  tenant: string;
  event: string;
  label: string;
  active: boolean;
  version: number;
  definition: { steps: AutomationStep[] };
  created_at: Date;
  updated_at: Date;
}

const SELECT = `select a.id, a.tenant, a.event, a.label, a.active, a.version, v.definition, a.created_at, a.updated_at
  from automations a join automation_versions v on v.automation_id = a.id and v.version = a.version`;

/** `a.tenant = $n` when the scope is one tenant's; true for an operator's. */
const IN_SCOPE = (n: number) => `($${n}::text is null or a.tenant = $${n})`;

export function newAutomationId(): string {
  return `au_${randomBytes(12).toString('hex')}`;
}

export class AutomationRepository {
  constructor(private readonly db: Db) {}

  /** An automation of `tenant` (decided by the caller from its scope, tenantFor), at version 1. */
  async create(tenant: string, fields: Omit<AutomationFields, 'tenant'>): Promise<StoredAutomation> {
    const id = newAutomationId();
    return this.db.transaction(async (tx) => {
      await tx.query(
        'insert into automations (id, tenant, event, label, active, version) values ($1, $2, $3, $4, $5, 1)',
        [id, tenant, fields.on.event, fields.label, fields.active],
      );
      await insertVersion(tx, id, 1, fields.steps);
      return (await this.read(tx, { tenant }, id))!;
    });
  }

  get(scope: TenantScope, id: string): Promise<StoredAutomation | undefined> {
    return this.read(this.db, scope, id);
  }

  /** In id order, `limit` after the cursor; filtered by event type and active state when given. */
  async list(
    scope: TenantScope,
    filter: { event?: string; active?: boolean; after?: string; limit: number },
  ): Promise<StoredAutomation[]> {
    const rows = await this.db.query<Row>(
      `${SELECT} where ${IN_SCOPE(1)} and ($2::text is null or a.event = $2) and ($3::boolean is null or a.active = $3)
         and ($4::text is null or a.id > $4)
       order by a.id limit $5`,
      [scopedTenant(scope) ?? null, filter.event ?? null, filter.active ?? null, filter.after ?? null, filter.limit],
    );
    return rows.map(toAutomation);
  }

  /** The active automations of one tenant for an event type, with their current steps: a page at a time. */
  subscribers(tenant: string, event: string, after: string | undefined, limit: number): Promise<StoredAutomation[]> {
    return this.list({ tenant }, { event, active: true, after, limit });
  }

  /** Changes the fields given; `steps` add a version (the same steps again add none). */
  async update(scope: TenantScope, id: string, changes: AutomationChanges): Promise<StoredAutomation | undefined> {
    return this.db.transaction(async (tx) => {
      const current = await this.read(tx, scope, id, 'for update of a');
      if (!current) return undefined;
      const newSteps = changes.steps !== undefined && JSON.stringify(changes.steps) !== JSON.stringify(current.steps);
      const version = newSteps ? current.version + 1 : current.version;
      if (newSteps) await insertVersion(tx, id, version, changes.steps!);
      await tx.query(
        `update automations set event = coalesce($2, event), label = coalesce($3, label),
           active = coalesce($4, active), version = $5, updated_at = now()
         where id = $1`,
        [id, changes.on?.event ?? null, changes.label ?? null, changes.active ?? null, version],
      );
      return this.read(tx, scope, id);
    });
  }

  async delete(scope: TenantScope, id: string): Promise<boolean> {
    const deleted = await this.db.query(`delete from automations a where a.id = $1 and ${IN_SCOPE(2)} returning id`, [
      id,
      scopedTenant(scope) ?? null,
    ]);
    return deleted.length > 0;
  }

  private async read(db: Queryable, scope: TenantScope, id: string, lock = ''): Promise<StoredAutomation | undefined> {
    const [row] = await db.query<Row>(`${SELECT} where a.id = $1 and ${IN_SCOPE(2)} ${lock}`, [
      id,
      scopedTenant(scope) ?? null,
    ]);
    return row && toAutomation(row);
  }
}

function insertVersion(tx: Queryable, id: string, version: number, steps: readonly AutomationStep[]) {
  return tx.query('insert into automation_versions (automation_id, version, definition) values ($1, $2, $3::json)', [
    id,
    version,
    JSON.stringify({ steps }),
  ]);
}

function toAutomation(row: Row): StoredAutomation {
  return {
    id: row.id,
    tenant: row.tenant,
    label: row.label,
    on: { event: row.event },
    active: row.active,
    version: row.version,
    steps: row.definition.steps,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}
