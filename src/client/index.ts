// Client helpers: validate before starting anything, start by workflow type, and type the result from the step.
// Loads @temporalio/client only, never the worker: an automation platform that starts steps needs no more.
import { randomUUID } from 'node:crypto';
import type { Client, WorkflowHandle } from '@temporalio/client';
import {
  DEFAULT_TASK_QUEUE,
  InvalidInputError,
  automationStartOptions,
  checkStep,
  stepStartOptions,
  validateAutomation,
  type Automation,
  type AutomationInput,
  type AutomationResult,
  type DeclaredBody,
  type SendWebhookResult,
  type StepInput,
} from '../contract';

export interface StartOptions {
  /** Defaults to hookstep-<uuid>. It also becomes the webhook-id unless the step sets idempotencyKey. */
  workflowId?: string;
  taskQueue?: string;
}

/** Throws InvalidInputError naming each bad field; nothing is started. */
export function validateStep(step: unknown): void {
  const check = checkStep(step);
  if (!check.ok) throw new InvalidInputError('step', check.issues);
}

type ResultOf<S> = SendWebhookResult<DeclaredBody<S extends { response?: { fields?: infer F } } ? F : undefined>>;
type SendWebhookWorkflow<S> = (step: StepInput) => Promise<ResultOf<S>>;

export async function startSendWebhook<const S extends StepInput>(
  client: Client,
  step: S,
  options: StartOptions = {},
): Promise<WorkflowHandle<SendWebhookWorkflow<S>>> {
  validateStep(step);
  return client.workflow.start<SendWebhookWorkflow<S>>('sendWebhook', {
    taskQueue: options.taskQueue ?? DEFAULT_TASK_QUEUE,
    workflowId: options.workflowId ?? `hookstep-${randomUUID()}`,
    // The caller's input is sent as written; the workflow applies defaults itself, as it does for other SDKs.
    args: [step],
    // `POST api.example.com/hooks` in the list, and findable by host and method from the start.
    ...stepStartOptions(step),
  });
}

/** Starts the step and waits for its result; a failed delivery rejects with WorkflowFailedError. */
export async function sendWebhook<const S extends StepInput>(
  client: Client,
  step: S,
  options: StartOptions = {},
): Promise<ResultOf<S>> {
  const handle = await startSendWebhook(client, step, options);
  return handle.result();
}

/** Throws InvalidInputError listing every problem (step index, field, template); nothing is started. */
export function checkAutomation(definition: unknown): Automation {
  const validation = validateAutomation(definition);
  if (!validation.ok) throw new InvalidInputError('automation', validation.issues);
  return validation.automation;
}

type AutomationWorkflow = (definition: AutomationInput) => Promise<AutomationResult>;

/** Starts an automation after validating all of it. The workflow ID defaults to automation-<id>-<uuid>. */
export async function startAutomation(
  client: Client,
  definition: AutomationInput,
  options: StartOptions = {},
): Promise<WorkflowHandle<AutomationWorkflow>> {
  const automation = checkAutomation(definition);
  return client.workflow.start<AutomationWorkflow>('automation', {
    taskQueue: options.taskQueue ?? DEFAULT_TASK_QUEUE,
    workflowId: options.workflowId ?? `automation-${automation.id}-${randomUUID()}`,
    args: [definition],
    ...automationStartOptions(automation),
  });
}

/** Starts an automation and waits for its outputs; a stopped automation rejects with WorkflowFailedError. */
export async function runAutomation(
  client: Client,
  definition: AutomationInput,
  options: StartOptions = {},
): Promise<AutomationResult> {
  return (await startAutomation(client, definition, options)).result();
}
