// Publishing an event: record it under its tenant (its id is the idempotency key within the tenant), then start its
// fan-out with the workflow ID `event/<tenant>/<id>` and mark it started. A publish whose start failed (Temporal
// unreachable) left the row unmarked, so the caller's retry starts the fan-out then; a marked row, or a fan-out that
// exists already, means a duplicate.
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
  const { fanOutStarted } = await deps.registry.events.insert(event);
  const workflowId = fanOutWorkflowId(tenant, event.id);
  const published = { eventId: event.id, tenant, workflowId };
  if (fanOutStarted) return { ...published, duplicate: true };
  try {
    await deps.client.workflow.start('eventFanOut', {
      taskQueue: deps.taskQueue,
      workflowId,
      args: [{ eventId: event.id, type: event.type, tenant }],
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      ...fanOutStartOptions({ eventType: event.type, eventId: event.id, tenant }),
    });
    await deps.registry.events.markFanOutStarted(tenant, event.id);
    return { ...published, duplicate: false };
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    await deps.registry.events.markFanOutStarted(tenant, event.id);
    return { ...published, duplicate: true };
  }
}
