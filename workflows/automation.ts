// An automation: steps in order, each sendWebhook step a child workflow of its own (so it is its own run in the
// Web UI), templates resolved here from the trigger and earlier outputs, delays as durable timers.
import {
  ApplicationFailure,
  ChildWorkflowFailure,
  defineQuery,
  defineSignal,
  executeChild,
  setHandler,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import { validateAutomation, resolveStep, type Automation, type AutomationInput } from '../src/automation';
import { toMs } from '../src/duration';
import { FailureType } from '../src/failures';
import { TemplateResolutionError, type StepOutput } from '../src/templates';
import { sendWebhook } from './sendWebhook';
import { failVisibly } from './visible';

/** The server refuses workflow IDs over 1,000 characters; a longer parent ID gives way to the run ID in the child's. */
const MAX_PARENT_ID_CHARS = 900;

export type StepState = 'pending' | 'waiting' | 'running' | 'succeeded' | 'failed' | 'skipped';

export interface StepProgress {
  id: string;
  type: 'sendWebhook' | 'delay';
  state: StepState;
  /** Attempts so far: updated as retries start, final when the step ends. */
  attempts: number;
  /** ISO time a waiting step's timer fires. */
  waitingUntil?: string;
  /** The child workflow that sends this step. */
  workflowId?: string;
}

export interface AutomationProgress {
  steps: StepProgress[];
  outputs: Record<string, StepOutput>;
}

export interface AutomationResult {
  steps: Record<string, StepOutput>;
}

/** Sent by the delivery activity of a child step when an attempt after the first starts. */
export interface StepAttempt {
  workflowId: string;
  attempt: number;
}

export const progressQuery = defineQuery<AutomationProgress>('progress');
export const stepAttemptSignal = defineSignal<[StepAttempt]>('stepAttempt');

export async function automation(input: AutomationInput): Promise<AutomationResult> {
  return failVisibly(FailureType.InvalidAutomation, 'automation', () => runAutomation(input));
}

async function runAutomation(input: AutomationInput): Promise<AutomationResult> {
  const validation = validateAutomation(input);
  if (!validation.ok) {
    throw ApplicationFailure.create({
      type: FailureType.InvalidAutomation,
      message: `invalid automation: ${validation.issues.join('; ')}`,
      nonRetryable: true,
      details: [{ issues: validation.issues }],
    });
  }
  const definition: Automation = validation.automation;
  const info = workflowInfo();
  const progress: StepProgress[] = definition.steps.map((s) => ({
    id: s.id,
    type: s.type,
    state: 'pending',
    attempts: 0,
  }));
  const outputs: Record<string, StepOutput> = {};
  setHandler(progressQuery, () => ({ steps: progress, outputs }));
  setHandler(stepAttemptSignal, ({ workflowId, attempt }) => {
    const step = progress.find((p) => p.workflowId === workflowId);
    if (step && step.state === 'running') step.attempts = Math.max(step.attempts, attempt);
  });

  const wait = async (p: StepProgress, ms: number, summary: string) => {
    p.state = 'waiting';
    p.waitingUntil = new Date(Date.now() + ms).toISOString();
    await sleep(ms, { summary });
    p.waitingUntil = undefined;
  };

  for (const [i, step] of definition.steps.entries()) {
    const p = progress[i];
    if (step.type === 'delay') {
      await wait(p, toMs(step.for), `delay step "${step.id}" (steps[${i}])`);
      p.state = 'succeeded';
      continue;
    }
    if (step.with.delay) await wait(p, toMs(step.with.delay), `delay before step "${step.id}" (steps[${i}])`);
    p.state = 'running';
    p.attempts = 1;
    p.workflowId = `${info.workflowId.length > MAX_PARENT_ID_CHARS ? info.runId : info.workflowId}/${step.id}`;
    try {
      const { delay: _waited, ...stepInput } = resolveStep(step, { trigger: definition.trigger, steps: outputs });
      const result = await executeChild(sendWebhook, {
        workflowId: p.workflowId,
        taskQueue: info.taskQueue,
        args: [stepInput],
      });
      outputs[step.id] = { status: result.status, body: result.body, attempts: result.attempts };
      p.attempts = result.attempts;
      p.state = 'succeeded';
    } catch (err) {
      const failure = stepFailure(err, step.id);
      const summary = summarize(failure);
      outputs[step.id] = { error: summary.error };
      if (summary.attempts !== undefined) p.attempts = summary.attempts;
      p.state = 'failed';
      if (step.onFailure === 'stop') {
        for (const later of progress.slice(i + 1)) later.state = 'skipped';
        throw ApplicationFailure.create({
          type: FailureType.StepFailed,
          message: `automation ${definition.id} stopped: step "${step.id}" (steps[${i}]) failed with ${summary.error.type}: ${summary.error.message}`,
          nonRetryable: true,
          cause: failure,
        });
      }
    }
  }
  return { steps: outputs };
}

/** A template that could not resolve fails its step (nothing is sent); a failed child keeps its own chain. */
function stepFailure(err: unknown, stepId: string): ApplicationFailure | ChildWorkflowFailure {
  if (err instanceof ChildWorkflowFailure) return err;
  if (err instanceof TemplateResolutionError) {
    return ApplicationFailure.create({
      type: FailureType.TemplateError,
      message: `step "${stepId}": ${err.message}; nothing was sent`,
      nonRetryable: true,
      details: [{ path: err.path }],
    });
  }
  throw err;
}

/** The innermost ApplicationFailure is the step's real failure (HttpClientError, TemplateError, ...). */
function summarize(failure: Error): {
  error: { type: string; message: string; status?: number };
  attempts?: number;
} {
  let inner: ApplicationFailure | undefined;
  for (let e: unknown = failure; e instanceof Error; e = e.cause) if (e instanceof ApplicationFailure) inner = e;
  if (!inner) return { error: { type: failure.name, message: failure.message } };
  const details = inner.details?.[0] as { status?: number; attempt?: number } | undefined;
  const error: { type: string; message: string; status?: number } = {
    type: inner.type ?? 'ApplicationFailure',
    message: inner.message,
  };
  if (typeof details?.status === 'number') error.status = details.status;
  return { error, attempts: details?.attempt };
}
