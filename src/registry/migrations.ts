// The registry's schema, in versioned steps applied at start-up, each once, under an advisory lock so two processes
// starting together on one PostgreSQL server do not race. Kept as code, not .sql files, so the build carries them.
import { DEFAULT_TENANT } from '../contract';
import type { Db } from './db';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'webhooks, their secrets, events and API keys',
    sql: `
      create table webhooks (
        id text primary key,
        event text not null,
        active boolean not null,
        config jsonb not null,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      );
      create index webhooks_by_event on webhooks (event, id) where active;
      create table webhook_secrets (
        seq bigserial primary key,
        webhook_id text not null references webhooks (id) on delete cascade,
        secret text not null,
        created_at timestamptz not null default now(),
        expires_at timestamptz
      );
      create index webhook_secrets_by_webhook on webhook_secrets (webhook_id);
      create table events (
        id text primary key,
        type text not null,
        body json not null,
        published_at timestamptz not null default now(),
        fan_out_started_at timestamptz
      );
      create table api_keys (
        hash text primary key,
        label text not null,
        created_at timestamptz not null default now()
      );`,
  },
  {
    version: 2,
    name: 'signing secrets sealed at rest: the id of the payload key that sealed each (null: stored in clear)',
    sql: `alter table webhook_secrets add column key_id text`,
  },
  {
    version: 3,
    name: 'tenants: of webhooks, events (ids unique per tenant) and API keys (null: an operator key)',
    sql: `
      alter table webhooks add column tenant text not null default '${DEFAULT_TENANT}';
      alter table webhooks alter column tenant drop default;
      drop index webhooks_by_event;
      create index webhooks_by_tenant_event on webhooks (tenant, event, id) where active;
      create index webhooks_by_tenant on webhooks (tenant, id);
      alter table events add column tenant text not null default '${DEFAULT_TENANT}';
      alter table events alter column tenant drop default;
      alter table events drop constraint events_pkey;
      alter table events add primary key (tenant, id);
      alter table api_keys add column tenant text;`,
  },
  {
    version: 4,
    name: 'the delivery log: deliveries (one per webhook and event) and their attempts',
    sql: `
      create table deliveries (
        id text primary key,
        seq bigserial unique,
        tenant text not null,
        webhook_id text not null,
        event_id text not null,
        event_type text not null,
        state text not null,
        attempts int not null default 0,
        last_status int,
        last_failure_type text,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      );
      create index deliveries_by_tenant on deliveries (tenant, seq);
      create index deliveries_by_webhook on deliveries (webhook_id, seq);
      create index deliveries_by_event on deliveries (tenant, event_id, seq);
      create index deliveries_by_updated on deliveries (updated_at);
      create table delivery_attempts (
        delivery_id text not null references deliveries (id) on delete cascade,
        attempt int not null,
        at timestamptz not null default now(),
        status int,
        duration_ms int not null,
        failure_type text,
        message text,
        body_snippet text,
        primary key (delivery_id, attempt)
      );`,
  },
  {
    version: 5,
    name: "endpoint health: a webhook's consecutive failed deliveries, and when and why it was disabled",
    sql: `
      alter table webhooks add column consecutive_failures int not null default 0;
      alter table webhooks add column disabled_at timestamptz;
      alter table webhooks add column disabled_reason text`,
  },
  {
    version: 6,
    name: 'stored automations: the event type each runs on, and every version of its steps',
    sql: `
      create table automations (
        id text primary key,
        tenant text not null,
        event text not null,
        label text not null,
        active boolean not null,
        version int not null,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      );
      create index automations_by_tenant_event on automations (tenant, event, id) where active;
      create index automations_by_tenant on automations (tenant, id);
      create table automation_versions (
        automation_id text not null references automations (id) on delete cascade,
        version int not null,
        definition json not null,
        created_at timestamptz not null default now(),
        primary key (automation_id, version)
      );`,
  },
  {
    version: 7,
    name: 'resend and recover: the delivery a resend resent, and the answers of idempotency keys',
    sql: `
      alter table deliveries add column resend_of text;
      create index deliveries_by_webhook_event on deliveries (webhook_id, event_id, seq);
      create table idempotency_keys (
        scope text not null,
        key text not null,
        request text not null,
        plan jsonb,
        response jsonb,
        created_at timestamptz not null default now(),
        primary key (scope, key)
      );
      create index idempotency_keys_by_created on idempotency_keys (created_at);`,
  },
  {
    version: 8,
    name: 'sign-in links: one-time tokens (hashed) that make a short-lived tenant key; API keys may expire',
    sql: `
      alter table api_keys add column expires_at timestamptz;
      create table sign_in_links (
        hash text primary key,
        tenant text not null,
        created_at timestamptz not null default now(),
        expires_at timestamptz not null,
        used_at timestamptz
      );
      create index sign_in_links_by_expiry on sign_in_links (expires_at)`,
  },
  {
    version: 9,
    name: "automation runs: one per stored automation's run (`<automation id>/<event id>`), how it ended, and where",
    sql: `
      create table automation_runs (
        id text primary key,
        seq bigserial unique,
        tenant text not null,
        automation_id text not null,
        version int not null,
        event_id text not null,
        event_type text not null,
        state text not null,
        failed_step text,
        failure_type text,
        message text,
        started_at timestamptz not null default now(),
        ended_at timestamptz,
        updated_at timestamptz not null default now()
      );
      create index automation_runs_by_automation on automation_runs (automation_id, seq);
      create index automation_runs_by_updated on automation_runs (updated_at);`,
  },
  {
    version: 10,
    name: "fair delivery: each webhook's requests in flight and waiting deliveries (leases), and its pace",
    sql: `
      create table webhook_leases (
        webhook_id text not null references webhooks (id) on delete cascade,
        holder text not null,
        kind text not null,
        ticket bigserial,
        since timestamptz not null default now(),
        expires_at timestamptz not null,
        primary key (webhook_id, holder)
      );
      create table webhook_pace (
        webhook_id text primary key references webhooks (id) on delete cascade,
        next_at timestamptz,
        average_ms double precision
      );`,
  },
  {
    version: 11,
    name: "the event outbox: deliveries whose first attempt a worker's dispatcher makes, without a run of their own",
    sql: `
      create table delivery_outbox (
        delivery_id text primary key,
        tenant text not null,
        webhook_id text not null,
        event_id text not null,
        seq bigserial,
        not_before timestamptz,
        claimed_by text,
        first_wait_ms int
      );
      create index delivery_outbox_by_webhook on delivery_outbox (webhook_id, seq);
      create index delivery_outbox_by_seq on delivery_outbox (seq)`,
  },
];

/** An arbitrary constant naming hookstep's migration lock among the server's advisory locks. */
const MIGRATION_LOCK = 7_283_914;

/**
 * Applies the migrations not applied yet, in version order; returns their versions. `migrations` is for the test that
 * builds a registry as an older release left it.
 */
export async function migrate(db: Db, migrations: readonly Migration[] = MIGRATIONS): Promise<number[]> {
  return db.transaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await tx.query(
      'create table if not exists hookstep_migrations (version int primary key, name text not null, applied_at timestamptz not null default now())',
    );
    const done = new Set(
      (await tx.query<{ version: number }>('select version from hookstep_migrations')).map((r) => r.version),
    );
    const applied: number[] = [];
    const pending = migrations.filter((m) => !done.has(m.version)).sort((a, b) => a.version - b.version);
    for (const m of pending) {
      for (const statement of m.sql
        .split(';')
        .map((s) => s.trim())
        .filter(Boolean))
        await tx.query(statement);
      await tx.query('insert into hookstep_migrations (version, name) values ($1, $2)', [m.version, m.name]);
      applied.push(m.version);
    }
    return applied;
  });
}
