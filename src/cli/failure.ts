// Finds the failure that explains a failed run: the innermost ApplicationFailure of a WorkflowFailedError's chain.
import { ApplicationFailure, TemporalFailure } from '@temporalio/common';

export interface FailureSummary {
  type: string;
  message: string;
  details?: unknown;
}

export function summarizeFailure(err: unknown): FailureSummary {
  let found: ApplicationFailure | undefined;
  for (let e: unknown = err, depth = 0; e && depth < 20; e = (e as Error).cause, depth++) {
    if (e instanceof ApplicationFailure) found = e;
  }
  if (found) return { type: found.type ?? 'ApplicationFailure', message: found.message, details: found.details?.[0] };
  let last: unknown = err;
  while (last instanceof TemporalFailure && last.cause) last = last.cause;
  return { type: (last as Error)?.name ?? 'Error', message: (last as Error)?.message ?? String(err) };
}
