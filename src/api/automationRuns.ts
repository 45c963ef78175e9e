// A stored automation's runs, read from Temporal visibility (runs of type `automation` whose HookstepAutomationId is
// the automation's; its steps' own runs carry the attribute too, and are left out). For now: the delivery log of the
// operate issue is their long-term home, which will answer without a history read per failed run.
import { WorkflowFailedError, type Client, type WorkflowExecutionInfo } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { AUTOMATION_VERSION_MEMO, FailureType, type AutomationRun } from '../contract';

/** Newest first, at most `limit`; a failed run says which step stopped it and that step's failure type. */
export async function automationRuns(client: Client, automationId: string, limit: number): Promise<AutomationRun[]> {
  // The id is hookstep's own (au_ and hex), so it needs no escaping in the query.
  const query = `WorkflowType = 'automation' AND HookstepAutomationId = '${automationId}'`;
  const runs: AutomationRun[] = [];
  for await (const info of client.workflow.list({ query })) {
    runs.push(await runOf(client, automationId, info));
    if (runs.length >= limit) break;
  }
  return runs;
}

async function runOf(client: Client, automationId: string, info: WorkflowExecutionInfo): Promise<AutomationRun> {
  const version = info.memo?.[AUTOMATION_VERSION_MEMO];
  const run: AutomationRun = {
    workflowId: info.workflowId,
    // The run ID is `<automation id>/<event id>`.
    eventId: info.workflowId.slice(automationId.length + 1),
    state: info.status.name,
    ...(typeof version === 'number' ? { version } : {}),
    startedAt: info.startTime.toISOString(),
    ...(info.closeTime ? { endedAt: info.closeTime.toISOString() } : {}),
  };
  return info.status.name === 'FAILED' ? { ...run, ...(await failedStep(client, info)) } : run;
}

/** The step a StepFailed failure names in its details, and the step's own failure type. */
async function failedStep(
  client: Client,
  info: WorkflowExecutionInfo,
): Promise<Pick<AutomationRun, 'failedStep' | 'failureType'>> {
  try {
    await client.workflow.getHandle(info.workflowId, info.runId).result();
    return {};
  } catch (err) {
    const failure = err instanceof WorkflowFailedError ? err.cause : undefined;
    if (!(failure instanceof ApplicationFailure)) return {};
    if (failure.type !== FailureType.StepFailed) return { failureType: failure.type ?? undefined };
    const details = (failure.details?.[0] ?? {}) as { step?: unknown; failureType?: unknown };
    return {
      ...(typeof details.step === 'string' ? { failedStep: details.step } : {}),
      ...(typeof details.failureType === 'string' ? { failureType: details.failureType } : {}),
    };
  }
}
