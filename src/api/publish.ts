// Publishing an event: record it (its id is the idempotency key), then start its fan-out with the workflow ID
// `event/<id>` and mark it started. A publish whose start failed (Temporal unreachable) left the row unmarked, so the
// caller's retry starts the fan-out then; a marked row, or a fan-out that exists already, means a duplicate.
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { Registry } from '../../activities/registry';
import { fanOutStartOptions, type EventInput, type HookstepEvent, type PublishedEvent } from '../contract';

export function fanOutWorkflowId(eventId: string): string {
  return `event/${eventId}`;
}

export async function publishEvent(
  deps: { registry: Registry; client: Client; taskQueue: string },
  input: EventInput & { data: Record<string, unknown> },
): Promise<PublishedEvent> {
  const event: HookstepEvent = { ...input, occurredAt: input.occurredAt ?? new Date().toISOString() };
  const { fanOutStarted } = await deps.registry.events.insert(event);
  const workflowId = fanOutWorkflowId(event.id);
  if (fanOutStarted) return { eventId: event.id, workflowId, duplicate: true };
  try {
    await deps.client.workflow.start('eventFanOut', {
      taskQueue: deps.taskQueue,
      workflowId,
      args: [{ eventId: event.id, type: event.type }],
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      ...fanOutStartOptions({ eventType: event.type, eventId: event.id }),
    });
    await deps.registry.events.markFanOutStarted(event.id);
    return { eventId: event.id, workflowId, duplicate: false };
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    await deps.registry.events.markFanOutStarted(event.id);
    return { eventId: event.id, workflowId, duplicate: true };
  }
}
