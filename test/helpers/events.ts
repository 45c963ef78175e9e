// A test file's event-webhook stack on one registry database: the registry, a worker on the file's own task queue
// that reads it, the HTTP API on a free port with an API key, a Temporal client, and receivers.
import { WorkflowNotFoundError } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { newApiKey, type Registry } from '../../src/registry';
import { createApi, fanOutWorkflowId } from '../../src/api';
import { DEFAULT_TENANT, tenantScope, type DeliveryDetail, type PublishedEvent } from '../../src/contract';
import { until } from './until';
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
 * Waits until every delivery of the event has left the outbox (settled by a worker's dispatcher, or handed to its own
 * run, `<webhook id>/<event id>`) and every such run has ended, with the fan-out of its automations when there is one;
 * returns each delivery's result by webhook id: its run's, or what the delivery log says of one the dispatcher settled
 * (`{ status, attempt }`; a failure throws, as a failed run's result does).
 */
export async function delivered(
  stack: EventStack,
  eventId: string,
  tenant = DEFAULT_TENANT,
): Promise<Record<string, unknown>> {
  const { client } = stack.temporal();
  const registry = stack.registry();
  await ended(client.workflow.getHandle(fanOutWorkflowId(tenant, eventId)).result());
  await until(async () => ((await queued(registry, tenant, eventId)) === 0 ? true : undefined), 'the outbox', 60_000);
  const results: Record<string, unknown> = {};
  const { deliveries } = await registry.deliveries.list(tenantScope(tenant), { eventId, limit: 1000 });
  for (const d of deliveries.filter((x) => !x.resendOf)) {
    const run = await ended(client.workflow.getHandle(d.id).result());
    if (run.found) results[d.webhookId] = run.result;
    else results[d.webhookId] = await fromLog(registry, tenant, d.id);
  }
  return results;
}

/**
 * After a publish: waits for the fan-out of the event's automations (when it has one) and until every delivery of the
 * event has left the outbox (settled by a dispatcher, or handed to its own run); returns how many were queued.
 */
export async function dispatched(stack: EventStack, published: PublishedEvent): Promise<number> {
  if (published.workflowId) await stack.temporal().client.workflow.getHandle(published.workflowId).result();
  const { tenant, eventId } = published;
  await until(
    async () => ((await queued(stack.registry(), tenant, eventId)) === 0 ? true : undefined),
    'the outbox',
    60_000,
  );
  return published.deliveries;
}

/**
 * Waits until a delivery is settled in the log (delivered, failed or skipped), its run too when it has one, and returns
 * it with its attempts. `id`: `<webhook id>/<event id>`, or a resend's own.
 */
export async function settled(
  stack: EventStack,
  tenant: string,
  id: string,
  timeoutMs = 60_000,
): Promise<DeliveryDetail> {
  await until(
    async () => {
      const d = await stack.registry().deliveries.get(tenantScope(tenant), id);
      return d && !['pending', 'scheduled'].includes(d.delivery.state) ? d : undefined;
    },
    `delivery ${id} to settle`,
    timeoutMs,
  );
  await ended(stack.temporal().client.workflow.getHandle(id).result()).catch(() => undefined);
  return (await stack.registry().deliveries.get(tenantScope(tenant), id))!;
}

/** The deliveries of an event still in the outbox: not yet settled, nor handed to a run. */
export async function queued(registry: Registry, tenant: string, eventId: string): Promise<number> {
  const [row] = await registry.db.query<{ n: number }>(
    'select count(*)::int as n from delivery_outbox where tenant = $1 and event_id = $2',
    [tenant, eventId],
  );
  return row.n;
}

async function ended(result: Promise<unknown>): Promise<{ found: boolean; result?: unknown }> {
  try {
    return { found: true, result: await result };
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return { found: false };
    throw err;
  }
}

async function fromLog(registry: Registry, tenant: string, id: string): Promise<unknown> {
  const detail = await registry.deliveries.get(tenantScope(tenant), id);
  if (!detail) throw new Error(`delivery ${id} is not in the log`);
  const { delivery, attempts } = detail;
  if (delivery.state === 'delivered') return { status: delivery.lastStatus, attempt: delivery.attempts };
  if (delivery.state === 'skipped') return { state: 'skipped' };
  const last = attempts.at(-1);
  throw new Error(`delivery ${id} ${delivery.state}: ${last?.failureType}: ${last?.message}`);
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
