// A run ends in a result or a failure someone can see. An error that is not a Temporal failure would fail the
// workflow task instead, and Temporal retries that forever with the run showing Running: so whatever input handling
// throws (a bug, a stack overflow, an option the SDK refuses) fails the run, non-retryable, with its type.
import { ApplicationFailure, TemporalFailure } from '@temporalio/workflow';
import { ISSUE_CHARS } from '../src/contract/limits';

export async function failVisibly<T>(type: string, label: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof TemporalFailure) throw err;
    const reason = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    throw ApplicationFailure.create({
      type,
      message: `${label} could not be handled: ${reason.slice(0, ISSUE_CHARS)}`,
      nonRetryable: true,
    });
  }
}
