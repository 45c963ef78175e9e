// Starts one real Temporal dev server for the run, bundles the workflow code once for every test worker, and starts
// a throwaway PostgreSQL server so the registry's tests run on PostgreSQL as well as on the embedded PGlite.
import { mkdtempSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleWorkflows, type DevServer, QUIET_LOGGER, startDevServer } from '../src/worker';
import { startPostgres, type TestPostgres } from './helpers/postgres';

declare global {
  var __hookstepDevServer: DevServer | undefined;
  var __hookstepPostgres: TestPostgres | undefined;
}

export default async function globalSetup(): Promise<void> {
  const [server, bundle, postgres] = await Promise.all([
    startDevServer(),
    bundleWorkflows(QUIET_LOGGER),
    startPostgres(),
  ]);
  globalThis.__hookstepDevServer = server;
  globalThis.__hookstepPostgres = postgres;
  const dir = mkdtempSync(join(tmpdir(), 'hookstep-test-'));
  const codePath = join(dir, 'workflow-bundle.js');
  await writeFile(codePath, bundle.code);
  process.env.HOOKSTEP_TEST_TEMPORAL_ADDRESS = server.address;
  process.env.HOOKSTEP_TEST_WORKFLOW_BUNDLE = codePath;
  if (postgres) process.env.HOOKSTEP_TEST_POSTGRES_URL = postgres.url;
  else if (process.env.CI) throw new Error('CI runs the registry tests on PostgreSQL too: install it (.ci/run does)');
  else console.warn('PostgreSQL is not installed: the registry tests run on PGlite only');
}
