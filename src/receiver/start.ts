// Starting the run a webhook asks for, at most once per webhook-id, within a deadline: an unreachable Temporal must
// answer 503 in time for the sender to retry, not hang until the sender's own timeout.
import { WorkflowExecutionAlreadyStartedError, isGrpcServiceError, type Client } from '@temporalio/client';

/**
 * gRPC channel settings for a receiver's Connection: when Temporal comes back after an outage, reconnect within
 * seconds (grpc-js backs off up to 2 minutes by default, answering 503 all that while).
 */
export const RECEIVER_CHANNEL_ARGS = {
  'grpc.initial_reconnect_backoff_ms': 200,
  'grpc.max_reconnect_backoff_ms': 2_000,
} as const;

export type StartOutcome =
  { kind: 'started'; runId: string } | { kind: 'existing' } | { kind: 'unavailable' | 'failed'; error: unknown };

export interface StartSpec {
  workflowType: string;
  taskQueue: string;
  timeoutMs: number;
}

// gRPC codes a retry may get past: the server is down, overloaded or did not answer before the deadline.
const TRANSIENT = new Set([
  1, // CANCELLED
  2, // UNKNOWN
  4, // DEADLINE_EXCEEDED
  8, // RESOURCE_EXHAUSTED
  10, // ABORTED
  13, // INTERNAL
  14, // UNAVAILABLE
]);

/**
 * While a run with this ID is open, its run is returned (conflict policy USE_EXISTING); once it has closed, nothing is
 * started again (reuse policy REJECT_DUPLICATE) for as long as the namespace retains it.
 */
export async function startRun(
  client: Client,
  spec: StartSpec,
  workflowId: string,
  args: unknown[],
): Promise<StartOutcome> {
  const starting = client
    .withDeadline(Date.now() + spec.timeoutMs, () =>
      client.workflow.start(spec.workflowType, {
        taskQueue: spec.taskQueue,
        workflowId,
        args,
        workflowIdConflictPolicy: 'USE_EXISTING',
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
      }),
    )
    .then((handle): StartOutcome => ({ kind: 'started', runId: handle.firstExecutionRunId }), classify);
  // The gRPC deadline bounds each call, but the SDK's retries may sleep past it: the timer is the bound. A start that
  // lands after the 503 is harmless: the sender's retry finds that run.
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<StartOutcome>((resolve) => {
    timer = setTimeout(() => {
      resolve({ kind: 'unavailable', error: new Error(`Temporal did not answer within ${spec.timeoutMs} ms`) });
    }, spec.timeoutMs);
  });
  try {
    return await Promise.race([starting, late]);
  } finally {
    clearTimeout(timer);
  }
}

function classify(error: unknown): StartOutcome {
  if (error instanceof WorkflowExecutionAlreadyStartedError) return { kind: 'existing' };
  const code = grpcCode(error);
  return { kind: code !== undefined && TRANSIENT.has(code) ? 'unavailable' : 'failed', error };
}

/** The gRPC status behind an error: the SDK wraps it in a ServiceError, whose cause it is. */
function grpcCode(error: unknown): number | undefined {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (isGrpcServiceError(e)) return e.code;
  }
  return undefined;
}
