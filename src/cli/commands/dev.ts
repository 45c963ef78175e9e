// `hookstep dev`: a Temporal dev server with the Web UI and a hookstep worker, until Ctrl-C.
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import type { Command } from 'commander';
import { DEV_DB_FILE, DEV_SERVER_PORT, DEV_UI_PORT_OFFSET } from '../../contract';
import { startDevServer } from '../../worker';
import { loadConfig } from '../../worker/config';
import { EXIT, setExit } from '../shared';
import { workerFromConfig } from './worker';

export interface DevFlags {
  ephemeral?: boolean;
  port?: string;
  uiPort?: string;
  db?: string;
}

export async function dev(flags: DevFlags): Promise<number> {
  const config = loadConfig();
  // Keep the banner readable: the SDK's info lines (bundling, state changes) are for `hookstep worker` logs.
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const port = Number(flags.port ?? DEV_SERVER_PORT);
  const state = flags.ephemeral ? undefined : (flags.db ?? DEV_DB_FILE);
  const server = await startDevServer({
    port,
    ui: true,
    uiPort: Number(flags.uiPort ?? port + DEV_UI_PORT_OFFSET),
    dbFilename: state,
    namespace: config.TEMPORAL_NAMESPACE,
  });
  try {
    const connection = await NativeConnection.connect({ address: server.address });
    const worker = await workerFromConfig(connection, config);
    const running = worker.run();
    console.log(
      [
        'hookstep dev is running',
        `  Temporal address  ${server.address}`,
        `  Web UI            ${server.uiUrl}`,
        `  namespace         ${config.TEMPORAL_NAMESPACE}`,
        `  task queue        ${config.HOOKSTEP_TASK_QUEUE}`,
        `  state             ${state ?? 'in memory (--ephemeral)'}`,
        config.HOOKSTEP_ALLOWED_NETWORKS.length
          ? `  allowed networks  ${config.HOOKSTEP_ALLOWED_NETWORKS.map(([net, bits]) => `${net.toString()}/${bits}`).join(',')}`
          : '  private, loopback and metadata destinations are refused (HOOKSTEP_ALLOWED_NETWORKS allows some)',
        'Press Ctrl-C to stop.',
      ].join('\n'),
    );
    // The SDK's runtime shuts workers down on SIGINT/SIGTERM; run() resolves once in-flight work is handed back.
    await running;
    await connection.close();
  } finally {
    await server.stop();
  }
  console.log('hookstep dev stopped');
  return EXIT.ok;
}

export function devCommand(cli: Command): void {
  cli
    .command('dev')
    .description('run a Temporal dev server (with Web UI) and a hookstep worker until Ctrl-C')
    .option('--ephemeral', `keep state in memory instead of ${DEV_DB_FILE}`)
    .option('--port <port>', 'Temporal frontend port', String(DEV_SERVER_PORT))
    .option('--ui-port <port>', `Web UI port (default: port + ${DEV_UI_PORT_OFFSET})`)
    .option('--db <file>', 'SQLite file for state', undefined)
    .action(async (flags: DevFlags) => setExit(await dev(flags)));
}
