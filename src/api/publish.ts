// Publishing an event (issue 23): one transaction records it under its tenant (its id is the idempotency key within
// the tenant), logs a delivery to each of its tenant's webhooks of its type and queues them in the outbox, where a
// worker's dispatcher makes their first attempts; no workflow run is started for them. When automations listen on the
// type, their fan-out starts after the commit, with the workflow ID `event/<tenant>/<id>`, and the event is marked
// started then: a publish whose start failed (Temporal unreachable) left it unmarked, so the caller's retry starts
// the fan-out (its deliveries were queued already, and are not queued twice); a marked event means a duplicate.
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { Registry } from '../registry';
import {
  DEFAULT_TENANT,
  fanOutStartOptions,
  type EventInput,
  type HookstepEvent,
  type PublishedEvent,
} from '../contract';

/** Event ids are a tenant's own: two stores' `ord-1` are two fan-outs. A tenant has no "/", so the ID reads back. */
export function fanOutWorkflowId(tenant: string, eventId: string): string {
  return `event/${tenant}/${eventId}`;
}

/**
 * Publishes an event for `input.tenant`, which the caller has decided: the API from the key's scope; a TypeScript
 * caller with a registry at hand acts as an operator, and an event naming no tenant is DEFAULT_TENANT's.
 */
export async function publishEvent(
  deps: { registry: Registry; client: Client; taskQueue: string },
  input: EventInput & { data: Record<string, unknown> },
): Promise<PublishedEvent> {
  const event: HookstepEvent = {
    ...input,
    tenant: input.tenant ?? DEFAULT_TENANT,
    occurredAt: input.occurredAt ?? new Date().toISOString(),
  };
  const { tenant } = event;
  const { duplicate, queued, automations } = await deps.registry.outbox.publish(event);
  const published = { eventId: event.id, tenant, deliveries: queued, duplicate };
  if (duplicate || !automations) return published;
  const workflowId = fanOutWorkflowId(tenant, event.id);
  try {
    await deps.client.workflow.start('eventFanOut', {
      taskQueue: deps.taskQueue,
      workflowId,
      args: [{ eventId: event.id, type: event.type, tenant, deliveriesQueued: true }],
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      ...fanOutStartOptions({ eventType: event.type, eventId: event.id, tenant }),
    });
    await deps.registry.events.markFanOutStarted(tenant, event.id);
    return { ...published, workflowId };
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    await deps.registry.events.markFanOutStarted(tenant, event.id);
    return { ...published, workflowId, duplicate: true };
  }
}
