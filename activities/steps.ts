// The step's and the automation's activities. Steps arrive as their callers wrote them and are parsed here: the
// workflows never run a schema.
import { Context } from '@temporalio/activity';
import type { Dispatcher } from 'undici';
import { resolveRetry, stepAttemptSignal, toMs, type Automation, type StepInput } from '../src/contract';
import { deliver, type DeliveryResult } from './deliver';
import { withHeartbeats } from './heartbeat';
import { observeAttempt, observerOf, type AttemptLog } from './inspect';
import { parseAutomationOrFail, parseStepOrFail } from './validate';

export interface DeliveryCall {
  /** The step as its caller wrote it; parsed here, so bad input fails InvalidStep before anything is sent. */
  step: StepInput;
  /** webhook-id when the step sets no idempotencyKey: one per step run, the same on every attempt. */
  defaultWebhookId: string;
  /** The automation this step belongs to: told when a retry starts, so its progress shows the attempt. */
  parentWorkflowId?: string;
  /** Attempts made before this activity's own first: 1 when the first ran as a local activity. */
  attemptsBefore?: number;
}

export function createStepActivities(agent: Dispatcher, attemptLog: AttemptLog | undefined) {
  return {
    /** Before a step's delay: bad input fails now, not when the timer fires. */
    checkStep(input: unknown): Promise<{ delayMs: number }> {
      const step = parseStepOrFail(input);
      return Promise.resolve({ delayMs: step.delay === undefined ? 0 : toMs(step.delay) });
    },

    /** An automation with every default applied, or InvalidAutomation listing every issue. */
    checkAutomation(input: unknown): Promise<Automation> {
      return Promise.resolve(parseAutomationOrFail(input));
    },

    /** One attempt; the first runs as a local activity, the rest as a regular one under the step's retry policy. */
    async deliverWebhook(call: DeliveryCall): Promise<DeliveryResult> {
      const ctx = Context.current();
      const step = parseStepOrFail(call.step);
      const attempt = ctx.info.attempt + (call.attemptsBefore ?? 0);
      if (attempt > 1 && call.parentWorkflowId) reportAttempt(ctx, call.parentWorkflowId, attempt);
      const webhookId = step.idempotencyKey ?? call.defaultWebhookId;
      const facts = { url: step.url, method: step.method, attempt, maxAttempts: resolveRetry(step).maximumAttempts };
      return withHeartbeats(ctx, attempt, () =>
        observeAttempt(observerOf(ctx), facts, attemptLog, () =>
          deliver({ step, webhookId }, { agent, attempt, signal: ctx.cancellationSignal }),
        ),
      );
    },
  };
}

/** Best effort: a progress display must never fail or delay a delivery. Only retries pay for it. */
function reportAttempt(ctx: Context, parentWorkflowId: string, attempt: number): void {
  ctx.client.workflow
    .getHandle(parentWorkflowId)
    .signal(stepAttemptSignal, { workflowId: ctx.info.workflowExecution?.workflowId ?? '', attempt })
    .catch((err: unknown) => {
      ctx.log.warn('could not report the attempt to the automation', { error: String(err) });
    });
}
