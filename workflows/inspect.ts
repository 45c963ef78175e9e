// The workflow side of what an operator sees: each hookstep run upserts its outcome (final HTTP status, failure type,
// attempts) as search attributes in its last workflow task, one command beside the result. A run started by name,
// without hookstep's start attributes, also gets its host and method then (never mid-run, which would cost a task).
import { ApplicationFailure, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { deliveryFacts, summarizeFailure } from '../src/contract/failures';
import {
  outcomeSearchAttributes,
  startSearchAttributes,
  type RunOutcome,
  type StartFacts,
} from '../src/contract/inspect';
import { HookstepAutomationId, HookstepHost } from '../src/contract/searchAttributes';

/**
 * The outcome a run's own failure tells: its type (a step's is the delivery's, an automation's StepFailed), and the
 * status and attempt its own details carry (a step's delivery details; an automation has none).
 */
export function outcomeOfFailure(err: ApplicationFailure): RunOutcome {
  const { status, attempt } = deliveryFacts(err.details?.[0]);
  return { failureType: err.type ?? summarizeFailure(err).type, status, attempts: attempt };
}

/**
 * Upserts the run's outcome, plus whatever start facts the run was not started with (a run started by name from
 * another SDK). Call it once, as the run ends.
 */
export function recordOutcome(outcome: RunOutcome, facts: StartFacts = {}): void {
  const has = workflowInfo().typedSearchAttributes;
  const missing: StartFacts = {
    ...(has.get(HookstepHost) === undefined ? { url: facts.url, method: facts.method } : {}),
    ...(has.get(HookstepAutomationId) === undefined ? { automationId: facts.automationId } : {}),
  };
  const pairs = [...startSearchAttributes(missing), ...outcomeSearchAttributes(outcome)];
  if (pairs.length) upsertSearchAttributes(pairs);
}

/**
 * Runs a workflow's body and records its outcome at the end, success or failure: `ok` says what a result means, a
 * failure is read by outcomeOfFailure. Cancellation and other non-application failures record nothing.
 */
export async function withOutcome<T>(
  run: () => Promise<T>,
  ok: (result: T) => RunOutcome,
  facts: () => StartFacts = () => ({}),
): Promise<T> {
  let result: T;
  try {
    result = await run();
  } catch (err) {
    if (err instanceof ApplicationFailure) recordOutcome(outcomeOfFailure(err), facts());
    throw err;
  }
  recordOutcome(ok(result), facts());
  return result;
}
