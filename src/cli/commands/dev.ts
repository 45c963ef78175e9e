// `hookstep dev`: a Temporal dev server with the Web UI and a hookstep worker, until Ctrl-C.
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import type { Command } from 'commander';
import { openRegistry } from '../../../activities/registry';
import { DEFAULT_API_PORT, DEV_DB_FILE, DEV_SERVER_PORT, DEV_UI_PORT_OFFSET } from '../../contract';
import { startDevServer, type DevServer } from '../../worker';
import { loadConfig, type Config } from '../../worker/config';
import { parsePort } from '../flags';
import { EXIT, setExit } from '../shared';
import { startApiServer, type ApiServer } from './api';
import { workerFromConfig } from './worker';

export interface DevFlags {
  ephemeral?: boolean;
  port?: string;
  uiPort?: string;
  db?: string;
  apiPort?: string;
}

export async function dev(flags: DevFlags): Promise<number> {
  const config = loadConfig();
  // Keep the banner readable: the SDK's info lines (bundling, state changes) are for `hookstep worker` logs.
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const port = parsePort('--port', flags.port, DEV_SERVER_PORT);
  const uiPort = parsePort('--ui-port', flags.uiPort, port + DEV_UI_PORT_OFFSET);
  const apiPort = parsePort('--api-port', flags.apiPort, DEFAULT_API_PORT);
  const state = flags.ephemeral ? undefined : (flags.db ?? DEV_DB_FILE);
  const server = await startDevServer({
    port,
    ui: true,
    uiPort,
    dbFilename: state,
    namespace: config.TEMPORAL_NAMESPACE,
  });
  // One process holds the embedded registry: the API and the worker share it (HOOKSTEP_DATABASE_URL: PostgreSQL).
  const registry = await openRegistry(
    config.HOOKSTEP_DATABASE_URL
      ? { url: config.HOOKSTEP_DATABASE_URL }
      : flags.ephemeral
        ? { memory: true }
        : { dataDir: config.HOOKSTEP_REGISTRY_DIR },
  );
  try {
    const connection = await NativeConnection.connect({ address: server.address });
    const running = (await workerFromConfig(connection, config, registry)).run();
    const clientConnection = await Connection.connect({ address: server.address });
    const client = new Client({ connection: clientConnection, namespace: config.TEMPORAL_NAMESPACE });
    const api = await startApiServer(
      { registry, client, config },
      { port: apiPort, host: '127.0.0.1', generate: true },
    );
    console.log(banner({ config, server, state, api, registry: registry.db.description }));
    // The SDK's runtime shuts workers down on SIGINT/SIGTERM; run() resolves once in-flight work is handed back.
    await running;
    await api.close();
    await clientConnection.close();
    await connection.close();
  } finally {
    await registry.close();
    await server.stop();
  }
  console.log('hookstep dev stopped');
  return EXIT.ok;
}

function banner(parts: {
  config: Config;
  server: DevServer;
  state: string | undefined;
  api: ApiServer;
  registry: string;
}): string {
  const { config, server, state, api } = parts;
  const allowed = config.HOOKSTEP_ALLOWED_NETWORKS.map(([net, bits]) => `${net.toString()}/${bits}`).join(',');
  return [
    'hookstep dev is running',
    `  Temporal address  ${server.address}`,
    `  Web UI            ${server.uiUrl}`,
    `  namespace         ${config.TEMPORAL_NAMESPACE}`,
    `  task queue        ${config.HOOKSTEP_TASK_QUEUE}`,
    `  state             ${state ?? 'in memory (--ephemeral)'}`,
    `  API               ${api.url}  (registry: ${parts.registry})`,
    api.generatedKey
      ? `  API key           ${api.generatedKey}  (new at each start; HOOKSTEP_API_KEY sets one)`
      : '  API key           HOOKSTEP_API_KEY',
    allowed
      ? `  allowed networks  ${allowed}`
      : '  private, loopback and metadata destinations are refused (HOOKSTEP_ALLOWED_NETWORKS allows some)',
    'Press Ctrl-C to stop.',
  ].join('\n');
}

export function devCommand(cli: Command): void {
  cli
    .command('dev')
    .description('run a Temporal dev server (with Web UI) and a hookstep worker until Ctrl-C')
    .option('--ephemeral', `keep state in memory instead of ${DEV_DB_FILE}`)
    .option('--port <port>', 'Temporal frontend port', String(DEV_SERVER_PORT))
    .option('--ui-port <port>', `Web UI port (default: port + ${DEV_UI_PORT_OFFSET})`)
    .option('--db <file>', 'SQLite file for state', undefined)
    .option('--api-port <port>', 'port of the HTTP API of event webhooks', String(DEFAULT_API_PORT))
    .action(async (flags: DevFlags) => setExit(await dev(flags)));
}
