// docker-compose.yml cannot run here (no Docker engine), so it is held to what does run: the settings scripts/cluster
// builds its server from (scripts/temporal-cluster/settings.ts) and the contract's search attributes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import {
  DATABASES,
  NAMESPACE_RETENTION_HOURS,
  NUM_HISTORY_SHARDS,
  SQL_PLUGIN,
  TEMPORAL_SERVER_VERSION,
  dynamicConfigDocument,
  searchAttributePairs,
} from '../../scripts/temporal-cluster/settings';
import { DEV_SERVER_DYNAMIC_CONFIG } from '../../src/worker';
import { SEARCH_ATTRIBUTES } from '../../src/contract';

interface Service {
  image?: string;
  environment?: Record<string, string | number>;
  command?: string[];
  ports?: string[];
}
interface Compose {
  services: Record<string, Service>;
  configs: Record<string, { content: string }>;
}

const compose = parse(readFileSync(join(__dirname, '..', '..', 'docker-compose.yml'), 'utf8')) as Compose;
const { services } = compose;
/** Compose turns $$ into $ before the shell sees it. */
const script = (service: string) => services[service].command!.join('\n').replaceAll('$$', '$');

test('the dynamic config is the one the cluster and the dev server run with', () => {
  const inCompose = parse(compose.configs['temporal-dynamic-config'].content) as unknown;
  expect(inCompose).toEqual(dynamicConfigDocument());
  expect(dynamicConfigDocument()).toEqual(
    Object.fromEntries(Object.entries(DEV_SERVER_DYNAMIC_CONFIG).map(([k, value]) => [k, [{ value }]])),
  );
  expect(inCompose).toHaveProperty(['system.enableActivityEagerExecution', 0, 'value'], true);
});

test('every Temporal image runs the server version tested here', () => {
  const temporalImages = Object.values(services)
    .map((s) => s.image ?? '')
    .filter((image) => /^temporalio\/(server|admin-tools):/.test(image));
  expect(temporalImages).toHaveLength(3);
  for (const image of temporalImages) expect(image).toMatch(`:\${TEMPORAL_VERSION:-${TEMPORAL_SERVER_VERSION}}`);
});

test("the namespace job registers exactly the contract's search attributes, with their types", () => {
  const pairs = String(services['temporal-namespace'].environment!.HOOKSTEP_SEARCH_ATTRIBUTES).trim().split(/\s+/);
  expect(pairs).toEqual(searchAttributePairs());
  expect(pairs).toHaveLength(SEARCH_ATTRIBUTES.length);
  expect(script('temporal-namespace')).toMatch(/for pair in \$HOOKSTEP_SEARCH_ATTRIBUTES; do/);
  expect(script('temporal-namespace')).toContain(`--retention ${NAMESPACE_RETENTION_HOURS}h`);
});

test('the server and the schema job use the same plugin, databases and shard count as the cluster', () => {
  const env = services.temporal.environment!;
  expect([env.DB, env.DBNAME, env.VISIBILITY_DBNAME]).toEqual([SQL_PLUGIN, ...DATABASES.map((d) => d.name)]);
  expect(Number(env.NUM_HISTORY_SHARDS)).toBe(NUM_HISTORY_SHARDS);
  expect(services['temporal-schema'].environment!.SQL_PLUGIN).toBe(SQL_PLUGIN);
  const schema = script('temporal-schema');
  expect(schema).toContain(`for db in ${DATABASES.map((d) => d.name).join(' ')}; do`);
  for (const db of DATABASES) expect(schema).toContain(`/etc/temporal/schema/postgresql/v12/${db.schema}/versioned`);
});

test('whatever compose publishes, it publishes on loopback only', () => {
  const published = Object.values(services).flatMap((s) => s.ports ?? []);
  expect(published.length).toBeGreaterThan(0);
  for (const port of published) expect(port).toMatch(/^127\.0\.0\.1:/);
});
