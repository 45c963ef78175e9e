// A bench worker in its own process, as a deployment runs it: hookstep's worker (pre-bundled workflow code) or the
// naive baseline (SDK defaults). Configured by one JSON env var, parsed at this boundary; prints one ready line.
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { z } from 'zod';
import { parseCidrList } from '../activities/destination';
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
  /** The SDK's log level; the fault script asks for ERROR, since it makes attempts fail on purpose. */
  logLevel: z.enum(['WARN', 'ERROR']).default('WARN'),
});
export type BenchWorkerConfig = z.input<typeof BenchWorkerConfigSchema>;

async function main(): Promise<void> {
  const config = BenchWorkerConfigSchema.parse(JSON.parse(process.env.HOOKSTEP_BENCH_WORKER ?? '{}'));
  Runtime.install({ logger: new DefaultLogger(config.logLevel) });
  const connection = await NativeConnection.connect({ address: config.address });
  let run: () => Promise<void>;
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
    const hookstep = await createWorker({
      connection,
      taskQueue: config.taskQueue,
      allowedNetworks: parseCidrList('127.0.0.0/8'),
      workflowBundle: config.bundlePath ? { codePath: config.bundlePath } : undefined,
      workerOptions: config.workerOptions,
    });
    run = () => hookstep.run();
    shutdown = () => hookstep.shutdown();
  }
  process.on('SIGTERM', shutdown);
  const running = run();
  console.log(JSON.stringify({ ready: true }));
  await running;
  await connection.close();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
