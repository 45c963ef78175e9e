// `hookstep receive --workflow <type>`: a receiver on node:http for local work. It verifies each webhook, starts
// <type> once per webhook-id on the handlers' task queue, answers 202 at once, and prints a line per request.
import { createServer, type Server } from 'node:http';
import { Client, Connection } from '@temporalio/client';
import type { Command } from 'commander';
import { z } from 'zod';
import { dataConverterFromEnv, encryptionNotice } from '../../codec';
import { DEFAULT_RECEIVER_PORT, DEFAULT_RECEIVER_TASK_QUEUE, FlagError } from '../../contract';
import { RECEIVER_CHANNEL_ARGS, createReceiver, nodeHandler, type ReceiverResult } from '../../receiver';
import { loadConfig } from '../../worker/config';
import { temporalConnectionOptions } from '../../worker/temporalConnection';
import { EXIT, collect, parseFlags, setExit } from '../shared';

const ReceiveFlagsSchema = z.object({
  secret: z.array(z.string()).optional(),
  workflow: z.string().min(1, { error: '--workflow must name a workflow type' }),
  taskQueue: z.string().min(1, { error: '--task-queue must not be empty' }),
  port: z
    .string()
    .regex(/^\d{1,5}$/, { error: '--port must be a port number' })
    .transform(Number)
    .refine((port) => port <= 65535, { error: '--port must be at most 65535' }),
  host: z.string().min(1, { error: '--host must not be empty' }),
  idPrefix: z.string().optional(),
});
export type ReceiveFlags = z.input<typeof ReceiveFlagsSchema>;

export async function receive(raw: ReceiveFlags): Promise<number> {
  const config = loadConfig();
  const flags = parseFlags(ReceiveFlagsSchema, raw);
  const secrets = flags.secret ?? config.HOOKSTEP_RECEIVER_SECRET;
  if (!secrets) throw new FlagError('--secret whsec_... (or HOOKSTEP_RECEIVER_SECRET) is required');
  // The handler's runs hold the webhook's payload: encrypted like every other hookstep run.
  const { dataConverter, keyring } = dataConverterFromEnv();
  const notice = encryptionNotice(keyring, 'hookstep receive', config.HOOKSTEP_REQUIRE_ENCRYPTION);
  // Lazy: the receiver starts while Temporal is down, answers 503 meanwhile, and reconnects when it is back.
  const connection = Connection.lazy({ ...temporalConnectionOptions(config), channelArgs: RECEIVER_CHANNEL_ARGS });
  const receiver = createReceiver({
    client: new Client({ connection, namespace: config.TEMPORAL_NAMESPACE, dataConverter }),
    secrets,
    workflowType: flags.workflow,
    taskQueue: flags.taskQueue,
    idPrefix: flags.idPrefix,
    onResult: (result) => console.log(describe(result)),
  });
  const server = createServer(nodeHandler(receiver));
  await listen(server, flags.port, flags.host);
  (keyring ? console.log : console.error)(notice);
  console.log(
    `hookstep receiver listening on http://${flags.host}:${flags.port}/: starts ${flags.workflow} on task queue ` +
      `${flags.taskQueue} at ${config.TEMPORAL_ADDRESS} (${config.TEMPORAL_NAMESPACE}); Ctrl-C stops it`,
  );
  await new Promise<void>((resolve) => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolve());
  });
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await connection.close();
  console.log('hookstep receiver stopped');
  return EXIT.ok;
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(err.code === 'EADDRINUSE' ? new FlagError(`--port ${port}: already in use on ${host}`) : err),
    );
    server.listen(port, host, () => resolve());
  });
}

/** One line per request: what came in and what became of it. Never a secret or a signature. */
function describe(r: ReceiverResult): string {
  const id = r.webhookId ? ` ${r.webhookId}` : '';
  if (r.status === 202) {
    return `202${id} → ${r.workflowId} (${r.existing ? 'run already closed' : `run ${r.runId}`})`;
  }
  const why = r.error instanceof Error ? `: ${r.error.message}` : '';
  return `${r.status}${id} ${r.code ?? ''}${why}`;
}

export function receiveCommand(cli: Command): void {
  cli
    .command('receive')
    .description('receive signed webhooks on 127.0.0.1 and start a workflow once per webhook-id')
    .requiredOption('--workflow <type>', 'workflow type to start for each webhook')
    .option('--secret <secret>', 'whsec_... to verify with (repeatable; or HOOKSTEP_RECEIVER_SECRET)', collect)
    .option('--task-queue <queue>', 'task queue of the handler workflows', DEFAULT_RECEIVER_TASK_QUEUE)
    .option('--port <port>', 'port to listen on', String(DEFAULT_RECEIVER_PORT))
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--id-prefix <prefix>', 'workflow IDs are <prefix><webhook-id> (default: <workflow>-)')
    .action(async (flags: ReceiveFlags) => setExit(await receive(flags)));
}
