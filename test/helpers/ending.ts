// A run must end in a result or a visible failure. This waits for the end within a bound, and says what the run was
// doing when it did not end, rather than letting jest time out on a run stuck in a workflow-task failure loop.
import type { WorkflowHandle } from '@temporalio/client';

export async function endsWithin<T>(handle: WorkflowHandle, ms: number, result: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const stuck = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      void handle.describe().then(
        (d) => reject(new Error(`${handle.workflowId} still ${d.status.name} after ${ms} ms`)),
        (err: unknown) => reject(err as Error),
      );
    }, ms);
  });
  try {
    return await Promise.race([result, stuck]);
  } finally {
    clearTimeout(timer);
  }
}
