// One claimed batch of the outbox (dispatcher.ts): its webhooks, secrets and events read once, then per webhook the
// deliveries that cannot be sent now handed on (skipped, delayed, retried in a run), slots taken for the rest in one
// transaction, and their first attempts made at once. Each delivery leaves the outbox only once what follows it is
// durable: logged settled, or its run started.
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { subscriberOf } from '../../activities/events';
import { logSkip } from '../../activities/deliveryLog';
import { firstAttempt, type FirstAttemptDeps } from '../../activities/firstAttempt';
import { LEASE_MARGIN_MS } from '../../activities/fairness';
import { deliveryStartOptions, tenantScope, toMs, type HookstepEvent, type Webhook } from '../contract';
import type { OutboxEntry, Registry } from '../registry';
import type { EventDeliveryInput } from '../../workflows/eventDelivery';

export interface BatchDeps extends Omit<FirstAttemptDeps, 'registry'> {
  registry: Registry;
  client: Client;
  taskQueue: string;
}

/** A webhook's deliveries in the batch, with what they are sent with. */
interface Group {
  webhook: Webhook | undefined;
  secrets: string[];
  entries: OutboxEntry[];
  events: Map<string, HookstepEvent>;
}

/** A claim that found its webhook full after all (another worker took the slots) is due again this much later. */
const FULL_WAIT_MS = 250;
/** A run that could not be started (Temporal unreachable) is tried again this much later. */
const START_FAILED_WAIT_MS = 2_000;

/**
 * Dispatches `entries`; calls `ended` once per entry as it leaves this worker's hands, with `dueInMs` for one given
 * back to the outbox to be claimed again that much later (its webhook had no slot for it yet).
 */
export async function dispatchBatch(
  deps: BatchDeps,
  entries: OutboxEntry[],
  ended: (dueInMs?: number) => void,
): Promise<void> {
  let groups: Group[];
  try {
    groups = await load(deps.registry, entries);
    // The claims' short lease, extended (with their slots) before any request goes out, to cover the attempt and what
    // follows it. When it cannot be, nothing is sent: the claims expire, and the deliveries are claimed again.
    await deps.registry.outbox.extend(
      groups.flatMap(({ webhook, entries: mine }) =>
        webhook ? mine.map((e) => ({ ...e, ms: toMs(webhook.timeout) + LEASE_MARGIN_MS })) : [],
      ),
    );
  } catch (err) {
    entries.forEach(() => ended());
    throw err;
  }
  await Promise.all(groups.map((g) => dispatchGroup(deps, g, ended)));
}

async function load(registry: Registry, entries: OutboxEntry[]): Promise<Group[]> {
  const byTenant = new Map<string, OutboxEntry[]>();
  for (const e of entries) byTenant.set(e.tenant, [...(byTenant.get(e.tenant) ?? []), e]);
  const perTenant = await Promise.all(
    [...byTenant].map(async ([tenant, mine]) => {
      const [events, webhooks] = await Promise.all([
        registry.events.getMany(
          tenant,
          mine.map((e) => e.eventId),
        ),
        registry.webhooks.withSecrets(tenantScope(tenant), [...new Set(mine.map((e) => e.webhookId))]),
      ]);
      const byWebhook = new Map<string, OutboxEntry[]>();
      for (const e of mine) byWebhook.set(e.webhookId, [...(byWebhook.get(e.webhookId) ?? []), e]);
      return [...byWebhook].map(([id, group]): Group => {
        const found = webhooks.get(id);
        return { webhook: found?.webhook, secrets: found?.secrets ?? [], entries: group, events };
      });
    }),
  );
  return perTenant.flat();
}

async function dispatchGroup(deps: BatchDeps, group: Group, ended: (dueInMs?: number) => void): Promise<void> {
  const { webhook, entries, events } = group;
  // A slot taken with the claim for a delivery that does not send now (its webhook changed since) is given back.
  const unslot = (e: OutboxEntry) => (e.slotted ? deps.registry.leases.release(e.webhookId, e.deliveryId) : undefined);
  const settle = (entry: OutboxEntry, work: () => Promise<void>) => guarded(deps, entry, work).finally(() => ended());
  if (!webhook || !webhook.active || webhook.disabledAt) {
    await Promise.all(
      entries.map((e) =>
        settle(e, async () => {
          await unslot(e);
          await skip(deps, e, events.get(e.eventId)?.type);
        }),
      ),
    );
    return;
  }
  // Those a run takes from here: a delay to wait, attempts 2 on after a crash, or an event gone (the run fails it).
  const toRun = entries.filter((e) => e.firstWaitMs !== undefined || webhook.delay || !events.has(e.eventId));
  const handed = toRun.map((e) =>
    settle(e, async () => {
      await unslot(e);
      await handOver(deps, e, webhook, events.get(e.eventId)?.type ?? '', e.firstWaitMs);
    }),
  );
  const toSend = entries.filter((e) => !toRun.includes(e));
  const { granted, waitMs } = await pacedSlots(
    deps.registry,
    webhook,
    toSend.filter((e) => !e.slotted),
  );
  const sent = toSend.map((e) =>
    e.slotted || granted.has(e.deliveryId)
      ? settle(e, () => send(deps, e, webhook, group.secrets, events.get(e.eventId)!))
      : guarded(deps, e, () => deps.registry.outbox.defer(e.deliveryId, waitMs)).finally(() => ended(waitMs)),
  );
  await Promise.all([...handed, ...sent]);
}

/**
 * Slots for deliveries claimed without one (a webhook under a rate): one by one, until one is refused; and how long
 * the others wait before they are claimed again: what the refused slot said (its next spacing, so the rate is kept
 * without waiting longer), else FULL_WAIT_MS.
 */
async function pacedSlots(
  registry: Registry,
  webhook: Webhook,
  entries: OutboxEntry[],
): Promise<{ granted: Set<string>; waitMs: number }> {
  const granted = new Set<string>();
  const leaseMs = toMs(webhook.timeout) + LEASE_MARGIN_MS;
  const { maxInFlight, ratePerSecond } = webhook;
  for (const { deliveryId: holder } of entries) {
    const slot = await registry.leases.acquire({ webhookId: webhook.id, holder, maxInFlight, ratePerSecond, leaseMs });
    if (!slot.granted) return { granted, waitMs: slot.waitMs };
    granted.add(holder);
  }
  return { granted, waitMs: FULL_WAIT_MS };
}

async function send(deps: BatchDeps, entry: OutboxEntry, webhook: Webhook, secrets: string[], event: HookstepEvent) {
  let outcome;
  try {
    outcome = await firstAttempt(deps, { entry, webhook, secrets, event });
  } catch (err) {
    await deps.registry.leases.release(webhook.id, entry.deliveryId).catch(() => undefined);
    throw err;
  }
  // Logged, slot freed (the webhook's next parked delivery goes), and out of the outbox or marked for its run, in one
  // statement. A retry's mark comes before its run starts: a claim after a crash starts the run, never attempt 1 again.
  if (!('retry' in outcome)) return deps.registry.outbox.settleFirst(outcome.attempt, 'done');
  await deps.registry.outbox.settleFirst(outcome.attempt, { waitMs: outcome.waitMs });
  await handOver(deps, entry, webhook, event.type, outcome.waitMs);
}

/** Starts the delivery's own run (refused by its ID when it exists: then it was started before), then leaves. */
async function handOver(deps: BatchDeps, entry: OutboxEntry, webhook: Webhook, eventType: string, waitMs?: number) {
  const input: EventDeliveryInput = {
    ...subscriberOf(webhook),
    eventId: entry.eventId,
    type: eventType,
    tenant: entry.tenant,
    ...(waitMs === undefined ? {} : { afterFirst: { waitMs } }),
  };
  const facts = { url: webhook.url, method: 'POST', eventType, webhookId: webhook.id, tenant: entry.tenant };
  try {
    await deps.client.workflow.start('eventDelivery', {
      taskQueue: deps.taskQueue,
      workflowId: entry.deliveryId,
      args: [input],
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      ...deliveryStartOptions(facts),
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) {
      deps.warn('could not start a delivery run; tried again', { deliveryId: entry.deliveryId, error: String(err) });
      return deps.registry.outbox.defer(entry.deliveryId, START_FAILED_WAIT_MS);
    }
  }
  await deps.registry.outbox.done(entry.deliveryId);
}

async function skip(deps: BatchDeps, entry: OutboxEntry, eventType: string | undefined): Promise<void> {
  await logSkip(deps.registry.deliveries, { ...entry, eventType });
  await deps.registry.outbox.done(entry.deliveryId);
}

/**
 * A delivery whose handling threw (the registry failing mid-way) goes again shortly, under the same webhook-id; when
 * even that cannot be recorded, once its claim expires.
 */
async function guarded(deps: BatchDeps, entry: OutboxEntry, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (err) {
    deps.warn('a delivery failed in the dispatcher; it goes again', {
      deliveryId: entry.deliveryId,
      error: (err as Error).message,
    });
    await deps.registry.outbox.defer(entry.deliveryId, START_FAILED_WAIT_MS).catch(() => undefined);
  }
}
