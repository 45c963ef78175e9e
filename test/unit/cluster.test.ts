// scripts/cluster's inputs and the server config it writes; CI's `scripts/cluster up` and the @cluster subset show
// the cluster itself runs.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DEFAULT_CLUSTER_DIR, REPO_ROOT, loadClusterEnv } from '../../scripts/temporal-cluster/env';
import { serverConfig } from '../../scripts/temporal-cluster/server';
import { SQL_PLUGIN } from '../../scripts/temporal-cluster/settings';
import { ConfigError } from '../../src/contract';

const script = join(REPO_ROOT, 'scripts', 'cluster');

async function cluster(args: string[], env: Record<string, string>) {
  return promisify(execFile)(script, args, { env: { ...process.env, ...env } }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (err: { code: number; stdout: string; stderr: string }) => err,
  );
}

test('defaults: fixed ports away from hookstep dev and a system PostgreSQL, state under .hookstep', () => {
  expect(loadClusterEnv({})).toEqual({
    HOOKSTEP_CLUSTER_DIR: DEFAULT_CLUSTER_DIR,
    HOOKSTEP_CLUSTER_PORT: 17233,
    HOOKSTEP_CLUSTER_PG_PORT: 15432,
    HOOKSTEP_CLUSTER_LOG_LEVEL: 'warn',
    HOOKSTEP_CLUSTER_TLS: false,
  });
  expect(loadClusterEnv({ HOOKSTEP_CLUSTER_TLS: 'true' }).HOOKSTEP_CLUSTER_TLS).toBe(true);
  expect(loadClusterEnv({ HOOKSTEP_CLUSTER_PORT: 'auto', HOOKSTEP_CLUSTER_DIR: 'tmp/c' })).toMatchObject({
    HOOKSTEP_CLUSTER_PORT: 'auto',
    HOOKSTEP_CLUSTER_DIR: join(REPO_ROOT, 'tmp', 'c'),
  });
});

test.each([
  ['HOOKSTEP_CLUSTER_PORT', 'abc', 'HOOKSTEP_CLUSTER_PORT must be a port number from 1024 to 32759, or "auto"'],
  // Membership ports above 32767 do not fit the SQL schema's SMALLINT: the server would die at start-up.
  ['HOOKSTEP_CLUSTER_PORT', '40000', 'HOOKSTEP_CLUSTER_PORT must be a port number from 1024 to 32759'],
  ['HOOKSTEP_CLUSTER_PG_PORT', '80', 'HOOKSTEP_CLUSTER_PG_PORT must be a port number from 1024 to 32767'],
  ['HOOKSTEP_CLUSTER_LOG_LEVEL', 'loud', 'HOOKSTEP_CLUSTER_LOG_LEVEL must be one of debug, info, warn, error'],
  // Parsed explicitly: "yes" is not a boolean here, and "false" is not truthy.
  ['HOOKSTEP_CLUSTER_TLS', 'yes', 'HOOKSTEP_CLUSTER_TLS must be true or false'],
])('%s=%s is refused with a message naming it', (name, value, message) => {
  expect(() => loadClusterEnv({ [name]: value })).toThrow(ConfigError);
  expect(() => loadClusterEnv({ [name]: value })).toThrow(message);
});

test('the server config binds every service to 127.0.0.1 and persists to PostgreSQL', () => {
  const config = serverConfig(
    { home: '/c/server', port: 17233, logLevel: 'warn' },
    { home: '/c/postgres', port: 15432, user: 'temporal', password: 'pw' },
  ) as {
    services: Record<string, { rpc: { bindOnIP: string; grpcPort: number } }>;
    persistence: { datastores: Record<string, { sql: { pluginName: string; connectAddr: string } }> };
  };
  expect(Object.keys(config.services).sort()).toEqual(['frontend', 'history', 'matching', 'worker']);
  for (const service of Object.values(config.services)) expect(service.rpc.bindOnIP).toBe('127.0.0.1');
  expect(config.services.frontend.rpc.grpcPort).toBe(17233);
  for (const store of Object.values(config.persistence.datastores)) {
    expect(store.sql).toMatchObject({ pluginName: SQL_PLUGIN, connectAddr: '127.0.0.1:15432' });
  }
});

test('scripts/cluster: a bad variable exits 2 naming it; status without a cluster exits 3', async () => {
  const bad = await cluster(['up'], { HOOKSTEP_CLUSTER_PORT: 'seven' });
  expect(bad.code).toBe(2);
  expect(bad.stderr).toContain('HOOKSTEP_CLUSTER_PORT must be a port number');
  const dir = join(mkdtempSync(join(tmpdir(), 'hookstep-cluster-')), 'none');
  const none = await cluster(['status'], { HOOKSTEP_CLUSTER_DIR: dir });
  expect(none.code).toBe(3);
  expect(none.stdout).toContain(`no cluster in ${dir}`);
});

/** jest.config.js's test files, as jest would load the config with HOOKSTEP_TEST_TARGET set (a process of its own). */
async function testMatchFor(target: string): Promise<string[]> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['-p', "JSON.stringify(require('./jest.config.js').testMatch)"],
    { cwd: REPO_ROOT, env: { ...process.env, HOOKSTEP_TEST_TARGET: target } },
  );
  return JSON.parse(stdout) as string[];
}

test('HOOKSTEP_TEST_TARGET=cluster selects the files tagged /** @cluster */, and only those', async () => {
  const files = (await testMatchFor('cluster')).map((m) => m.replace('<rootDir>/', ''));
  // The subset (step, automation, durability) and hardening; more files join by adding the tag.
  const required = ['sendWebhook', 'automation', 'durability', 'hardening'].map((n) => `test/integration/${n}.test.ts`);
  expect(files).toEqual(expect.arrayContaining(required));
  for (const file of files) expect(readFileSync(join(REPO_ROOT, file), 'utf8')).toMatch(/^\/\*\* @cluster \*\/\n/);
  expect(files).not.toContain('test/integration/cli.test.ts');
  expect(await testMatchFor('dev')).toEqual(['**/*.test.ts']);
  await expect(testMatchFor('staging')).rejects.toThrow(
    'HOOKSTEP_TEST_TARGET must be one of dev, cluster, not "staging"',
  );
});
