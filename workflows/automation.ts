// An automation: steps in order, each sendWebhook step a child workflow of its own (so it is its own run in the
// Web UI), templates resolved here from the trigger and earlier outputs, delays as durable timers.
import { ApplicationFailure, ChildWorkflowFailure, executeChild, workflowInfo } from '@temporalio/workflow';
import {
  FailureType,
  MAX_ID_LENGTH,
  TemplateResolutionError,
  deliveryFacts,
  resolveStep,
  summarizeFailure,
  toMs,
  validateAutomation,
  type Automation,
  type AutomationInput,
  type AutomationResult,
  type SendWebhookAction,
} from '../src/contract';
import { Progress } from './progress';
import { sendWebhook } from './sendWebhook';
import { failVisibly } from './visible';

export async function automation(input: AutomationInput): Promise<AutomationResult> {
  return failVisibly(FailureType.InvalidAutomation, 'automation', async () => {
    const definition = parseAutomation(input);
    const progress = new Progress(definition);
    for (const [i, step] of definition.steps.entries()) {
      if (step.type === 'delay') {
        await progress.wait(i, toMs(step.for), `delay step "${step.id}" (steps[${i}])`);
        progress.succeeded(i);
        continue;
      }
      const failure = await sendStep(definition, progress, i, step);
      if (failure && step.onFailure === 'stop') {
        progress.skipAfter(i);
        const { error } = progress.outputs[step.id] as { error: { type: string; message: string } };
        throw ApplicationFailure.create({
          type: FailureType.StepFailed,
          message: `automation ${definition.id} stopped: step "${step.id}" (steps[${i}]) failed with ${error.type}: ${error.message}`,
          nonRetryable: true,
          cause: failure,
        });
      }
    }
    return { steps: progress.outputs };
  });
}

/** Validates at the workflow boundary; an invalid definition fails the run at once, listing every issue. */
function parseAutomation(input: unknown): Automation {
  const validation = validateAutomation(input);
  if (validation.ok) return validation.automation;
  throw ApplicationFailure.create({
    type: FailureType.InvalidAutomation,
    message: `invalid automation: ${validation.issues.join('; ')}`,
    nonRetryable: true,
    details: [{ issues: validation.issues }],
  });
}

/** Runs one sendWebhook step as a child workflow; returns its failure, already recorded, when it failed. */
async function sendStep(
  definition: Automation,
  progress: Progress,
  i: number,
  step: SendWebhookAction,
): Promise<ApplicationFailure | ChildWorkflowFailure | undefined> {
  if (step.with.delay) {
    await progress.wait(i, toMs(step.with.delay), `delay before step "${step.id}" (steps[${i}])`);
  }
  const info = workflowInfo();
  // The server refuses IDs over MAX_ID_LENGTH; a parent ID too long for the child's gives way to the run ID.
  const fits = info.workflowId.length + 1 + step.id.length <= MAX_ID_LENGTH;
  const workflowId = `${fits ? info.workflowId : info.runId}/${step.id}`;
  progress.running(i, workflowId);
  try {
    const { delay: _waited, ...stepInput } = resolveStep(step, {
      trigger: definition.trigger,
      steps: progress.outputs,
    });
    const result = await executeChild(sendWebhook, { workflowId, taskQueue: info.taskQueue, args: [stepInput] });
    progress.succeeded(i, { status: result.status, body: result.body, attempts: result.attempts });
    return undefined;
  } catch (err) {
    const failure = stepFailure(err, step.id);
    const { type, message, details } = summarizeFailure(failure);
    const { status, attempt } = deliveryFacts(details);
    progress.failed(i, { type, message, ...(status !== undefined ? { status } : {}) }, attempt);
    return failure;
  }
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
