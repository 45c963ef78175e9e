// The example handler's worker: `npx tsx examples/offload/worker.ts` polls the `webhook-handlers` task queue (the
// receiver's default) on TEMPORAL_ADDRESS (default localhost:7233). Tests start it on a task queue of their own.
import type { DataConverter } from '@temporalio/common';
import { NativeConnection, Worker } from '@temporalio/worker';
import { DEFAULT_RECEIVER_TASK_QUEUE } from '../../src';
import { dataConverterFromEnv } from '../../src/codec';
import * as activities from './activities';

export interface OffloadWorkerOptions {
  connection: NativeConnection;
  taskQueue?: string;
  namespace?: string;
  /** Must match the receiver's client: default, the payload keys of this environment (HOOKSTEP_PAYLOAD_KEYS). */
  dataConverter?: DataConverter;
}

export function createOffloadWorker({
  connection,
  taskQueue = DEFAULT_RECEIVER_TASK_QUEUE,
  namespace,
  dataConverter = dataConverterFromEnv().dataConverter,
}: OffloadWorkerOptions) {
  return Worker.create({
    connection,
    namespace,
    dataConverter,
    taskQueue,
    workflowsPath: require.resolve('./workflows'),
    activities,
  });
}

async function main(): Promise<void> {
  const address = process.env.TEMPORAL_ADDRESS ?? 'localhost:7233';
  const connection = await NativeConnection.connect({ address });
  const worker = await createOffloadWorker({ connection, namespace: process.env.TEMPORAL_NAMESPACE });
  console.log(`example handler worker polling ${DEFAULT_RECEIVER_TASK_QUEUE} on ${address}`);
  await worker.run();
  await connection.close();
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
