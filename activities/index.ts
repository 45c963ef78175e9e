// The worker's activities, made from their dependencies (the shared HTTP agent) so each worker owns one pool.
import { Context } from '@temporalio/activity';
import type { Dispatcher } from 'undici';
import { stepAttemptSignal } from '../src/contract';
import { deliver, type DeliveryInput, type DeliveryResult } from './deliver';

export type { DeliveryInput, DeliveryResult } from './deliver';

/** Heartbeats while a request is in flight, so a dead worker is noticed within the heartbeat timeout. */
const HEARTBEAT_EVERY_MS = 1_000;

export interface ActivityDeps {
  agent: Dispatcher;
}

export function createActivities({ agent }: ActivityDeps) {
  return {
    async deliverWebhook(input: DeliveryInput): Promise<DeliveryResult> {
      const ctx = Context.current();
      if (ctx.info.attempt > 1 && input.parentWorkflowId) reportAttempt(ctx, input.parentWorkflowId);
      const beat = setInterval(() => ctx.heartbeat(), HEARTBEAT_EVERY_MS);
      try {
        return await deliver(input, { agent, attempt: ctx.info.attempt, signal: ctx.cancellationSignal });
      } finally {
        clearInterval(beat);
      }
    },
  };
}

/** Best effort: a progress display must never fail or delay a delivery. Only retries pay for it. */
function reportAttempt(ctx: Context, parentWorkflowId: string): void {
  const attempt = { workflowId: ctx.info.workflowExecution?.workflowId ?? '', attempt: ctx.info.attempt };
  ctx.client.workflow
    .getHandle(parentWorkflowId)
    .signal(stepAttemptSignal, attempt)
    .catch((err: unknown) => {
      ctx.log.warn('could not report the attempt to the automation', { error: String(err) });
    });
}

export type Activities = ReturnType<typeof createActivities>;
