// The hookstep worker: sendWebhook and automation workflows, and the delivery activity with one HTTP pool.
import type { DataConverter } from '@temporalio/common';
import { Client } from '@temporalio/client';
import { NativeConnection, Runtime, Worker, type WorkerOptions } from '@temporalio/worker';
import type { Agent } from 'undici';
import { createActivities, jsonLineLog, type AttemptLog, type RegistrySource } from '../../activities';
import { DestinationPolicy, type Cidr } from '../../activities/destination';
import { createAgent } from '../../activities/http';
import { DEFAULT_MAX_CONCURRENT_DELIVERIES, DEFAULT_NAMESPACE, DEFAULT_TASK_QUEUE } from '../contract';
import { allocatorHint, glibcVersion } from './allocator';
import { EventDispatcher } from './dispatcher';
import { PAYLOAD_CONVERTER_PATH, WORKFLOW_BUNDLER_OPTIONS, WORKFLOWS_PATH } from './bundle';
import { requireSearchAttributes } from './searchAttributes';

export interface CreateWorkerOptions {
  connection: NativeConnection;
  namespace?: string;
  taskQueue?: string;
  /** CIDRs the worker may dial although they are private, loopback or otherwise not public. */
  allowedNetworks?: Cidr[];
  /** How many deliveries one worker keeps in flight; they wait on the network, not the CPU. */
  maxConcurrentDeliveries?: number;
  /** Event webhooks' registry, or how to open it when an event first needs it; without one, steps only. */
  registry?: RegistrySource;
  /** How long the delivery log keeps a delivery after its last change, in ms; 30 days when undefined. */
  deliveryLogRetentionMs?: number;
  /** Encrypts payloads: `dataConverterFromEnv().dataConverter` from `hookstep/codec`. Without it, payloads are clear. */
  dataConverter?: DataConverter;
  /** Each delivery attempt's log record; default one JSON line on stdout, `false` for none. */
  attemptLog?: AttemptLog | false;
  /** A bundle from bundleWorkflows (it holds hookstep's payload converter), to skip bundling at start-up. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** Passed through to Worker.create, after hookstep's own settings. */
  workerOptions?: Partial<WorkerOptions>;
}

export interface HookstepWorker {
  worker: Worker;
  /** Makes published events' first attempts (issue 23); present when the worker has a registry. */
  dispatcher?: EventDispatcher;
  /** Runs until shutdown, then closes the HTTP pool. */
  run(): Promise<void>;
  shutdown(): void;
}

/**
 * A worker on the namespace's task queue. Refuses a namespace without hookstep's search attributes
 * (SearchAttributesMissingError, whose message names `hookstep setup`): there every run would hang in Running.
 */
export async function createWorker(options: CreateWorkerOptions): Promise<HookstepWorker> {
  const namespace = options.namespace ?? DEFAULT_NAMESPACE;
  await requireSearchAttributes(options.connection, namespace);
  const deliveries = options.maxConcurrentDeliveries ?? DEFAULT_MAX_CONCURRENT_DELIVERIES;
  const hint = allocatorHint(process.env, glibcVersion());
  if (hint) Runtime.instance().logger.info(hint);
  // As many connections per origin as deliveries: every delivery in flight is on the wire, none waits in the pool's
  // queue while its attempt's timeout runs (with the pool's former 256, the 257th slow receiver's did).
  const agent: Agent = createAgent({
    policy: new DestinationPolicy(options.allowedNetworks ?? []),
    connectionsPerOrigin: deliveries,
  });
  const registry = shareOpening(options.registry);
  const worker = await Worker.create({
    connection: options.connection,
    namespace,
    taskQueue: options.taskQueue ?? DEFAULT_TASK_QUEUE,
    activities: createActivities({
      agent,
      registry,
      deliveryLogRetentionMs: options.deliveryLogRetentionMs,
      attemptLog: options.attemptLog === false ? undefined : (options.attemptLog ?? jsonLineLog),
    }),
    // Always hookstep's payload converter: input numbers a double would change are refused, never rounded.
    dataConverter: { ...options.dataConverter, payloadConverterPath: PAYLOAD_CONVERTER_PATH },
    ...(options.workflowBundle
      ? { workflowBundle: options.workflowBundle }
      : { workflowsPath: WORKFLOWS_PATH, bundlerOptions: WORKFLOW_BUNDLER_OPTIONS }),
    // A delivery's first attempt is a local activity and the rest regular ones: both kinds share the bound. A run's
    // workflow task stays open (and holds its slot) while its local attempt waits on the receiver, so the workflow-task
    // slots get the same bound: at the SDK's 40, 40 slow receivers would stall every other run on the worker.
    maxConcurrentActivityTaskExecutions: deliveries,
    maxConcurrentLocalActivityExecutions: deliveries,
    maxConcurrentWorkflowTaskExecutions: deliveries,
    // Code that no longer replays a run's history (a deploy that changed commands without patched()) fails that run,
    // visibly, instead of retrying its workflow task forever with the run showing Running. CI replays recorded
    // histories (test/integration/replay.test.ts) so that this stays rare.
    workflowFailureErrorTypes: { '*': ['NondeterminismError'] },
    // The sticky cache holds as many runs as there are deliveries in flight (at least 2): the least the SDK allows
    // beside those slots. Runs waiting on a timer (a delay, a retry's backoff) past that are evicted and replay their
    // short history when they wake, so a worker's memory follows HOOKSTEP_MAX_CONCURRENT_DELIVERIES, not how many runs
    // wait. The SDK's default follows the heap limit instead: ~2,300 runs (~1 GB of RSS) at a 4 GB heap, and under
    // 1,000 below a 1.9 GB heap limit, where the SDK then cut the workflow-task slots below the deliveries bound.
    maxCachedWorkflows: Math.max(2, deliveries),
    ...options.workerOptions,
  });
  const dispatcher = registry && createDispatcher({ ...options, registry }, namespace, agent, deliveries);
  return {
    worker,
    dispatcher,
    async run() {
      try {
        // The SDK's runtime shuts the worker down on SIGINT/SIGTERM without calling shutdown() below: the dispatcher
        // stops with it, and the HTTP pool is closed once both have let their requests end.
        const ended = await Promise.allSettled([worker.run().finally(() => dispatcher?.shutdown()), dispatcher?.run()]);
        for (const end of ended) if (end.status === 'rejected') throw end.reason;
      } finally {
        await agent.close();
      }
    },
    shutdown: () => {
      dispatcher?.shutdown();
      worker.shutdown();
    },
  };
}

/** The event dispatcher beside the worker: same registry, HTTP pool, bound and task queue (its runs go there). */
function createDispatcher(options: CreateWorkerOptions, namespace: string, agent: Agent, concurrency: number) {
  const source = options.registry!;
  return new EventDispatcher({
    registry: typeof source === 'function' ? source : () => Promise.resolve(source),
    client: new Client({ connection: options.connection, namespace, dataConverter: options.dataConverter }),
    taskQueue: options.taskQueue ?? DEFAULT_TASK_QUEUE,
    agent,
    attemptLog: options.attemptLog === false ? undefined : (options.attemptLog ?? jsonLineLog),
    metricMeter: Runtime.instance().metricMeter,
    concurrency,
  });
}

/** One registry for the activities and the dispatcher: a source that opens it is opened once (again after a failure). */
function shareOpening(source: RegistrySource | undefined): RegistrySource | undefined {
  if (typeof source !== 'function') return source;
  let opening: ReturnType<typeof source> | undefined;
  return () => {
    opening ??= source().catch((err: unknown) => {
      opening = undefined;
      throw err;
    });
    return opening;
  };
}
