// Walks a WorkflowFailedError's cause chain to the ApplicationFailure, asserting each link on the way.
import { WorkflowFailedError } from '@temporalio/client';
import { ActivityFailure, ApplicationFailure, ChildWorkflowFailure } from '@temporalio/common';

export async function expectFailure(
  promise: Promise<unknown>,
): Promise<{ links: string[]; failure: ApplicationFailure }> {
  let error: unknown;
  try {
    await promise;
  } catch (err) {
    error = err;
  }
  if (!(error instanceof WorkflowFailedError)) throw new Error(`expected WorkflowFailedError, got ${String(error)}`);
  const links: string[] = ['WorkflowFailedError'];
  let e: unknown = error.cause;
  while (e) {
    links.push(
      e instanceof ActivityFailure
        ? 'ActivityFailure'
        : e instanceof ChildWorkflowFailure
          ? 'ChildWorkflowFailure'
          : e instanceof ApplicationFailure
            ? 'ApplicationFailure'
            : (e as Error).name,
    );
    if (
      e instanceof ApplicationFailure &&
      !(
        e.cause instanceof ApplicationFailure ||
        e.cause instanceof ActivityFailure ||
        e.cause instanceof ChildWorkflowFailure
      )
    ) {
      return { links, failure: e };
    }
    e = (e as Error).cause;
  }
  throw new Error(`no ApplicationFailure in the chain ${links.join(' → ')}`);
}
