// Starts one real Temporal dev server for the run, or with HOOKSTEP_TEST_TARGET=cluster uses the running
// `scripts/cluster` (PostgreSQL and the Temporal server); bundles the workflow code once for every test worker; and
// starts a throwaway PostgreSQL server so the registry's tests run on PostgreSQL as well as on the embedded PGlite.
// Every client, worker and CLI process of the run encrypts payloads with one test key, so every test exercises the
// codec.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCluster } from '../scripts/temporal-cluster/cluster';
import { loadClusterEnv } from '../scripts/temporal-cluster/env';
import { serving } from '../scripts/temporal-cluster/server';
import { bundleWorkflows, type DevServer, QUIET_LOGGER, startDevServer } from '../src/worker';
import { startPostgres, type TestPostgres } from './helpers/postgres';

declare global {
  var __hookstepDevServer: DevServer | undefined;
  var __hookstepPostgres: TestPostgres | undefined;
}

async function clusterAddress(): Promise<string> {
  const dir = loadClusterEnv().HOOKSTEP_CLUSTER_DIR;
  const state = readCluster(dir);
  if (!state || !(await serving(state.address))) {
    throw new Error(
      `HOOKSTEP_TEST_TARGET=cluster, but no cluster serves from ${dir}: run scripts/cluster up first ` +
        '(HOOKSTEP_CLUSTER_DIR names another one)',
    );
  }
  return state.address;
}

async function devServerAddress(): Promise<string> {
  const server = await startDevServer();
  globalThis.__hookstepDevServer = server;
  return server.address;
}

export default async function globalSetup(): Promise<void> {
  // The cluster's health check allows 1 s: made before bundling takes both cores, so a loaded machine still passes it.
  const cluster = process.env.HOOKSTEP_TEST_TARGET === 'cluster' ? await clusterAddress() : undefined;
  const [address, bundle, postgres] = await Promise.all([
    // jest.config.js has already refused any other value.
    cluster ?? devServerAddress(),
    bundleWorkflows(QUIET_LOGGER),
    startPostgres(),
  ]);
  globalThis.__hookstepPostgres = postgres;
  const dir = mkdtempSync(join(tmpdir(), 'hookstep-test-'));
  const codePath = join(dir, 'workflow-bundle.js');
  await writeFile(codePath, bundle.code);
  process.env.HOOKSTEP_TEST_TEMPORAL_ADDRESS = address;
  process.env.HOOKSTEP_TEST_WORKFLOW_BUNDLE = codePath;
  if (postgres) process.env.HOOKSTEP_TEST_POSTGRES_URL = postgres.url;
  else if (process.env.CI) throw new Error('CI runs the registry tests on PostgreSQL too: install it (.ci/run does)');
  else console.warn('PostgreSQL is not installed: the registry tests run on PGlite only');
  process.env.HOOKSTEP_PAYLOAD_KEYS ??= `test-1:${randomBytes(32).toString('base64')}`;
}
