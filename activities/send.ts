// One attempt of any delivery (a step's or an event's): send a built request with undici, read the reply, and either
// return the typed body or throw the classified ApplicationFailure. Free of Temporal's activity context, so a
// benchmark can call it directly.
import { performance } from 'node:perf_hooks';
import { request, type Dispatcher } from 'undici';
import { DestinationBlockedError, displayUrl, type FieldType, type ResolvedRetry } from '../src/contract';
import { toFailure, type Outcome } from './outcomes';
import { deadline } from './deadline';
import type { HttpRequest } from './request';
import { readCapped, snippet, typeResponse } from './response';
import { parseRetryAfter } from './retryAfter';

/** How an attempt is judged: its deadline, what counts as delivered, what the reply must hold, what comes next. */
export interface SendPolicy {
  timeoutMs: number;
  retry: ResolvedRetry;
  /** The step's declared response fields, typed from the reply. */
  responseFields?: Record<string, FieldType>;
  /** Statuses that count as delivered (Ecwid: 200 and 201); any 2xx when absent. */
  successStatuses?: readonly number[];
}

export interface DeliveryResult {
  status: number;
  body: Record<string, unknown>;
  attempt: number;
}

export interface DeliverOptions {
  agent: Dispatcher;
  attempt: number;
  /** The activity's cancellation signal; aborts the request when Temporal cancels the attempt. */
  signal?: AbortSignal;
}

/** A receiver's Retry-After is honoured up to this (or the step's maximumInterval when longer), so a step ends. */
export const MAX_RETRY_AFTER_MS = 3_600_000;

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

export async function send(req: HttpRequest, policy: SendPolicy, options: DeliverOptions): Promise<DeliveryResult> {
  const { timeoutMs, retry } = policy;
  const attempt = deadline(timeoutMs, options.signal);
  const started = performance.now();

  let outcome: Outcome;
  try {
    const res = await request(req.url, {
      dispatcher: options.agent,
      method: req.method,
      headers: req.headers,
      body: req.body,
      signal: attempt.signal,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    const answered = await answerOf(res, policy, options.attempt);
    if ('result' in answered) return answered.result;
    outcome = answered.outcome;
  } catch (err) {
    // Temporal cancelled the attempt: let the SDK report the cancellation, not a delivery failure.
    if (options.signal?.aborted) throw options.signal.reason ?? err;
    outcome = errorOutcome(err, attempt.expired(), timeoutMs);
  } finally {
    attempt.clear();
  }
  throw toFailure(outcome, {
    method: req.method,
    url: displayUrl(req.url),
    attempt: options.attempt,
    maxAttempts: retry.maximumAttempts,
    durationMs: performance.now() - started,
    maxRetryDelayMs: Math.max(retry.maximumIntervalMs, MAX_RETRY_AFTER_MS),
  });
}

/** A response read and judged: the typed result of a 2xx that matches the declaration, or the outcome to classify. */
async function answerOf(
  res: Dispatcher.ResponseData,
  policy: SendPolicy,
  attempt: number,
): Promise<{ result: DeliveryResult } | { outcome: Outcome }> {
  const { text, truncated } = await readCapped(res.body);
  const status = res.statusCode;
  const accepted = policy.successStatuses ? policy.successStatuses.includes(status) : status >= 200 && status < 300;
  if (accepted) {
    const typed =
      truncated && policy.responseFields
        ? { ok: false as const, reason: 'the body exceeds 1 MiB' }
        : typeResponse(text, policy.responseFields);
    if (typed.ok) return { result: { status, body: typed.body, attempt } };
    return { outcome: { kind: 'invalid-response', status, reason: typed.reason, bodySnippet: snippet(text) } };
  }
  const retryAfter = res.headers['retry-after'];
  return {
    outcome: {
      kind: 'status',
      status,
      retryAfterMs: parseRetryAfter(Array.isArray(retryAfter) ? retryAfter[0] : retryAfter, Date.now()),
      bodySnippet: snippet(text),
    },
  };
}

/** Maps what undici or the socket threw to an outcome, by `code` as undici's docs advise (not instanceof). */
function errorOutcome(err: unknown, deadlinePassed: boolean, timeoutMs: number): Outcome {
  const blocked = findCause(err, (e) => e instanceof DestinationBlockedError) as DestinationBlockedError | undefined;
  if (blocked) return { kind: 'blocked', host: blocked.host, range: blocked.range };
  const coded = findCause(err, (e) => typeof e.code === 'string');
  if (deadlinePassed || (coded && TIMEOUT_CODES.has(coded.code as string))) return { kind: 'timeout', timeoutMs };
  if (coded) return { kind: 'connection', code: coded.code as string };
  throw err;
}

function findCause(err: unknown, test: (e: { code?: unknown }) => boolean): ({ code?: unknown } & Error) | undefined {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (test(e)) return e as { code?: unknown } & Error;
  }
  return undefined;
}
