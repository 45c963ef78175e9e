// Client helpers: validate before starting anything, start by workflow type, and type the result from the step.
import { randomUUID } from 'node:crypto';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { DEFAULT_TASK_QUEUE } from './worker';
import { StepSchema, formatIssues, type DeclaredBody, type SendWebhookResult, type StepInput } from './step';

export interface StartOptions {
  /** Defaults to hookstep-<uuid>. It also becomes the webhook-id unless the step sets idempotencyKey. */
  workflowId?: string;
  taskQueue?: string;
}

/** Thrown before anything is started when a definition is invalid; `issues` name the fields. */
export class InvalidInputError extends Error {
  constructor(
    readonly kind: 'step' | 'automation',
    readonly issues: string[],
  ) {
    super(`invalid ${kind}: ${issues.join('; ')}`);
    this.name = 'InvalidInputError';
  }
}

/** Throws InvalidInputError naming each bad field; nothing is started. */
export function validateStep(step: unknown): void {
  const parsed = StepSchema.safeParse(step);
  if (!parsed.success) throw new InvalidInputError('step', formatIssues(parsed.error, 'step'));
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
