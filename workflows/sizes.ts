// What an automation stores, measured as it goes: each rendered step is recorded in its history and its outputs
// become its result, so each has a budget under Temporal's limits (src/contract/temporalLimits.ts), checked before the
// child starts or the result is written. Over it, a failure with its own type, not a run TERMINATED by the server.
import { ApplicationFailure, patched } from '@temporalio/workflow';
import { FailureType } from '../src/contract/failures';
import { STEP_LIMITS } from '../src/contract/limits';
import type { Automation } from '../src/contract/schemas/automation';
import type { StepInput } from '../src/contract/schemas/step';
import type { StepOutput } from '../src/contract/templates';
import { MAX_AUTOMATION_OUTPUTS_BYTES, MAX_AUTOMATION_RENDERED_BYTES, jsonBytes } from '../src/contract/temporalLimits';

/** Runs started before these checks replay as they ran: the checks change which commands a run issues. */
const LIMITS_PATCH = 'hookstep-temporal-limits';

/**
 * Whether this run checks its sizes: true for runs started with the checks. Call it once, first thing: `patched`
 * remembers no `false`, and its marker must come before any other command (after a local activity's, a replay on a
 * fresh worker may meet it before the call and fail nondeterministically).
 */
export function checksLimits(): boolean {
  return patched(LIMITS_PATCH);
}

/**
 * What the automation stores, measured as it goes (src/contract/temporalLimits.ts): each rendered step is recorded in
 * its history, and its outputs become its result, so each has a budget under Temporal's limits, checked before the
 * child starts or the result is written. Over it, a visible failure rather than a run TERMINATED by the server.
 */
export class Sizes {
  /** `{"steps":{}}`: the result around the outputs. */
  private outputs = 12;
  private rendered = 0;

  /** `enabled`: checksLimits() of this run; a run started before the checks counts nothing. */
  constructor(private readonly enabled: boolean) {}

  /** Counts a rendered step; throws InputTooLarge (the step fails, nothing sent) when it, or all so far, is over. */
  render(stepInput: StepInput, stepId: string, i: number): void {
    if (!this.enabled) return;
    const bytes = jsonBytes(stepInput);
    const where = `step "${stepId}" (steps[${i}])`;
    if (bytes > STEP_LIMITS.maxBytes) {
      throw inputTooLarge(
        `${where} is ${bytes} bytes once its templates are filled and encoded as JSON, over the ${STEP_LIMITS.maxBytes} a step may be; nothing was sent`,
        { step: stepId, index: i, stepBytes: bytes, limitBytes: STEP_LIMITS.maxBytes },
      );
    }
    if (this.rendered + bytes > MAX_AUTOMATION_RENDERED_BYTES) {
      throw inputTooLarge(
        `${where} is ${bytes} bytes once its templates are filled, which would take the automation's rendered steps to ` +
          `${this.rendered + bytes} bytes, over the ${MAX_AUTOMATION_RENDERED_BYTES} its history may hold; nothing was sent`,
        {
          step: stepId,
          index: i,
          stepBytes: bytes,
          totalBytes: this.rendered + bytes,
          limitBytes: MAX_AUTOMATION_RENDERED_BYTES,
        },
      );
    }
    this.rendered += bytes;
  }

  /** Counts a step's output; returns the automation's ResultTooLarge failure when the outputs would go over. */
  output(
    stepId: string,
    output: StepOutput,
    failure: (sizes: { stepBytes: number; totalBytes: number }) => ApplicationFailure,
  ): ApplicationFailure | undefined {
    if (!this.enabled) return undefined;
    // "id":output, and a comma.
    const stepBytes = jsonBytes(stepId) + 1 + jsonBytes(output) + 1;
    if (this.outputs + stepBytes > MAX_AUTOMATION_OUTPUTS_BYTES) {
      return failure({ stepBytes, totalBytes: this.outputs + stepBytes });
    }
    this.outputs += stepBytes;
    return undefined;
  }
}

function inputTooLarge(message: string, details: Record<string, unknown>): ApplicationFailure {
  return ApplicationFailure.create({
    type: FailureType.InputTooLarge,
    message,
    nonRetryable: true,
    details: [details],
  });
}

/** The automation's own failure: it names the step whose output would not fit, both sizes and where the reply is. */
export function outputsTooLarge(
  definition: Automation,
  i: number,
  workflowId: string,
  status: number | undefined,
): (sizes: { stepBytes: number; totalBytes: number }) => ApplicationFailure {
  return ({ stepBytes, totalBytes }) => {
    const step = definition.steps[i];
    const answered = status === undefined ? 'ended' : `was answered HTTP ${status}`;
    return ApplicationFailure.create({
      type: FailureType.ResultTooLarge,
      message:
        `automation ${definition.id} stopped: step "${step.id}" (steps[${i}]) ${answered}, and its output of ` +
        `${stepBytes} bytes would take the automation's outputs to ${totalBytes} bytes once encoded as JSON, over the ` +
        `${MAX_AUTOMATION_OUTPUTS_BYTES} an automation's result may hold. The step's own run ${workflowId} keeps its ` +
        `result; declare with.response.fields to keep only the fields later steps need`,
      nonRetryable: true,
      details: [
        {
          step: step.id,
          index: i,
          workflowId,
          ...(status !== undefined ? { status } : {}),
          stepBytes,
          totalBytes,
          limitBytes: MAX_AUTOMATION_OUTPUTS_BYTES,
        },
      ],
    });
  };
}
