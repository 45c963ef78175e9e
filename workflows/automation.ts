// An automation: steps in order, each sendWebhook step a child workflow of its own (so it is its own run in the
// Web UI), templates resolved here from the trigger and earlier outputs, delays as durable timers.
import {
  ActivityFailure,
  ApplicationFailure,
  ChildWorkflowFailure,
  executeChild,
  patched,
  proxyLocalActivities,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import { MAX_ID_LENGTH } from '../src/contract/defaults';
import { toMs } from '../src/contract/duration';
import { TemplateResolutionError } from '../src/contract/errors';
import { FailureType, deliveryFacts, summarizeFailure } from '../src/contract/failures';
import { stepStartOptions } from '../src/contract/inspect';
import type { AutomationResult } from '../src/contract/messages';
import { resolveStep } from '../src/contract/render';
import type { Automation, AutomationInput, SendWebhookAction } from '../src/contract/schemas/automation';
import type { AutomationRunOf } from '../src/contract/schemas/storedAutomation';
import { withOutcome } from './inspect';
import { Progress } from './progress';
import { withRunLog } from './runLog';
import { sendWebhook } from './sendWebhook';
import { Sizes, checksLimits, outputsTooLarge } from './sizes';
import { failVisibly } from './visible';

/**
 * `run`: given when an event starts a stored automation (eventFanOut), naming the automation, the version of its steps
 * (the steps themselves are `input`, so a later change cannot reach this run) and the event; the result repeats the
 * version. Runs started by name pass only `input`.
 */
export async function automation(input: AutomationInput, run?: AutomationRunOf): Promise<AutomationResult> {
  const body = () =>
    withOutcome(
      async () => ({ ...(await runSteps(input)), ...(run ? { version: run.version } : {}) }),
      () => ({}),
      () => ({ automationId: (input as { id?: unknown } | null)?.id as string | undefined }),
    );
  // A stored automation's run ends its row in the run log (GET /v1/automations/{id}/runs); one run by name has none.
  return run ? withRunLog(run, (input as { trigger?: unknown } | null)?.trigger, body) : body();
}

async function runSteps(input: AutomationInput): Promise<AutomationResult> {
  return failVisibly(FailureType.InvalidAutomation, 'automation', async () => {
    // Decided before the first command (the validation's local activity), so a replay meets the marker first.
    const sizes = new Sizes(checksLimits());
    const definition = await parseAutomation(input);
    const progress = new Progress(definition);
    for (const [i, step] of definition.steps.entries()) {
      if (step.type === 'delay') {
        await progress.wait(i, toMs(step.for), `delay step "${step.id}" (steps[${i}])`);
        progress.succeeded(i);
        continue;
      }
      const failure = await sendStep(definition, progress, sizes, i, step);
      if (failure && step.onFailure === 'stop') {
        progress.skipAfter(i);
        const { error } = progress.outputs[step.id] as { error: { type: string; message: string } };
        throw ApplicationFailure.create({
          type: FailureType.StepFailed,
          message: `automation ${definition.id} stopped: step "${step.id}" (steps[${i}]) failed with ${error.type}: ${error.message}`,
          nonRetryable: true,
          // For a stored automation's run log (workflows/runLog.ts): which step, failed how.
          details: [{ step: step.id, index: i, failureType: error.type }],
          cause: failure,
        });
      }
    }
    return { steps: progress.outputs };
  });
}

const { checkAutomation } = proxyLocalActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { maximumAttempts: 3 },
});

/**
 * Validated by a local activity, outside the sandbox; an invalid definition fails the run at once with
 * InvalidAutomation listing every issue, the failure of the run itself.
 */
async function parseAutomation(input: AutomationInput): Promise<Automation> {
  try {
    return await checkAutomation(input);
  } catch (err) {
    if (err instanceof ActivityFailure && err.cause instanceof ApplicationFailure) {
      if (err.cause.type === FailureType.InvalidAutomation) throw err.cause;
    }
    throw err;
  }
}

/** Runs one sendWebhook step as a child workflow; returns its failure, already recorded, when it failed. */
async function sendStep(
  definition: Automation,
  progress: Progress,
  sizes: Sizes,
  i: number,
  step: SendWebhookAction,
): Promise<ApplicationFailure | ChildWorkflowFailure | undefined> {
  if (step.with.delay) {
    await progress.wait(i, toMs(step.with.delay), `delay before step "${step.id}" (steps[${i}])`);
  }
  const info = workflowInfo();
  const workflowId = `${parentIdFits(info.workflowId, step.id) ? info.workflowId : info.runId}/${step.id}`;
  progress.running(i, workflowId);
  try {
    const { delay: _waited, ...stepInput } = resolveStep(step, {
      trigger: definition.trigger,
      steps: progress.outputs,
    });
    sizes.render(stepInput, step.id, i);
    const result = await executeChild(sendWebhook, {
      workflowId,
      taskQueue: info.taskQueue,
      args: [stepInput],
      // The step's own run is findable by host, method and automation, and reads `POST host/path` in the list.
      ...stepStartOptions(stepInput, { automationId: definition.id }),
    });
    const output = { status: result.status, body: result.body, attempts: result.attempts };
    const tooLarge = sizes.output(step.id, output, outputsTooLarge(definition, i, workflowId, result.status));
    if (tooLarge) {
      progress.succeeded(i);
      progress.skipAfter(i);
      throw tooLarge;
    }
    progress.succeeded(i, output);
    return undefined;
  } catch (err) {
    if (err instanceof ApplicationFailure && err.type === FailureType.ResultTooLarge) throw err;
    const failure = stepFailure(err, step.id);
    const { type, message, details } = summarizeFailure(failure);
    const { status, attempt } = deliveryFacts(details);
    const error = { type, message, ...(status !== undefined ? { status } : {}) };
    progress.failed(i, error, attempt);
    const tooLarge = sizes.output(step.id, { error }, outputsTooLarge(definition, i, workflowId, status));
    if (!tooLarge) return failure;
    progress.skipAfter(i);
    throw tooLarge;
  }
}

/** Runs recorded before child IDs were fitted to MAX_ID_LENGTH (commit b9f69d8) keep the rule they started with. */
const CHILD_ID_FITS_PATCH = 'child-id-fits-max-id-length';
/** The rule before b9f69d8: a parent ID over 900 characters gave way to the run ID. */
const PARENT_ID_CHARS_BEFORE = 900;

/**
 * Whether the child's ID starts with the parent's: the server refuses IDs over MAX_ID_LENGTH, so a parent ID too
 * long for the child's gives way to the run ID. Only where the old rule decided otherwise is `patched` asked, so a
 * run that started under it replays its recorded child IDs, and others record no marker.
 */
function parentIdFits(parentId: string, stepId: string): boolean {
  const fits = parentId.length + 1 + stepId.length <= MAX_ID_LENGTH;
  const fitsBefore = parentId.length <= PARENT_ID_CHARS_BEFORE;
  return fits === fitsBefore || patched(CHILD_ID_FITS_PATCH) ? fits : fitsBefore;
}

/** A template that could not resolve fails its step (nothing is sent); a failed child keeps its own chain. */
function stepFailure(err: unknown, stepId: string): ApplicationFailure | ChildWorkflowFailure {
  if (err instanceof ChildWorkflowFailure) return err;
  if (err instanceof ApplicationFailure && err.type === FailureType.InputTooLarge) return err;
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
