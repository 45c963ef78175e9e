// The one table from a delivery outcome to its ApplicationFailure: type, whether Temporal retries it, and a message
// an operator can act on. Every failure the activity raises is made here.
import { ApplicationFailure } from '@temporalio/common';
import { FailureType, redact, type DeliveryFailureDetails } from '../src/contract';
import { SNIPPET_BYTES, snippet } from './response';

// `body` is the reply as read; a failure keeps a snippet of it, with every secret the request carried redacted.
export type Outcome =
  | { kind: 'status'; status: number; retryAfterMs?: number; body?: string }
  | { kind: 'timeout'; timeoutMs: number }
  | { kind: 'connection'; code: string }
  | { kind: 'blocked'; host: string; range: string }
  | { kind: 'invalid-response'; status: number; reason: string; body?: string }
  | { kind: 'result-too-large'; status: number; bytes: number; limitBytes: number; body?: string };

interface Row {
  type: FailureType;
  retryable: boolean;
  /** Short reason shown at the end of the message, e.g. "(4xx)". */
  reason: string;
  matches(outcome: Outcome): boolean;
}

const status = (outcome: Outcome, test: (s: number) => boolean) => outcome.kind === 'status' && test(outcome.status);

/** First matching row wins. */
export const OUTCOME_TABLE: readonly Row[] = [
  {
    // Only reachable for a webhook whose successStatuses leave this 2xx out.
    type: FailureType.HttpStatusNotAccepted,
    retryable: true,
    reason: "not one of the webhook's successStatuses",
    matches: (o) => status(o, (s) => s >= 200 && s < 300),
  },
  {
    type: FailureType.HttpRedirect,
    retryable: false,
    reason: '3xx; redirects are not followed',
    matches: (o) => status(o, (s) => s >= 300 && s < 400),
  },
  {
    type: FailureType.HttpRetryableStatus,
    retryable: true,
    reason: '408/429',
    matches: (o) => status(o, (s) => s === 408 || s === 429),
  },
  {
    type: FailureType.HttpClientError,
    retryable: false,
    reason: '4xx',
    matches: (o) => status(o, (s) => s >= 400 && s < 500),
  },
  { type: FailureType.HttpRetryableStatus, retryable: true, reason: '5xx', matches: (o) => status(o, (s) => s >= 500) },
  // 1xx final statuses and anything else unexpected: the receiver did not accept it and retrying will not change that.
  {
    type: FailureType.HttpClientError,
    retryable: false,
    reason: 'unexpected status',
    matches: (o) => o.kind === 'status',
  },
  { type: FailureType.Timeout, retryable: true, reason: 'timeout', matches: (o) => o.kind === 'timeout' },
  { type: FailureType.ConnectionError, retryable: true, reason: 'connection', matches: (o) => o.kind === 'connection' },
  {
    type: FailureType.ResponseInvalid,
    retryable: false,
    reason: 'the receiver already acted',
    matches: (o) => o.kind === 'invalid-response',
  },
  {
    type: FailureType.ResultTooLarge,
    retryable: false,
    reason: 'the receiver already acted',
    matches: (o) => o.kind === 'result-too-large',
  },
  {
    type: FailureType.DestinationBlocked,
    retryable: false,
    reason: 'set HOOKSTEP_ALLOWED_NETWORKS to allow it',
    matches: (o) => o.kind === 'blocked',
  },
];

export function classify(outcome: Outcome): Row {
  const row = OUTCOME_TABLE.find((r) => r.matches(outcome));
  if (!row) throw new Error(`no outcome row for ${outcome.kind}`);
  return row;
}

export interface AttemptContext {
  method: string;
  url: string;
  attempt: number;
  maxAttempts: number;
  durationMs: number;
  /** Upper bound for a Retry-After the receiver asks for, so a step's total time stays finite. */
  maxRetryDelayMs: number;
  /** Every secret the request carried (sentSecrets): cut out of the snippet and the message. */
  secrets?: readonly string[];
}

export function toFailure(outcome: Outcome, ctx: AttemptContext): ApplicationFailure {
  const row = classify(outcome);
  const secrets = ctx.secrets ?? [];
  const details: DeliveryFailureDetails = {
    method: ctx.method,
    url: ctx.url,
    attempt: ctx.attempt,
    durationMs: Math.round(ctx.durationMs),
  };
  if (outcome.kind === 'status' || outcome.kind === 'invalid-response' || outcome.kind === 'result-too-large') {
    details.status = outcome.status;
    // Redacted before it is cut, so a secret across the cut leaves no readable part behind; only as far as an
    // encoded secret that starts inside the snippet can reach (12 characters per character: `\uD83D\uDE00`).
    const reach = SNIPPET_BYTES + 12 * Math.max(0, ...secrets.map((s) => s.length));
    const kept = outcome.body ? snippet(redact(outcome.body.slice(0, reach), secrets)) : undefined;
    if (kept) details.bodySnippet = kept;
  }
  let nextRetryDelay: number | undefined;
  if (row.retryable && outcome.kind === 'status' && outcome.retryAfterMs !== undefined) {
    nextRetryDelay = Math.min(outcome.retryAfterMs, ctx.maxRetryDelayMs);
    details.retryAfterMs = nextRetryDelay;
  }
  const next = !row.retryable
    ? 'not retried'
    : ctx.attempt >= ctx.maxAttempts
      ? `giving up after ${ctx.attempt} attempts`
      : nextRetryDelay !== undefined
        ? `retrying in ${nextRetryDelay} ms as the receiver asked`
        : 'will retry';
  return ApplicationFailure.create({
    type: row.type,
    message: redact(
      `${ctx.method} ${ctx.url} ${describe(outcome)} on attempt ${ctx.attempt}; ${next} (${row.reason})`,
      secrets,
    ),
    nonRetryable: !row.retryable,
    details: [details],
    nextRetryDelay,
  });
}

function describe(outcome: Outcome): string {
  switch (outcome.kind) {
    case 'status':
      return `got HTTP ${outcome.status}`;
    case 'timeout':
      return `got no full response within ${outcome.timeoutMs} ms`;
    case 'connection':
      return `could not complete the exchange (${outcome.code})`;
    case 'blocked':
      return `was refused: ${outcome.host} is ${/^[aeiou]/i.test(outcome.range) ? 'an' : 'a'} ${outcome.range} address`;
    case 'invalid-response':
      return `got HTTP ${outcome.status} with a body that does not match response.fields: ${outcome.reason}`;
    case 'result-too-large':
      return (
        `got HTTP ${outcome.status} with a body of ${outcome.bytes} bytes once encoded as JSON, over the ` +
        `${outcome.limitBytes} a step's result may hold (declare response.fields to keep only what you need)`
      );
  }
}
