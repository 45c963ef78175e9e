// Test access to the run's real dev server: a client, and hookstep workers on a task queue of the test's own.
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime, DefaultLogger } from '@temporalio/worker';
import { parseCidrList } from '../../activities/destination';
import { dataConverterFromEnv } from '../../src/codec';
import { createWorker, type CreateWorkerOptions, type HookstepWorker } from '../../src/worker';
import { spawnCli, type CliProcess } from './cli';
import { startReceiver, type Receiver } from './receiver';

export const LOOPBACK = parseCidrList('127.0.0.0/8,::1/128');

let runtimeInstalled = false;
/** Installs the SDK runtime with an ERROR logger, once per test file; before any worker (one made directly too). */
export function quietRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  Runtime.install({ logger: new DefaultLogger('ERROR') });
}

export function temporalAddress(): string {
  const address = process.env.HOOKSTEP_TEST_TEMPORAL_ADDRESS;
  if (!address)
    throw new Error('HOOKSTEP_TEST_TEMPORAL_ADDRESS is unset: run through jest, whose global setup starts the server');
  return address;
}

export function uniqueQueue(name: string): string {
  return `${name}-${randomUUID().slice(0, 8)}`;
}

export interface TestTemporal {
  client: Client;
  close(): Promise<void>;
}

/** The run's test key (HOOKSTEP_PAYLOAD_KEYS, set by the global setup), as every hookstep process uses it. */
export function testDataConverter() {
  const { dataConverter, keyring } = dataConverterFromEnv();
  if (!keyring) throw new Error('HOOKSTEP_PAYLOAD_KEYS is unset: run through jest, whose global setup sets it');
  return dataConverter;
}

/**
 * A client that encrypts and decrypts with the test key; `{ codec: false }` for one that sees raw payloads; `address`
 * for a server other than the run's.
 */
export async function connectClient({
  codec = true,
  address = temporalAddress(),
}: { codec?: boolean; address?: string } = {}): Promise<TestTemporal> {
  const connection = await Connection.connect({ address });
  const dataConverter = codec ? testDataConverter() : undefined;
  return { client: new Client({ connection, dataConverter }), close: () => connection.close() };
}

export interface RunningWorker {
  worker: HookstepWorker;
  stop(): Promise<void>;
}

/** Starts an in-process hookstep worker that may reach 127.0.0.1 (the test receivers). */
export async function startWorker(
  taskQueue: string,
  options: Partial<Omit<CreateWorkerOptions, 'connection' | 'taskQueue'>> = {},
): Promise<RunningWorker> {
  quietRuntime();
  const connection = await NativeConnection.connect({ address: temporalAddress() });
  const worker = await createWorker({
    connection,
    taskQueue,
    allowedNetworks: LOOPBACK,
    workflowBundle: { codePath: process.env.HOOKSTEP_TEST_WORKFLOW_BUNDLE! },
    dataConverter: testDataConverter(),
    // Tests that read the attempt log pass their own.
    attemptLog: false,
    ...options,
  });
  const running = worker.run();
  return {
    worker,
    async stop() {
      worker.shutdown();
      await running;
      await connection.close();
    },
  };
}

export interface Harness {
  taskQueue: string;
  client(): Client;
  /** A receiver closed with the harness. */
  receiver: (handler: Parameters<typeof startReceiver>[0]) => Promise<Receiver>;
}

/** A test file's client, worker on its own task queue, and receivers, started and stopped around its tests. */
export function useHarness(name: string): Harness {
  const taskQueue = uniqueQueue(name);
  let temporal: TestTemporal | undefined;
  let worker: RunningWorker | undefined;
  const receivers: Receiver[] = [];
  beforeAll(async () => {
    temporal = await connectClient();
    worker = await startWorker(taskQueue);
  });
  afterAll(async () => {
    await Promise.all(receivers.map((r) => r.close()));
    await worker?.stop();
    await temporal?.close();
  });
  return {
    taskQueue,
    client: () => temporal!.client,
    receiver: async (handler) => {
      const r = await startReceiver(handler);
      receivers.push(r);
      return r;
    },
  };
}

/** `hookstep worker` as its own process (so a test can SIGKILL it), polling `taskQueue`, allowed to reach 127.0.0.1. */
export async function spawnWorkerProcess(taskQueue: string, env: Record<string, string> = {}): Promise<CliProcess> {
  const worker = spawnCli(['worker'], {
    TEMPORAL_ADDRESS: temporalAddress(),
    HOOKSTEP_TASK_QUEUE: taskQueue,
    HOOKSTEP_ALLOWED_NETWORKS: '127.0.0.0/8',
    ...env,
  });
  await worker.waitFor(/hookstep worker polling/);
  return worker;
}
