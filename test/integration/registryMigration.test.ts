/** @cluster */
// A registry as the release before tenants left it (schema version 1, rows written as its repositories wrote them),
// opened by this release: every webhook, secret, event and API key is still there, in the default tenant, an old API
// key is an operator key, and an event published then is not queued in the outbox (migration 11) again. On each real
// database (a PGlite directory, a PostgreSQL database).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashApiKey, newApiKey, openRegistry, type DbOptions } from '../../src/registry';
import { openDb } from '../../src/registry/db';
import { MIGRATIONS, migrate } from '../../src/registry/migrations';
import { DEFAULT_TENANT, OPERATOR_SCOPE, tenantScope } from '../../src/contract';
import { createDatabase } from '../helpers/postgres';

const databases: { name: string; options(): Promise<DbOptions> }[] = [
  {
    name: 'PGlite',
    options: () => Promise.resolve({ dataDir: join(mkdtempSync(join(tmpdir(), 'hookstep-v1-')), 'db') }),
  },
];
const server = process.env.HOOKSTEP_TEST_POSTGRES_URL;
if (server) databases.push({ name: 'PostgreSQL', options: async () => ({ url: await createDatabase(server) }) });

const CONFIG = {
  label: 'orders',
  url: 'https://api.example.com/h',
  format: 'json',
  envelope: 'virto',
  additionalFields: ['Status'],
  headers: { 'X-Store': 'demo' },
  timeout: '60s',
  retry: {},
  delay: { amount: 10, unit: 'day' },
};
const EVENT = {
  id: 'ord-1',
  type: 'order.created',
  occurredAt: '2026-11-23T10:00:00.000Z',
  entity: { id: 'o-1', type: 'order' },
  data: { total: 12.5 },
};

/** Version 1's schema and rows, written with the SQL the release before tenants ran. */
async function registryOfVersion1(options: DbOptions, key: string): Promise<void> {
  const db = await openDb(options);
  try {
    expect(
      await migrate(
        db,
        MIGRATIONS.filter((m) => m.version === 1),
      ),
    ).toEqual([1]);
    await db.query('insert into webhooks (id, event, active, config) values ($1, $2, $3, $4::jsonb)', [
      'wh_0123456789abcdef01234567',
      'order.created',
      true,
      JSON.stringify(CONFIG),
    ]);
    await db.query('insert into webhooks (id, event, active, config) values ($1, $2, $3, $4::jsonb)', [
      'wh_1123456789abcdef01234567',
      'order.created',
      false,
      JSON.stringify({ ...CONFIG, label: 'off' }),
    ]);
    // A rotated webhook: the old secret signs until tomorrow, beside the new one.
    const tomorrow = new Date(Date.now() + 86_400_000);
    await db.query('insert into webhook_secrets (webhook_id, secret, expires_at) values ($1, $2, $3)', [
      'wh_0123456789abcdef01234567',
      'whsec_b2xk',
      tomorrow,
    ]);
    await db.query('insert into webhook_secrets (webhook_id, secret) values ($1, $2)', [
      'wh_0123456789abcdef01234567',
      'whsec_bmV3',
    ]);
    await db.query('insert into webhook_secrets (webhook_id, secret) values ($1, $2)', [
      'wh_1123456789abcdef01234567',
      'whsec_b2Zm',
    ]);
    await db.query('insert into events (id, type, body) values ($1, $2, $3::json) on conflict (id) do nothing', [
      EVENT.id,
      EVENT.type,
      JSON.stringify(EVENT),
    ]);
    await db.query('update events set fan_out_started_at = coalesce(fan_out_started_at, now()) where id = $1', [
      EVENT.id,
    ]);
    await db.query('insert into api_keys (hash, label) values ($1, $2) on conflict (hash) do nothing', [
      hashApiKey(key),
      'HOOKSTEP_API_KEY',
    ]);
  } finally {
    await db.close();
  }
}

describe.each(databases)('a registry of version 1 on $name', (database) => {
  test('migrates to tenants without losing a webhook, a secret, an event or a key', async () => {
    const options = await database.options();
    const key = newApiKey();
    await registryOfVersion1(options, key);

    const registry = await openRegistry(options);
    try {
      const versions = await registry.db.query<{ version: number }>(
        'select version from hookstep_migrations order by version',
      );
      expect(versions.map((v) => v.version)).toEqual(MIGRATIONS.map((m) => m.version).sort((a, b) => a - b));

      const all = await registry.webhooks.list(OPERATOR_SCOPE, { limit: 100 });
      expect(all.map((w) => [w.id, w.tenant, w.active, w.label])).toEqual([
        ['wh_0123456789abcdef01234567', DEFAULT_TENANT, true, 'orders'],
        ['wh_1123456789abcdef01234567', DEFAULT_TENANT, false, 'off'],
      ]);
      expect(all[0]).toMatchObject({ ...CONFIG, event: 'order.created' });
      const scope = tenantScope(DEFAULT_TENANT);
      expect(await registry.webhooks.signingSecrets(scope, all[0].id)).toEqual(['whsec_bmV3', 'whsec_b2xk']);
      expect(await registry.webhooks.signingSecrets(scope, all[1].id)).toEqual(['whsec_b2Zm']);
      expect(await registry.webhooks.signingSecrets(tenantScope('store-b'), all[0].id)).toEqual([]);
      expect(
        (await registry.webhooks.subscribers(DEFAULT_TENANT, 'order.created', undefined, 10)).map((w) => w.id),
      ).toEqual([all[0].id]);

      // The event is the default tenant's, its fan-out still marked: publishing it again is a duplicate.
      expect(await registry.events.get(DEFAULT_TENANT, EVENT.id)).toEqual({ ...EVENT, tenant: DEFAULT_TENANT });
      // Migration 11's outbox starts empty, and a publish of that event through it queues nothing for its webhook.
      expect(await registry.outbox.size()).toBe(0);
      expect(await registry.outbox.publish({ ...EVENT, tenant: DEFAULT_TENANT })).toEqual({
        duplicate: true,
        queued: 0,
        automations: false,
      });
      expect(await registry.outbox.size()).toBe(0);
      expect(await registry.events.insert({ ...EVENT, tenant: DEFAULT_TENANT })).toEqual({ fanOutStarted: true });
      expect(await registry.events.insert({ ...EVENT, tenant: 'store-b' })).toEqual({ fanOutStarted: false });
      expect(await registry.apiKeys.scopeOf(key)).toEqual(OPERATOR_SCOPE);
    } finally {
      await registry.close();
    }
  });

  test(
    'a registry of version 3 (tenants, before the delivery log) gains the log: empty, and an attempt of a run in ' +
      'flight across the upgrade (its fan-out logged nothing) gets its delivery row',
    async () => {
      const options = await database.options();
      const db = await openDb(options);
      try {
        expect(
          await migrate(
            db,
            MIGRATIONS.filter((m) => m.version <= 3),
          ),
        ).toEqual([1, 2, 3]);
      } finally {
        await db.close();
      }
      const registry = await openRegistry(options);
      try {
        expect(await registry.deliveries.list(OPERATOR_SCOPE, { limit: 10 })).toEqual({ deliveries: [] });
        const key = { tenant: DEFAULT_TENANT, webhookId: 'wh_0123456789abcdef01234567', eventId: EVENT.id };
        await registry.deliveries.recordAttempt({
          ...key,
          eventType: EVENT.type,
          attempt: 2,
          state: 'delivered',
          status: 200,
          durationMs: 8,
        });
        const found = await registry.deliveries.get(tenantScope(DEFAULT_TENANT), `${key.webhookId}/${EVENT.id}`);
        expect(found?.delivery).toMatchObject({ ...key, state: 'delivered', attempts: 2, lastStatus: 200 });
        expect(found?.attempts).toEqual([{ attempt: 2, at: expect.any(String), status: 200, durationMs: 8 }]);
      } finally {
        await registry.close();
      }
    },
  );
});
