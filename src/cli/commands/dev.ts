// `hookstep dev`: a Temporal dev server with the Web UI, a codec server the UI decodes payloads through, and a
// hookstep worker, until Ctrl-C. Payloads are encrypted: with the configured key, or one generated under .hookstep/.
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { NativeConnection } from '@temporalio/worker';
import type { Command } from 'commander';
import {
  DEV_KEY_FILE,
  EncryptionCodec,
  dataConverterFor,
  generateKeyFile,
  loadKeyring,
  startCodecServer,
  type PayloadKeyring,
} from '../../codec';
import { DEV_DB_FILE, DEV_SERVER_PORT, DEV_STATE_DIR, DEV_UI_PORT_OFFSET } from '../../contract';
import { installRuntime, startDevServer } from '../../worker';
import { loadConfig } from '../../worker/config';
import { EXIT, setExit } from '../shared';
import { workerFromConfig } from './worker';

export interface DevFlags {
  ephemeral?: boolean;
  port?: string;
  uiPort?: string;
  codecPort?: string;
  db?: string;
}

/** Where `hookstep dev` writes the codec server's token for this run, for `temporal --codec-auth`. */
export const DEV_CODEC_TOKEN_FILE = `${DEV_STATE_DIR}/codec-token`;

export async function dev(flags: DevFlags): Promise<number> {
  const config = loadConfig();
  // Keep the banner readable: the SDK's info lines (bundling, state changes) are for `hookstep worker` logs.
  installRuntime({ logLevel: 'WARN', metricsAddress: config.HOOKSTEP_METRICS_ADDRESS });
  const { keyring, generated } = devKeyring();
  const port = Number(flags.port ?? DEV_SERVER_PORT);
  const uiPort = Number(flags.uiPort ?? port + DEV_UI_PORT_OFFSET);
  const state = flags.ephemeral ? undefined : (flags.db ?? DEV_DB_FILE);
  const token = config.HOOKSTEP_CODEC_TOKEN ?? writeDevToken();
  const codecServer = await startCodecServer({
    codec: new EncryptionCodec(keyring),
    token,
    port: Number(flags.codecPort ?? uiPort + 1),
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
      const connection = await NativeConnection.connect({ address: server.address });
      const worker = await workerFromConfig(connection, config, dataConverterFor(keyring));
      const running = worker.run();
      console.log(
        banner({
          server,
          config,
          state,
          keyring,
          generated,
          codecUrl: codecServer.url,
          token: !config.HOOKSTEP_CODEC_TOKEN,
        }),
      );
      // The SDK's runtime shuts workers down on SIGINT/SIGTERM; run() resolves once in-flight work is handed back.
      await running;
      await connection.close();
    } finally {
      await server.stop();
    }
  } finally {
    await codecServer.close();
  }
  console.log('hookstep dev stopped');
  return EXIT.ok;
}

/** The configured keys, else the dev key file, made on first use. */
function devKeyring(): { keyring: PayloadKeyring; generated: boolean } {
  const configured = loadKeyring();
  if (configured) return { keyring: configured, generated: false };
  return { keyring: generateKeyFile(DEV_KEY_FILE), generated: true };
}

/** A fresh token per start, written where the owner can read it and nobody else can; never printed. */
function writeDevToken(): string {
  const token = randomBytes(24).toString('hex');
  mkdirSync(dirname(DEV_CODEC_TOKEN_FILE), { recursive: true });
  writeFileSync(DEV_CODEC_TOKEN_FILE, `${token}\n`, { mode: 0o600 });
  chmodSync(DEV_CODEC_TOKEN_FILE, 0o600);
  return token;
}

interface BannerFacts {
  server: { address: string; uiUrl?: string };
  config: ReturnType<typeof loadConfig>;
  state: string | undefined;
  keyring: PayloadKeyring;
  generated: boolean;
  codecUrl: string;
  /** Whether the token is in DEV_CODEC_TOKEN_FILE (else HOOKSTEP_CODEC_TOKEN). */
  token: boolean;
}

function banner({ server, config, state, keyring, generated, codecUrl, token }: BannerFacts): string {
  const tokenFrom = token ? `$(cat ${DEV_CODEC_TOKEN_FILE})` : '$HOOKSTEP_CODEC_TOKEN';
  return [
    'hookstep dev is running',
    `  Temporal address  ${server.address}`,
    `  Web UI            ${server.uiUrl}`,
    `  namespace         ${config.TEMPORAL_NAMESPACE}`,
    `  task queue        ${config.HOOKSTEP_TASK_QUEUE}`,
    `  state             ${state ?? 'in memory (--ephemeral)'}`,
    generated
      ? `  payload key       generated ${keyring.currentId} in ${keyring.source} (keep it: runs encrypted with it need it)`
      : `  payload key       ${keyring.currentId} from ${keyring.source}`,
    `  codec server      ${codecUrl} (the Web UI decodes through it; temporal --codec-endpoint ${codecUrl} --codec-auth "Bearer ${tokenFrom}")`,
    config.HOOKSTEP_ALLOWED_NETWORKS.length
      ? `  allowed networks  ${config.HOOKSTEP_ALLOWED_NETWORKS.map(([net, bits]) => `${net.toString()}/${bits}`).join(',')}`
      : '  private, loopback and metadata destinations are refused (HOOKSTEP_ALLOWED_NETWORKS allows some)',
    'Press Ctrl-C to stop.',
  ].join('\n');
}

export function devCommand(cli: Command): void {
  cli
    .command('dev')
    .description('run a Temporal dev server (with Web UI), a codec server and a hookstep worker until Ctrl-C')
    .option('--ephemeral', `keep state in memory instead of ${DEV_DB_FILE}`)
    .option('--port <port>', 'Temporal frontend port', String(DEV_SERVER_PORT))
    .option('--ui-port <port>', `Web UI port (default: port + ${DEV_UI_PORT_OFFSET})`)
    .option('--codec-port <port>', 'codec server port (default: Web UI port + 1)')
    .option('--db <file>', 'SQLite file for state', undefined)
    .action(async (flags: DevFlags) => setExit(await dev(flags)));
}
