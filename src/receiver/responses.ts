// What the receiver answers: 202 with the run's workflow ID, or an RFC 9457 problem naming what is wrong and never
// echoing a value. One place, so every adapter answers the same bytes.

export interface ReceiverResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** The 202 body: the run handling this webhook. `existing` when it had already closed (a late redelivery). */
export interface Accepted {
  workflowId: string;
  runId?: string;
  existing?: true;
}

export interface Problem {
  title: string;
  detail: string;
  /** A stable code for machines: WEBHOOK_BAD_SIGNATURE, BODY_TOO_LARGE, TEMPORAL_UNAVAILABLE, ... */
  code: string;
  /** Body fields that failed `parse`, each `body.path: message`. */
  issues?: string[];
}

export function accepted(body: Accepted): ReceiverResponse {
  return { status: 202, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

export function problem(status: number, p: Problem, headers: Record<string, string> = {}): ReceiverResponse {
  return {
    status,
    headers: { 'content-type': 'application/problem+json', ...headers },
    body: JSON.stringify({ type: 'about:blank', status, ...p }),
  };
}
