// An embedded registry vacuums its queue tables itself (src/registry/vacuum.ts): PGlite runs PostgreSQL in
// single-user mode, with no autovacuum, so without it each delivery's deleted outbox row and slot stay as dead rows
// that every later claim reads past (the cost of a delivery doubled over 20,000 of them). A PostgreSQL server's own
// autovacuum does this, and the registry leaves it alone there.
import { WebhookFieldsSchema, tenantScope } from '../../src/contract';
import { QUEUE_VACUUM_MS } from '../../src/registry/vacuum';
import { registryDatabases } from '../helpers/registry';
import { until } from '../helpers/until';

const DELIVERIES = 300;

describe.each(registryDatabases())('the registry on $name after a burst of deliveries', (database) => {
  test('leaves the outbox and the slots no dead rows: vacuumed by hookstep on PGlite, by PostgreSQL itself', async () => {
    const registry = await database.open();
    try {
      const tenant = `vacuum-${Date.now()}`;
      const fields = WebhookFieldsSchema.parse({
        label: 'v',
        url: 'https://a.example/h',
        event: 'v.e',
        maxInFlight: 1000,
      });
      const hook = await registry.webhooks.create(tenant, fields, 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw');
      const occurredAt = new Date().toISOString();
      for (let i = 0; i < DELIVERIES; i++) {
        const event = { id: `e${i}`, type: 'v.e', tenant, entity: { id: i, type: 'order' }, data: {}, occurredAt };
        await registry.outbox.publish(event);
      }
      const claimed = await registry.outbox.claim('vacuum-test', DELIVERIES, 60_000);
      expect(claimed).toHaveLength(DELIVERIES);
      for (const e of claimed) {
        const attempt = { ...e, eventType: 'v.e', attempt: 1, state: 'delivered' as const, status: 200, durationMs: 1 };
        await registry.outbox.settleFirst(attempt, 'done');
      }
      expect(await registry.outbox.size()).toBe(0);
      expect((await registry.webhooks.withSecrets(tenantScope(tenant), [hook.id])).size).toBe(1);
      if (registry.db.autovacuum) {
        // PostgreSQL: its autovacuum's business, on its own schedule; hookstep runs none.
        expect(database.name).toBe('PostgreSQL');
        return;
      }
      expect(database.name).toBe('PGlite');
      // Each delivery deleted its outbox row and its slot. Without a vacuum their pages stay, full of dead rows (no
      // statistic counts them here: single-user mode reports none); a vacuum within its period empties and truncates
      // them.
      const pages = async () => {
        const [row] = await registry.db.query<{ bytes: number }>(
          `select (pg_relation_size('delivery_outbox') + pg_relation_size('webhook_leases'))::int as bytes`,
        );
        return row.bytes;
      };
      await until(
        async () => ((await pages()) === 0 ? true : undefined),
        'the queue tables vacuumed',
        3 * QUEUE_VACUUM_MS + 5_000,
      );
    } finally {
      await registry.close();
    }
  }, 60_000);
});
