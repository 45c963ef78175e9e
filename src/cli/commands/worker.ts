// `hookstep worker`: a worker against TEMPORAL_ADDRESS until SIGINT/SIGTERM, with payload encryption from the
// environment and, with --metrics, a Prometheus endpoint.
import type { DataConverter } from '@temporalio/common';
import { NativeConnection } from '@temporalio/worker';
import type { Command } from 'commander';
import { openRegistry, type Registry } from '../../registry';
import { dataConverterFromEnv, encryptionNotice, type PayloadKeyring } from '../../codec';
import { FlagError } from '../../contract';
import { createWorker, installRuntime } from '../../worker';
import { loadConfig, sharedRegistry, type Config } from '../../worker/config';
import { describeConnection, temporalConnectionOptions } from '../../worker/temporalConnection';
import { EXIT, setExit } from '../shared';

export interface WorkerFlags {
  metrics?: string;
  requireEncryption?: boolean;
}

const HOST_PORT = /^[A-Za-z0-9.\-[\]:]+:\d{1,5}$/;

/**
 * The one place a worker is made from the environment, for `worker` and `dev` alike. The registry is opened when an
 * event first needs it (its signing secrets sealed with `keyring`), unless one is given (`dev` shares its own with
 * the API); without HOOKSTEP_DATABASE_URL there is none, and event runs fail with RegistryUnavailable.
 */
export function workerFromConfig(
  connection: NativeConnection,
  config: Config,
  { dataConverter, keyring }: { dataConverter: DataConverter; keyring?: PayloadKeyring },
  registry?: Registry,
) {
  const shared = sharedRegistry(config);
  return createWorker({
    connection,
    registry: registry ?? (shared && (() => openRegistry(shared, keyring))),
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.HOOKSTEP_TASK_QUEUE,
    allowedNetworks: config.HOOKSTEP_ALLOWED_NETWORKS,
    maxConcurrentDeliveries: config.HOOKSTEP_MAX_CONCURRENT_DELIVERIES,
    deliveryLogRetentionMs: config.HOOKSTEP_DELIVERY_LOG_RETENTION,
    dataConverter,
  });
}

export async function worker(flags: WorkerFlags = {}): Promise<number> {
  const config = loadConfig();
  if (flags.metrics !== undefined && !HOST_PORT.test(flags.metrics)) {
    throw new FlagError(`--metrics must be host:port, e.g. 0.0.0.0:9464`);
  }
  const { dataConverter, keyring } = dataConverterFromEnv();
  const notice = encryptionNotice(
    keyring,
    'hookstep worker',
    flags.requireEncryption || config.HOOKSTEP_REQUIRE_ENCRYPTION,
  );
  const metricsAddress = flags.metrics ?? config.HOOKSTEP_METRICS_ADDRESS;
  installRuntime({ metricsAddress });
  const temporal = temporalConnectionOptions(config);
  const connection = await NativeConnection.connect(temporal);
  const w = await workerFromConfig(connection, config, { dataConverter, keyring });
  (keyring ? console.log : console.error)(notice);
  if (!config.HOOKSTEP_DATABASE_URL) console.error(`WARNING: ${NO_REGISTRY}`);
  console.log(
    `hookstep worker polling ${config.HOOKSTEP_TASK_QUEUE} on ${config.TEMPORAL_ADDRESS} (${config.TEMPORAL_NAMESPACE}; ` +
      `${describeConnection(temporal)})` +
      (metricsAddress ? `; metrics on http://${metricsAddress}/metrics` : ''),
  );
  await w.run();
  await connection.close();
  return EXIT.ok;
}

/** The worker's start-up line when it has no registry: it still sends steps; events wait or fail, naming the fix. */
export const NO_REGISTRY =
  'hookstep worker has no registry of event webhooks (HOOKSTEP_DATABASE_URL is not set): it sends steps and ' +
  'automations, but no published event (its deliveries wait for a worker that has the registry), and event ' +
  "fan-outs it picks up fail with RegistryUnavailable. Set HOOKSTEP_DATABASE_URL to the API's PostgreSQL " +
  'database, or run `hookstep dev` for one process with an embedded registry';

export function workerCommand(cli: Command): void {
  cli
    .command('worker')
    .description('run a hookstep worker against TEMPORAL_ADDRESS')
    .option(
      '--metrics <host:port>',
      'serve Prometheus metrics on http://<host:port>/metrics (or HOOKSTEP_METRICS_ADDRESS)',
    )
    .option('--require-encryption', 'refuse to start without a payload key (or HOOKSTEP_REQUIRE_ENCRYPTION=true)')
    .action(async (flags: WorkerFlags) => setExit(await worker(flags)));
}
