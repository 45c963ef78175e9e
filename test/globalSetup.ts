// Starts one real Temporal dev server for the run and bundles the workflow code once for every test worker. Every
// client, worker and CLI process of the run encrypts payloads with one test key, so every test exercises the codec.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleWorkflows, type DevServer, QUIET_LOGGER, startDevServer } from '../src/worker';

declare global {
  var __hookstepDevServer: DevServer | undefined;
}

export default async function globalSetup(): Promise<void> {
  const [server, bundle] = await Promise.all([startDevServer(), bundleWorkflows(QUIET_LOGGER)]);
  globalThis.__hookstepDevServer = server;
  const dir = mkdtempSync(join(tmpdir(), 'hookstep-test-'));
  const codePath = join(dir, 'workflow-bundle.js');
  await writeFile(codePath, bundle.code);
  process.env.HOOKSTEP_TEST_TEMPORAL_ADDRESS = server.address;
  process.env.HOOKSTEP_TEST_WORKFLOW_BUNDLE = codePath;
  process.env.HOOKSTEP_PAYLOAD_KEYS ??= `test-1:${randomBytes(32).toString('base64')}`;
}
