// A stored automation's run writes how it ended into the automation run log (the registry's, which the fan-out wrote
// `running` when it started the run), so GET /v1/automations/{id}/runs answers without Temporal's history.
import {
  ApplicationFailure,
  CancellationScope,
  log,
  patched,
  proxyActivities,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import { FailureType, summarizeFailure } from '../src/contract/failures';
import type { AutomationRunOf } from '../src/contract/schemas/storedAutomation';

/** Runs recorded before the run log end without its activity, and replay as they ran. */
const RUN_LOG_PATCH = 'hookstep-automation-run-log';

/**
 * A regular activity, retried: the write is idempotent, and a registry down for a while should delay the row, not lose
 * it (the list would show the run `running` for good). A regular activity's retries wait on the server, show in the
 * Web UI as a pending activity with its last failure, and survive a worker restart. After a day the run ends anyway,
 * with its own outcome, and says so in the worker's log.
 */
const { recordAutomationRun } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '1 day',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

type Ending = Pick<
  Parameters<Activities['recordAutomationRun']>[0],
  'state' | 'failedStep' | 'failureType' | 'message'
>;

/** Runs the automation's body, then writes its end to the run log, success or failure, before the run ends. */
export async function withRunLog<T>(run: AutomationRunOf, trigger: unknown, body: () => Promise<T>): Promise<T> {
  let result: T;
  try {
    result = await body();
  } catch (err) {
    await record(run, trigger, failedEnding(err));
    throw err;
  }
  await record(run, trigger, { state: 'completed' });
  return result;
}

/** A failure's step and type: a StepFailed names the step and its own type in its details, others are the run's. */
function failedEnding(err: unknown): Ending {
  const { type, message } = summarizeFailure(err);
  if (err instanceof ApplicationFailure && err.type === FailureType.StepFailed) {
    const details = (err.details?.[0] ?? {}) as { step?: unknown; failureType?: unknown };
    return {
      state: 'failed',
      message: err.message,
      ...(typeof details.step === 'string' ? { failedStep: details.step } : {}),
      failureType: typeof details.failureType === 'string' ? details.failureType : type,
    };
  }
  return { state: 'failed', failureType: type, message };
}

async function record(run: AutomationRunOf, trigger: unknown, ending: Ending): Promise<void> {
  if (!patched(RUN_LOG_PATCH)) return;
  // The event names the tenant and type, for a run the fan-out did not log (started before the run log).
  const event = (trigger ?? {}) as { tenant?: unknown; type?: unknown };
  const end = {
    ...ending,
    automationId: run.automationId,
    eventId: run.eventId,
    version: run.version,
    startedAt: workflowInfo().runStartTime.toISOString(),
    endedAt: new Date().toISOString(),
    ...(typeof event.tenant === 'string' ? { tenant: event.tenant } : {}),
    ...(typeof event.type === 'string' ? { eventType: event.type } : {}),
  };
  try {
    // Also when the run was cancelled: its end is still written.
    await CancellationScope.nonCancellable(() => recordAutomationRun(end));
  } catch (err) {
    log.warn('the automation run log could not be written; the run ends with its own outcome', {
      runId: `${run.automationId}/${run.eventId}`,
      error: (err as Error).message,
    });
  }
}
