// A run must end in a result or a visible failure. This waits for the end within a bound, and says what the run was
// doing when it did not end, rather than letting jest time out on a run stuck in a workflow-task failure loop. A run
// that did not end is terminated and its result awaited, so nothing keeps polling for it after the test.
import type { WorkflowHandle } from '@temporalio/client';

export async function endsWithin<T>(handle: WorkflowHandle, ms: number, result: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const stuck = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      const report = async () => {
        const { status } = await handle.describe();
        await handle.terminate(`did not end within ${ms} ms`);
        await result.catch(() => undefined);
        return new Error(`${handle.workflowId} still ${status.name} after ${ms} ms`);
      };
      report().then(reject, reject);
    }, ms);
  });
  try {
    return await Promise.race([result, stuck]);
  } finally {
    clearTimeout(timer);
  }
}
