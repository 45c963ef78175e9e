// The hookstep worker: sendWebhook and automation workflows, and the delivery activity with one HTTP pool.
import { NativeConnection, Worker, bundleWorkflowCode, type WorkerOptions } from '@temporalio/worker';
import type { Agent } from 'undici';
import { createActivities } from '../activities';
import { DestinationPolicy, type Cidr } from '../activities/destination';
import { createAgent } from '../activities/http';

export const DEFAULT_TASK_QUEUE = 'webhooks';

/**
 * Evaluated once per worker instead of once per workflow run: the reusable V8 context gives each run fresh module
 * state, so without this every run rebuilds zod (1.21× completions/s, bench/LEVERS.md). zod only: hookstep's own
 * schemas cannot be shared, as the SDK freezes preloaded modules and zod schemas fill in lazy properties.
 */
export const PRELOADED_WORKFLOW_MODULES = ['zod'];

type BundleLogger = NonNullable<Parameters<typeof bundleWorkflowCode>[0]['logger']>;

const noop = () => undefined;
/** Bundling logs webpack's progress at info; tests and the bench want errors only. */
export const QUIET_LOGGER: BundleLogger = {
  log: noop,
  trace: noop,
  debug: noop,
  info: noop,
  warn: noop,
  error: console.error,
};

/** The workflow bundle for tests, the bench and deployments that bundle ahead of start-up. */
export function bundleWorkflows(logger?: BundleLogger, preloadModules = PRELOADED_WORKFLOW_MODULES) {
  return bundleWorkflowCode({ workflowsPath: require.resolve('../workflows'), preloadModules, logger });
}

export interface CreateWorkerOptions {
  connection: NativeConnection;
  namespace?: string;
  taskQueue?: string;
  /** CIDRs the worker may dial although they are private, loopback or otherwise not public. */
  allowedNetworks?: Cidr[];
  /** How many deliveries one worker keeps in flight; they wait on the network, not the CPU. */
  maxConcurrentDeliveries?: number;
  /** A bundle from bundleWorkflowCode, to skip bundling at start-up. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** Passed through to Worker.create, after hookstep's own settings. */
  workerOptions?: Partial<WorkerOptions>;
}

export interface HookstepWorker {
  worker: Worker;
  /** Runs until shutdown, then closes the HTTP pool. */
  run(): Promise<void>;
  shutdown(): void;
}

export async function createWorker(options: CreateWorkerOptions): Promise<HookstepWorker> {
  const agent: Agent = createAgent({ policy: new DestinationPolicy(options.allowedNetworks ?? []) });
  const worker = await Worker.create({
    connection: options.connection,
    namespace: options.namespace ?? 'default',
    taskQueue: options.taskQueue ?? DEFAULT_TASK_QUEUE,
    activities: createActivities({ agent }),
    ...(options.workflowBundle
      ? { workflowBundle: options.workflowBundle }
      : {
          workflowsPath: require.resolve('../workflows'),
          bundlerOptions: { preloadModules: PRELOADED_WORKFLOW_MODULES },
        }),
    maxConcurrentActivityTaskExecutions: options.maxConcurrentDeliveries ?? 1000,
    ...options.workerOptions,
  });
  return {
    worker,
    async run() {
      try {
        await worker.run();
      } finally {
        await agent.close();
      }
    },
    shutdown: () => worker.shutdown(),
  };
}
