// `hookstep dev`: a Temporal dev server with the Web UI, a codec server the UI decodes payloads through, a hookstep
// worker and the HTTP API of event webhooks on an embedded registry, until Ctrl-C. Payloads are encrypted: with the
// configured key, or one generated under .hookstep/.
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { Command } from 'commander';
import { openRegistry } from '../../registry';
import { EncryptionCodec, dataConverterFor, startCodecServer } from '../../codec';
import { DEFAULT_API_PORT, DEV_DB_FILE, DEV_SERVER_PORT, DEV_UI_PORT_OFFSET } from '../../contract';
import { installRuntime, startDevServer } from '../../worker';
import { loadConfig, type Config } from '../../worker/config';
import { parsePort } from '../flags';
import { EXIT, setExit } from '../shared';
import { startApiServer } from './api';
import { registerSearchAttributes } from '../../worker/searchAttributes';
import { banner, type BannerFacts } from './devBanner';
import { devKeyring, writeDevToken } from './devKeys';
import { assertDevPortsFree } from './devPorts';
import { workerFromConfig } from './worker';

export interface DevFlags {
  ephemeral?: boolean;
  port?: string;
  uiPort?: string;
  codecPort?: string;
  apiPort?: string;
  db?: string;
}

export async function dev(flags: DevFlags): Promise<number> {
  const config = loadConfig();
  // Keep the banner readable: the SDK's info lines (bundling, state changes) are for `hookstep worker` logs.
  installRuntime({ logLevel: 'WARN', metricsAddress: config.HOOKSTEP_METRICS_ADDRESS });
  const { keyring, generated } = devKeyring();
  const port = parsePort('--port', flags.port, DEV_SERVER_PORT);
  const uiPort = parsePort('--ui-port', flags.uiPort, port + DEV_UI_PORT_OFFSET);
  const codecPort = parsePort('--codec-port', flags.codecPort, uiPort + 1);
  await assertDevPortsFree([
    { flag: '--port', what: 'Temporal', port },
    { flag: '--ui-port', what: 'Web UI', port: uiPort },
    { flag: '--codec-port', what: 'codec server', port: codecPort },
    { flag: '--api-port', what: 'HTTP API', port: parsePort('--api-port', flags.apiPort, DEFAULT_API_PORT) },
  ]);
  const state = flags.ephemeral ? undefined : (flags.db ?? DEV_DB_FILE);
  const token = config.HOOKSTEP_CODEC_TOKEN ?? writeDevToken();
  const codecServer = await startCodecServer({
    codec: new EncryptionCodec(keyring),
    token,
    port: codecPort,
    allowedOrigins: [`http://127.0.0.1:${uiPort}`, `http://localhost:${uiPort}`],
  });
  try {
    const server = await startDevServer({
      port,
      ui: true,
      uiPort,
      dbFilename: state,
      namespace: config.TEMPORAL_NAMESPACE,
      // The UI cannot send a header of its own, so it carries the token in the endpoint's path.
      uiCodecEndpoint: `${codecServer.url}/${token}`,
    });
    try {
      const facts = { server, config, state, keyring, generated, codecUrl: codecServer.url };
      await serve(flags, { ...facts, tokenInFile: !config.HOOKSTEP_CODEC_TOKEN });
    } finally {
      await server.stop();
    }
  } finally {
    await codecServer.close();
  }
  console.log('hookstep dev stopped');
  return EXIT.ok;
}

/** What serve() is given; the API and registry it adds itself. */
type Served = Omit<BannerFacts, 'api' | 'registry'>;

/** The worker and the API on one registry (PGlite serves one process), until the worker shuts down on Ctrl-C. */
async function serve(flags: DevFlags, s: Served): Promise<void> {
  const { config, server, keyring } = s;
  const registry = await openRegistry(registryFor(config, flags), keyring);
  try {
    const dataConverter = dataConverterFor(keyring);
    const clientConnection = await Connection.connect({ address: server.address });
    // The dev server registers its search attributes only when it makes its state file: a state made by an older
    // release lacks the newer ones (HookstepTenant). Registered before the worker starts, which refuses a namespace
    // that lacks any (a run that sets one would never end).
    await registerSearchAttributes(clientConnection, config.TEMPORAL_NAMESPACE);
    const connection = await NativeConnection.connect({ address: server.address });
    const running = (await workerFromConfig(connection, config, { dataConverter }, registry)).run();
    const client = new Client({ connection: clientConnection, namespace: config.TEMPORAL_NAMESPACE, dataConverter });
    const apiPort = parsePort('--api-port', flags.apiPort, DEFAULT_API_PORT);
    const api = await startApiServer(
      { registry, client, config },
      { port: apiPort, host: '127.0.0.1', generate: true },
    );
    console.log(banner({ ...s, api, registry: registry.db.description }));
    // The SDK's runtime shuts workers down on SIGINT/SIGTERM; run() resolves once in-flight work is handed back.
    await running;
    await api.close();
    await clientConnection.close();
    await connection.close();
  } finally {
    await registry.close();
  }
}

/** HOOKSTEP_DATABASE_URL (PostgreSQL), else PGlite: in memory with --ephemeral, else in HOOKSTEP_REGISTRY_DIR. */
function registryFor(config: Config, flags: DevFlags) {
  if (config.HOOKSTEP_DATABASE_URL) return { url: config.HOOKSTEP_DATABASE_URL };
  return flags.ephemeral ? { memory: true as const } : { dataDir: config.HOOKSTEP_REGISTRY_DIR };
}

export function devCommand(cli: Command): void {
  cli
    .command('dev')
    .description('run a Temporal dev server (with Web UI), a codec server, a hookstep worker and the API until Ctrl-C')
    .option('--ephemeral', `keep state in memory instead of ${DEV_DB_FILE}`)
    .option('--port <port>', 'Temporal frontend port', String(DEV_SERVER_PORT))
    .option('--ui-port <port>', `Web UI port (default: port + ${DEV_UI_PORT_OFFSET})`)
    .option('--codec-port <port>', 'codec server port (default: Web UI port + 1)')
    .option('--api-port <port>', 'port of the HTTP API of event webhooks', String(DEFAULT_API_PORT))
    .option('--db <file>', 'SQLite file for state', undefined)
    .action(async (flags: DevFlags) => setExit(await dev(flags)));
}
