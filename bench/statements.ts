// The event path's registry statements one by one (issue 23): what each costs in CPU on the embedded registry, where
// figure 11's worker spends most of its time. One stream delivery's statements, in the order the path runs them, on
// PGlite in memory (or PostgreSQL with --url: then the client's share only), each timed over many calls after a
// warm-up, with nothing else in the process.
//   npx tsx bench/statements.ts                 # 2,000 deliveries, one at a time
//   npx tsx bench/statements.ts --batch 10      # claims of 10, as a busy dispatcher makes them
import { parseArgs } from 'node:util';
import { tenantScope, WebhookFieldsSchema } from '../src/contract';
import { openRegistry, type Registry } from '../src/registry';

const { values: args } = parseArgs({
  options: {
    n: { type: 'string', default: '2000' },
    batch: { type: 'string', default: '1' },
    url: { type: 'string' },
  },
});

async function main(): Promise<void> {
  const n = Number(args.n);
  const batch = Number(args.batch);
  const registry = await openRegistry(args.url ? { url: args.url } : { memory: true });
  const tenant = `bench-${Date.now()}`;
  const type = 'bench.statement';
  const fields = WebhookFieldsSchema.parse({ label: 'bench', url: 'http://127.0.0.1:9/in', event: type, maxInFlight: 1_000 });
  const webhook = await registry.webhooks.create(tenant, fields, 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw');
  const key = `hsk_bench_${Date.now()}`;
  await registry.apiKeys.add(key, 'bench', tenant);
  const totals = new Map<string, number>();
  const timed = async (label: string, run: () => Promise<unknown>) => {
    const before = process.cpuUsage();
    const result = await run();
    const used = process.cpuUsage(before);
    totals.set(label, (totals.get(label) ?? 0) + (used.user + used.system) / 1000);
    return result;
  };
  const round = async (r: number, count: boolean) => {
    const ids = Array.from({ length: batch }, (_, b) => `e-${r}-${b}`);
    for (const id of ids) {
      await timed('api key', () => registry.apiKeys.scopeOf(key));
      await timed('publish', () => registry.outbox.publish({ id, type, tenant, entity: { id: 1, type: 'order' }, data: {}, occurredAt: new Date().toISOString() }));
    }
    const claimed = await timed('claim', () => registry.outbox.claim('bench', batch, 15_000));
    const entries = claimed as Awaited<ReturnType<Registry['outbox']['claim']>>;
    await timed('events', () => registry.events.getMany(tenant, ids));
    await timed('webhook', () => registry.webhooks.withSecrets(tenantScope(tenant), [webhook.id]));
    await timed('extend', () => registry.outbox.extend(entries.map((e) => ({ ...e, ms: 30_000 }))));
    for (const e of entries) {
      const attempt = { ...e, eventType: type, attempt: 1, state: 'delivered' as const, status: 204, durationMs: 2 };
      await timed('settle', () => registry.outbox.settleFirst(attempt, 'done'));
    }
    if (!count) totals.clear();
  };
  for (let r = 0; r < 100; r++) await round(-r - 1, false);
  for (let r = 0; r < n / batch; r++) await round(r, true);
  const all = [...totals.values()].reduce((a, b) => a + b, 0);
  console.log(`${registry.db.description}, claims of ${batch}: CPU per delivery, ms`);
  for (const [label, ms] of totals) console.log(`  ${label.padEnd(8)} ${(ms / n).toFixed(3)}`);
  console.log(`  ${'all'.padEnd(8)} ${(all / n).toFixed(3)}`);
  await registry.close();
}

void main();
