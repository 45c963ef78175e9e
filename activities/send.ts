// One attempt of any delivery (a step's or an event's): send a built request with undici, read the reply, and either
// return the typed body or throw the classified ApplicationFailure. Free of Temporal's activity context, so a
// benchmark can call it directly.
import { performance } from 'node:perf_hooks';
import type { Dispatcher } from 'undici';
import {
  DestinationBlockedError,
  displayUrl,
  jsonBytes,
  type FieldType,
  type ReplyNote,
  type ResolvedRetry,
} from '../src/contract';
import { toFailure, type Outcome } from './outcomes';
import { deadline } from './deadline';
import type { HttpRequest } from './request';
import { judgeReply, readCapped, textOf, type Arrived } from './response';
import { parseRetryAfter } from './retryAfter';

/** How an attempt is judged: its deadline, what counts as delivered, what the reply must hold, what comes next. */
export interface SendPolicy {
  timeoutMs: number;
  retry: ResolvedRetry;
  /** The step's declared response fields, typed from the reply. */
  responseFields?: Record<string, FieldType>;
  /** Statuses that count as delivered (Ecwid: 200 and 201); any 2xx when absent. */
  successStatuses?: readonly number[];
  /** The most a returned body may encode to (a step's result: MAX_STEP_RESULT_BYTES); unchecked when absent. */
  maxResultBytes?: number;
}

export interface DeliveryResult {
  status: number;
  body: Record<string, unknown>;
  /** What the reply held beyond `body` (see judgeReply); absent when `body` tells it all. */
  reply?: ReplyNote;
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
    // The dispatcher, not undici's request(url): that one re-parses the target as a URL, which re-encodes its query.
    const res = await options.agent.request({
      origin: req.url.origin,
      path: req.target,
      method: req.method,
      headers: req.headers,
      body: req.body,
      signal: attempt.signal,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    const arrived = await readCapped(res.body);
    // A cancellation mid-body is still the SDK's to report, as in the catch below.
    if (arrived.error !== undefined && options.signal?.aborted) throw options.signal.reason ?? arrived.error;
    const brokeOff = arrived.error === undefined ? undefined : breakOf(arrived.error, attempt.expired(), timeoutMs);
    const answered = await answerOf(res, arrived, brokeOff, policy, options.attempt);
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
    // Listed only now: a delivered attempt never pays for it.
    secrets: req.secrets(),
  });
}

/** Statuses that have no content (RFC 9110 §15.3.5, §15.4.5): bytes a receiver sends after one are not a body. */
const NO_CONTENT = new Set([204, 304]);

/**
 * A response read and judged: the typed result of a 2xx that matches the declaration, or the outcome to classify.
 * Once the status line has arrived the outcome is that status, whatever happens to the body after it (`brokeOff`):
 * a 2xx is never re-sent because its body's framing failed, and a 4xx/5xx is judged by its status as ever.
 */
async function answerOf(
  res: Dispatcher.ResponseData,
  arrived: Arrived,
  brokeOff: string | undefined,
  policy: SendPolicy,
  attempt: number,
): Promise<{ result: DeliveryResult } | { outcome: Outcome }> {
  const status = res.statusCode;
  const headers = { contentType: headerOf(res, 'content-type'), contentEncoding: headerOf(res, 'content-encoding') };
  const accepted = policy.successStatuses ? policy.successStatuses.includes(status) : status >= 200 && status < 300;
  if (accepted) {
    const body = NO_CONTENT.has(status)
      ? { bytes: Buffer.alloc(0), headers, truncated: false }
      : { bytes: arrived.bytes, headers, truncated: arrived.truncated, brokeOff };
    const typed = await judgeReply(body, policy.responseFields);
    if (typed.ok) {
      const result: DeliveryResult = { status, body: typed.body, attempt };
      if (typed.reply) result.reply = typed.reply;
      const limitBytes = policy.maxResultBytes;
      const bytes = limitBytes === undefined ? undefined : oversize(result, body.bytes.length, limitBytes);
      if (bytes === undefined) return { result };
      return {
        outcome: { kind: 'result-too-large', status, bytes, limitBytes: limitBytes!, body: typed.text },
      };
    }
    return { outcome: { kind: 'invalid-response', status, reason: typed.reason, body: typed.text } };
  }
  return {
    outcome: {
      kind: 'status',
      status,
      retryAfterMs: parseRetryAfter(headerOf(res, 'retry-after'), Date.now()),
      body: await textOf(arrived.bytes, headers),
    },
  };
}

function headerOf(res: Dispatcher.ResponseData, name: string): string | undefined {
  const value = res.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Why a body ended early, for a reason a user reads: undici's code, or the parser's own words. */
function breakOf(err: unknown, deadlinePassed: boolean, timeoutMs: number): string {
  if (deadlinePassed) return `no full body within ${timeoutMs} ms`;
  const coded = findCause(err, (e) => typeof e.code === 'string');
  if (coded) return coded.code as string;
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

/**
 * The result's body and reply note as Temporal will store them (JSON, UTF-8) when that is over `limit`; undefined when
 * it fits. They can outgrow the reply's bytes: a control character kept in `reply.text` becomes `\u0001` (6 bytes),
 * `1e20` becomes 21 digits, base64 takes 4 bytes for 3; at most 6 times, so a reply under a sixth of the limit is
 * not measured.
 */
function oversize(result: DeliveryResult, replyBytes: number, limit: number): number | undefined {
  if (replyBytes * 6 <= limit) return undefined;
  const bytes = jsonBytes({ body: result.body, reply: result.reply });
  return bytes > limit ? bytes : undefined;
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
