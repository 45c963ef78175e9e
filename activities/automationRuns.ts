// How a stored automation's runs reach the automation run log (src/registry/automationRuns.ts): the fan-out's page of
// runs, logged `running` in the local activity that lists it, and each run's end, written by the run through
// recordAutomationRun. The log's retention is the delivery log's (HOOKSTEP_DELIVERY_LOG_RETENTION), applied from the
// same path as the delivery log's: by the write that finds it due.
import type { Registry } from '../src/registry';
import type { AutomationRunEnd, AutomationRunRepository } from '../src/registry/automationRuns';
import { PRUNE_EVERY_MS } from './deliveryLog';

/** Logs the runs a fan-out page is about to start, `running`, in one statement. */
export async function logRunsStarted(
  runs: Pick<AutomationRunRepository, 'started'>,
  tenant: string,
  event: { id: string; type: string },
  page: { automations: readonly { automationId: string; version: number }[] },
): Promise<void> {
  await runs.started(tenant, event, page.automations);
}

export function automationRunActivities(
  repos: (o: { retryable: boolean }) => Promise<Registry>,
  retentionMs: number,
  now: () => number = Date.now,
) {
  let last = -Infinity;
  /** The log's retention, at most once per PRUNE_EVERY_MS per worker, in the background (the write does not wait). */
  const prune = (runs: Pick<AutomationRunRepository, 'prune'>) => {
    const at = now();
    if (at - last < PRUNE_EVERY_MS) return;
    last = at;
    runs.prune(new Date(at - retentionMs)).catch((err: unknown) => {
      process.stderr.write(`hookstep: the automation run log could not be pruned: ${(err as Error).message}\n`);
    });
  };
  return {
    /**
     * Ends a run's row in the log. It throws when the registry cannot be written, so Temporal retries it (the run
     * waits, visibly, as a pending activity): the log is where a builder reads runs, and a lost write would leave the
     * run `running` there for good. The write is idempotent, so a retry after a write that landed changes nothing.
     */
    async recordAutomationRun(end: AutomationRunEnd): Promise<void> {
      const { automationRuns } = await repos({ retryable: true });
      prune(automationRuns);
      await automationRuns.ended(end);
    },
  };
}
