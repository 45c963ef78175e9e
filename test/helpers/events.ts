// A test file's event-webhook stack on one registry database: the registry, a worker on the file's own task queue
// that reads it, the HTTP API on a free port with an API key, a Temporal client, and receivers.
import { WorkflowNotFoundError } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { newApiKey, type Registry } from '../../src/registry';
import { createApi, fanOutWorkflowId } from '../../src/api';
import { DEFAULT_TENANT, OPERATOR_SCOPE } from '../../src/contract';
import { createApiClient, type ApiClient } from '../../src/client/api';
import { startReceiver, type Handler, type Receiver } from './receiver';
import type { RegistryDatabase } from './registry';
import { connectClient, startWorker, uniqueQueue, type RunningWorker, type TestTemporal } from './temporal';

export interface EventStack {
  taskQueue: string;
  registry(): Registry;
  temporal(): TestTemporal;
  api(): ApiClient;
  /** The API's base URL and a key it accepts. */
  apiUrl(): string;
  apiKey: string;
  receiver(handler: Handler): Promise<Receiver>;
}

export const unique = (prefix: string) => `${prefix}-${Math.random().toString(36).slice(2, 10)}`;

/**
 * Waits for the event's fan-out (`event/<tenant>/<event id>`) and every delivery it started (an event's deliveries are
 * the runs `<webhook id>/<event id>`); returns the deliveries' results by webhook id.
 */
export async function delivered(
  stack: EventStack,
  eventId: string,
  tenant = DEFAULT_TENANT,
): Promise<Record<string, unknown>> {
  const { client } = stack.temporal();
  await client.workflow.getHandle(fanOutWorkflowId(tenant, eventId)).result();
  const results: Record<string, unknown> = {};
  for (const w of await stack.registry().webhooks.list(OPERATOR_SCOPE, { limit: 1000 })) {
    try {
      results[w.id] = await client.workflow.getHandle(`${w.id}/${eventId}`).result();
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
    }
  }
  return results;
}

export interface StackOptions {
  /** Run a worker in this process (default); false when the test runs its own, as a process. */
  worker?: boolean;
}

export function useEventStack(name: string, database: RegistryDatabase, options: StackOptions = {}): EventStack {
  const taskQueue = uniqueQueue(name);
  const apiKey = newApiKey();
  let registry: Registry | undefined;
  let temporal: TestTemporal | undefined;
  let worker: RunningWorker | undefined;
  let app: FastifyInstance | undefined;
  let url = '';
  const receivers: Receiver[] = [];
  beforeAll(async () => {
    registry = await database.open();
    await registry.apiKeys.add(apiKey, 'test');
    temporal = await connectClient();
    if (options.worker !== false) worker = await startWorker(taskQueue, { registry });
    app = await createApi({ registry, client: temporal.client, taskQueue });
    url = await app.listen({ port: 0, host: '127.0.0.1' });
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await Promise.all(receivers.map((r) => r.close()));
    await worker?.stop();
    await temporal?.close();
    await registry?.close();
  });
  return {
    taskQueue,
    apiKey,
    registry: () => registry!,
    temporal: () => temporal!,
    api: () => createApiClient({ url, apiKey }),
    apiUrl: () => url,
    receiver: async (handler) => {
      const r = await startReceiver(handler);
      receivers.push(r);
      return r;
    },
  };
}
