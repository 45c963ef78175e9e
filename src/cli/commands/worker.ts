// `hookstep worker`: a worker against TEMPORAL_ADDRESS until SIGINT/SIGTERM.
import { NativeConnection } from '@temporalio/worker';
import type { Command } from 'commander';
import { createWorker } from '../../worker';
import { openRegistry, type Registry } from '../../../activities/registry';
import { loadConfig, registryOptions, type Config } from '../../worker/config';
import { EXIT, setExit } from '../shared';

/**
 * The one place a worker is made from the environment, for `worker` and `dev` alike. The registry is opened when an
 * event first needs it, unless one is given (`dev` shares its own with the API).
 */
export function workerFromConfig(connection: NativeConnection, config: Config, registry?: Registry) {
  return createWorker({
    connection,
    registry: registry ?? (() => openRegistry(registryOptions(config))),
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.HOOKSTEP_TASK_QUEUE,
    allowedNetworks: config.HOOKSTEP_ALLOWED_NETWORKS,
    maxConcurrentDeliveries: config.HOOKSTEP_MAX_CONCURRENT_DELIVERIES,
  });
}

export async function worker(): Promise<number> {
  const config = loadConfig();
  const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  const w = await workerFromConfig(connection, config);
  console.log(
    `hookstep worker polling ${config.HOOKSTEP_TASK_QUEUE} on ${config.TEMPORAL_ADDRESS} (${config.TEMPORAL_NAMESPACE})`,
  );
  await w.run();
  await connection.close();
  return EXIT.ok;
}

export function workerCommand(cli: Command): void {
  cli
    .command('worker')
    .description('run a hookstep worker against TEMPORAL_ADDRESS')
    .action(async () => setExit(await worker()));
}
