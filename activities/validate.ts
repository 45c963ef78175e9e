// Validation where it is cheap: in the worker, outside the workflow sandbox (which carries no schema library). Bad
// input becomes a non-retryable InvalidStep or InvalidAutomation failure naming every field, before anything is sent.
import { ApplicationFailure } from '@temporalio/common';
import { FailureType, checkStep, validateAutomation, type Automation, type Step } from '../src/contract';

export function parseStepOrFail(input: unknown): Step {
  const check = checkStep(input);
  if (check.ok) return check.step;
  throw invalid(FailureType.InvalidStep, 'step', check.issues);
}

export function parseAutomationOrFail(input: unknown): Automation {
  const validation = validateAutomation(input);
  if (validation.ok) return validation.automation;
  throw invalid(FailureType.InvalidAutomation, 'automation', validation.issues);
}

function invalid(type: FailureType, kind: string, issues: string[]): ApplicationFailure {
  return ApplicationFailure.create({
    type,
    message: `invalid ${kind}: ${issues.join('; ')}`,
    nonRetryable: true,
    details: [{ issues }],
  });
}
