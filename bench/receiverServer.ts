// Figure 8's HTTP server, in its own process as a deployment runs it: hookstep's receiver kit (verify, then start a
// run per webhook-id) or a bare node:http handler that reads the body and answers 202. Prints one ready line.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import { z } from 'zod';
import { createReceiver, nodeHandler } from '../src/receiver';

export const ReceiverServerConfigSchema = z.object({
  mode: z.enum(['kit', 'bare']),
  address: z.string().optional(),
  secret: z.string().optional(),
  workflowType: z.string().default('benchHandler'),
  taskQueue: z.string().default('bench-handlers'),
});
export type ReceiverServerConfig = z.input<typeof ReceiverServerConfigSchema>;

async function main(): Promise<void> {
  const config = ReceiverServerConfigSchema.parse(JSON.parse(process.env.HOOKSTEP_BENCH_RECEIVER ?? '{}'));
  let connection: Connection | undefined;
  let handler: Parameters<typeof createServer>[1];
  if (config.mode === 'kit') {
    connection = await Connection.connect({ address: config.address });
    const receiver = createReceiver({
      client: new Client({ connection }),
      secrets: config.secret ?? '',
      workflowType: config.workflowType,
      taskQueue: config.taskQueue,
    });
    handler = nodeHandler(receiver);
  } else {
    handler = (req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(202, { 'content-type': 'application/json' }).end('{}'));
    };
  }
  const server = createServer(handler);
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => {
    console.log(JSON.stringify({ ready: true, port: (server.address() as AddressInfo).port }));
  });
  process.on('SIGTERM', () => {
    server.closeAllConnections();
    server.close(() => void (connection?.close() ?? Promise.resolve()).then(() => process.exit(0)));
  });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
