// The `hookstep` commands. Each resolves to the process exit code: 0 done, 1 the run failed, 2 bad input.
import { Client, Connection, WorkflowFailedError } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { join } from 'node:path';
import { InvalidInputError, startSendWebhook, validateStep } from '../client';
import { loadConfig, type Config } from '../config';
import { startDevServer } from '../devServer';
import { createWorker } from '../worker';
import { summarizeFailure } from './failure';
import { stepFromFlags, type SendFlags } from './flags';

export const EXIT = { ok: 0, failed: 1, badInput: 2 } as const;

export interface DevFlags {
  ephemeral?: boolean;
  port?: string;
  uiPort?: string;
  db?: string;
}

/** `hookstep dev`: dev server with the Web UI, and a worker, until Ctrl-C. */
export async function dev(flags: DevFlags): Promise<number> {
  const config = loadConfig();
  // Keep the banner readable: the SDK's info lines (bundling, state changes) are for `hookstep worker` logs.
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const port = Number(flags.port ?? 7233);
  const server = await startDevServer({
    port,
    ui: true,
    uiPort: Number(flags.uiPort ?? port + 1000),
    dbFilename: flags.ephemeral ? undefined : (flags.db ?? join('.hookstep', 'temporal.db')),
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
        `  state             ${flags.ephemeral ? 'in memory (--ephemeral)' : (flags.db ?? join('.hookstep', 'temporal.db'))}`,
        config.HOOKSTEP_ALLOWED_NETWORKS.length
          ? `  allowed networks  ${process.env.HOOKSTEP_ALLOWED_NETWORKS}`
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

function workerFromConfig(connection: NativeConnection, config: Config) {
  return createWorker({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.HOOKSTEP_TASK_QUEUE,
    allowedNetworks: config.HOOKSTEP_ALLOWED_NETWORKS,
    maxConcurrentDeliveries: config.HOOKSTEP_MAX_CONCURRENT_DELIVERIES,
  });
}

/** `hookstep worker`: a worker against TEMPORAL_ADDRESS until SIGINT/SIGTERM. */
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

export interface SendOptions extends SendFlags {
  json?: boolean;
  workflowId?: string;
}

/** `hookstep send URL ...`: one sendWebhook run, waited for. */
export async function send(url: string, flags: SendOptions): Promise<number> {
  const config = loadConfig();
  const step = stepFromFlags(url, { ...flags, secret: flags.secret ?? process.env.HOOKSTEP_SIGNING_SECRET });
  validateStep(step);
  return withClient(config, async (client) => {
    const handle = await startSendWebhook(client, step, {
      taskQueue: config.HOOKSTEP_TASK_QUEUE,
      workflowId: flags.workflowId,
    });
    process.stderr.write(`workflow ID: ${handle.workflowId}\n`);
    try {
      const result = await handle.result();
      if (flags.json) console.log(JSON.stringify({ workflowId: handle.workflowId, ...result }));
      else {
        console.log(`delivered: HTTP ${result.status} on attempt ${result.attempts} in ${result.durationMs} ms`);
        console.log(JSON.stringify(result.body, null, 2));
      }
      return EXIT.ok;
    } catch (err) {
      if (!(err instanceof WorkflowFailedError)) throw err;
      const failure = summarizeFailure(err);
      if (flags.json) console.log(JSON.stringify({ workflowId: handle.workflowId, error: failure }));
      else console.error(`delivery failed (${failure.type}): ${failure.message}`);
      return EXIT.failed;
    }
  });
}

export async function withClient<T>(config: Config, fn: (client: Client) => Promise<T>): Promise<T> {
  const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
  try {
    return await fn(new Client({ connection, namespace: config.TEMPORAL_NAMESPACE }));
  } finally {
    await connection.close();
  }
}

export { InvalidInputError };
