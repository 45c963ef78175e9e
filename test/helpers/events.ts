// A test file's event-webhook stack on one registry database: the registry, a worker on the file's own task queue
// that reads it, the HTTP API on a free port with an API key, a Temporal client, and receivers.
import type { FastifyInstance } from 'fastify';
import { newApiKey, type Registry } from '../../activities/registry';
import { createApi } from '../../src/api';
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

export function useEventStack(name: string, database: RegistryDatabase): EventStack {
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
    worker = await startWorker(taskQueue, { registry });
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
