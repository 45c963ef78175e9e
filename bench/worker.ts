// A bench worker in its own process, as a deployment runs it: hookstep's worker (pre-bundled workflow code) or the
// naive baseline (SDK defaults). Configured by one JSON env var, parsed at this boundary; prints one ready line.
// With `api`, it also serves the HTTP API of event webhooks on an embedded registry, as `hookstep dev` does.
import { appendFileSync } from 'node:fs';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { z } from 'zod';
import { parseCidrList } from '../activities/destination';
import { Client, Connection } from '@temporalio/client';
import { newApiKey, openRegistry, type Registry } from '../src/registry';
import { createApi } from '../src/api';
import { createWorker } from '../src/worker';
import * as naiveActivities from './baselines/naive/activities';

export const BenchWorkerConfigSchema = z.object({
  kind: z.enum(['hookstep', 'naive']),
  address: z.string().min(1),
  taskQueue: z.string().min(1),
  /** hookstep only: a bundle written by bundleWorkflowCode, so start-up does not bundle. */
  bundlePath: z.string().optional(),
  /** hookstep only: passed to Worker.create after hookstep's own settings (one lever at a time). */
  workerOptions: z.record(z.string(), z.unknown()).default({}),
  /** hookstep only: an in-memory registry and the HTTP API in this process; the ready line gives its URL and key. */
  api: z.boolean().default(false),
  /** hookstep only: the deliveries bound, when not hookstep's default. */
  maxConcurrentDeliveries: z.number().int().positive().optional(),
  /** The SDK's log level; the fault script asks for ERROR, since it makes attempts fail on purpose. */
  logLevel: z.enum(['WARN', 'ERROR']).default('WARN'),
  /**
   * Appends this process's memory (process.memoryUsage, bytes) as a JSON line to this file every second. Not on a
   * signal: a worker sent SIGUSR2 took no workflow task afterwards.
   */
  memoryReport: z.string().optional(),
});
export type BenchWorkerConfig = z.input<typeof BenchWorkerConfigSchema>;

async function main(): Promise<void> {
  const config = BenchWorkerConfigSchema.parse(JSON.parse(process.env.HOOKSTEP_BENCH_WORKER ?? '{}'));
  Runtime.install({ logger: new DefaultLogger(config.logLevel) });
  const { memoryReport } = config;
  if (memoryReport)
    setInterval(() => appendFileSync(memoryReport, `${JSON.stringify(process.memoryUsage())}\n`), 1_000).unref();
  const connection = await NativeConnection.connect({ address: config.address });
  let run: () => Promise<void>;
  let ready: Record<string, string> = {};
  let shutdown: () => void;
  if (config.kind === 'naive') {
    const worker = await Worker.create({
      connection,
      taskQueue: config.taskQueue,
      workflowsPath: require.resolve('./baselines/naive/workflows'),
      activities: naiveActivities,
    });
    run = () => worker.run();
    shutdown = () => worker.shutdown();
  } else {
    const registry = config.api ? await openRegistry({ memory: true }) : undefined;
    const hookstep = await createWorker({
      connection,
      taskQueue: config.taskQueue,
      allowedNetworks: parseCidrList('127.0.0.0/8'),
      workflowBundle: config.bundlePath ? { codePath: config.bundlePath } : undefined,
      workerOptions: config.workerOptions,
      maxConcurrentDeliveries: config.maxConcurrentDeliveries,
      registry,
    });
    run = () => hookstep.run();
    shutdown = () => hookstep.shutdown();
    if (registry) ready = await serveApi(registry, config);
  }
  process.on('SIGTERM', shutdown);
  const running = run();
  console.log(JSON.stringify({ ready: true, ...ready }));
  await running;
  await connection.close();
  // The API's server would keep the process alive past shutdown (then SIGKILLed: no --cpu-prof profile is written).
  process.exit(0);
}

async function serveApi(registry: Registry, config: z.output<typeof BenchWorkerConfigSchema>) {
  const apiKey = newApiKey();
  await registry.apiKeys.add(apiKey, 'bench');
  const client = new Client({ connection: await Connection.connect({ address: config.address }) });
  const app = await createApi({ registry, client, taskQueue: config.taskQueue });
  return { apiUrl: await app.listen({ port: 0, host: '127.0.0.1' }), apiKey };
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
