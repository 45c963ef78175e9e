// `hookstep api`: the HTTP API of event webhooks against TEMPORAL_ADDRESS and the registry (PostgreSQL with
// HOOKSTEP_DATABASE_URL, else the embedded PGlite directory), until SIGINT/SIGTERM. `dev` starts the same server.
import { Client, Connection } from '@temporalio/client';
import type { Command } from 'commander';
import { newApiKey, openRegistry, type Registry } from '../../registry';
import { PAGE_PATH, createApi } from '../../api';
import { dataConverterFromEnv, encryptionNotice } from '../../codec';
import { ConfigError, DEFAULT_API_PORT } from '../../contract';
import { SHARED_REGISTRY_REQUIRED, loadConfig, sharedRegistry, type Config } from '../../worker/config';
import { temporalConnectionOptions } from '../../worker/temporalConnection';
import { parsePort } from '../flags';
import { EXIT, setExit } from '../shared';

export interface ApiServer {
  url: string;
  /** A key made at start-up for local use (`dev`), shown once; absent when HOOKSTEP_API_KEY is the key. */
  generatedKey?: string;
  close(): Promise<void>;
}

/** Adds HOOKSTEP_API_KEY, or (when `generate`) a new key, to the registry; then serves the API. */
export async function startApiServer(
  deps: { registry: Registry; client: Client; config: Config },
  listen: { port: number; host: string; generate: boolean },
): Promise<ApiServer> {
  const { registry, client, config } = deps;
  let generatedKey: string | undefined;
  if (config.HOOKSTEP_API_KEY) await registry.apiKeys.add(config.HOOKSTEP_API_KEY, 'HOOKSTEP_API_KEY');
  else if (listen.generate) await registry.apiKeys.add((generatedKey = newApiKey()), 'hookstep dev');
  else throw new ConfigError([API_KEY_REQUIRED]);
  const app = await createApi({ registry, client, taskQueue: config.HOOKSTEP_TASK_QUEUE });
  const address = await app.listen({ port: listen.port, host: listen.host });
  return { url: address, generatedKey, close: () => app.close() };
}

const API_KEY_REQUIRED = 'HOOKSTEP_API_KEY must be set: it is the key clients send to the API';

interface ApiFlags {
  port?: string;
  host?: string;
  requireEncryption?: boolean;
}

export async function api(flags: ApiFlags): Promise<number> {
  const config = loadConfig();
  const port = parsePort('--port', flags.port, DEFAULT_API_PORT);
  const shared = sharedRegistry(config);
  // Refused before anything opens: webhooks registered here would reach no worker.
  if (!shared || !config.HOOKSTEP_API_KEY) {
    throw new ConfigError([
      ...(shared ? [] : [SHARED_REGISTRY_REQUIRED]),
      ...(config.HOOKSTEP_API_KEY ? [] : [API_KEY_REQUIRED]),
    ]);
  }
  // The fan-outs it starts carry event ids and types: encrypted with the worker's keys, like every payload.
  const { dataConverter, keyring } = dataConverterFromEnv();
  const required = flags.requireEncryption || config.HOOKSTEP_REQUIRE_ENCRYPTION;
  const notice = encryptionNotice(keyring, 'hookstep api', required);
  const registry = await openRegistry(shared, keyring);
  const connection = await Connection.connect(temporalConnectionOptions(config));
  try {
    (keyring ? console.log : console.error)(notice);
    const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE, dataConverter });
    const server = await startApiServer(
      { registry, client, config },
      { port, host: flags.host ?? '127.0.0.1', generate: false },
    );
    console.log(`hookstep api listening on ${server.url} (registry: ${registry.db.description})`);
    console.log(`webhooks page at ${server.url}${PAGE_PATH}`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await server.close();
  } finally {
    await connection.close();
    await registry.close();
  }
  return EXIT.ok;
}

export function apiCommand(cli: Command): void {
  cli
    .command('api')
    .description('serve the HTTP API of event webhooks (needs HOOKSTEP_API_KEY)')
    .option('--port <port>', 'port to listen on', String(DEFAULT_API_PORT))
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--require-encryption', 'refuse to start without a payload key (or HOOKSTEP_REQUIRE_ENCRYPTION=true)')
    .action(async (flags: ApiFlags) => setExit(await api(flags)));
}
