// The receiver's one framework-free core: read the raw body (capped), verify, parse, and start the user's workflow
// with an ID derived from webhook-id; answer 202 as soon as Temporal has accepted the start. Adapters (node.ts,
// express.ts, fastify.ts) only translate requests and responses.
import { WebhookVerificationError } from '../contract';
import { readBody, type RawBody } from './body';
import {
  ReceiverOptionsSchema,
  type ParsedReceiverOptions,
  type ReceiverOptions,
  type ReceiverResult,
} from './options';
import { parsePayload } from './payload';
import { accepted, problem, type Problem, type ReceiverResponse } from './responses';
import { startRun } from './start';
import { verifierFor, optionsError, type VerifiedWebhook } from './verify';
import { workflowIdFor } from './workflowId';

export interface ReceiverRequest {
  method: string;
  /** Node's `req.headers` or any record of them (lower-case keys, as Node, Express and Fastify give them). */
  headers: Record<string, string | string[] | undefined>;
  /** The raw body: bytes, or the request stream itself. */
  body?: RawBody;
}

export interface Receiver {
  /** Never rejects: every outcome, a bug included, is an answer (500 for a bug). */
  handle(request: ReceiverRequest): Promise<ReceiverResponse>;
  readonly maxBodyBytes: number;
}

type Known = Omit<ReceiverResult, 'status'>;
type Answer = [ReceiverResponse, Known];

/** Throws InvalidInputError naming each bad option (never its value); nothing listens yet. */
export function createReceiver<T = unknown>(options: ReceiverOptions<T>): Receiver {
  const parsed = ReceiverOptionsSchema.safeParse(options);
  if (!parsed.success) throw optionsError(parsed.error);
  const o = parsed.data;
  const verify = verifierFor(o);
  const report = (response: ReceiverResponse, result: Omit<ReceiverResult, 'status'>) => {
    try {
      o.onResult?.({ status: response.status, ...result });
    } catch {
      // A logging hook must never change the answer.
    }
    return response;
  };
  return {
    maxBodyBytes: o.maxBodyBytes,
    async handle(request) {
      try {
        return report(...(await answer(o, verify, request)));
      } catch (error) {
        return report(problem(500, { title: 'Internal Server Error', code: 'RECEIVER_ERROR', detail: 'see logs' }), {
          code: 'RECEIVER_ERROR',
          error,
        });
      }
    },
  };
}

async function answer(
  o: ParsedReceiverOptions,
  verify: ReturnType<typeof verifierFor>,
  request: ReceiverRequest,
): Promise<Answer> {
  if (request.method !== 'POST') {
    const p = { title: 'Method Not Allowed', code: 'METHOD_NOT_ALLOWED', detail: 'webhooks are POSTed' };
    return fail(405, p, { allow: 'POST' });
  }
  const length = request.headers['content-length'];
  const read = await readBody(request.body, o.maxBodyBytes, typeof length === 'string' ? length : undefined);
  if (!read.ok) {
    const detail = `the body is larger than ${o.maxBodyBytes} bytes`;
    // Closing the connection spares reading the rest of a body announced too large.
    return fail(413, { title: 'Content Too Large', code: 'BODY_TOO_LARGE', detail }, { connection: 'close' });
  }
  let webhook: VerifiedWebhook;
  try {
    webhook = verify(read.bytes, request.headers);
  } catch (err) {
    if (!(err instanceof WebhookVerificationError)) throw err;
    return fail(401, { title: 'Unauthorized', code: err.code, detail: err.message });
  }
  const payload = parsePayload(read.bytes, o.parse);
  if (!payload.ok) return fail(400, payload.problem, {}, { webhookId: webhook.id });
  return start(o, webhook, payload.payload);
}

function fail(status: number, p: Problem, headers: Record<string, string> = {}, known: Known = {}): Answer {
  return [problem(status, p, headers), { ...known, code: p.code }];
}

async function start(o: ParsedReceiverOptions, webhook: VerifiedWebhook, payload: unknown): Promise<Answer> {
  const workflowId = workflowIdFor(o.idPrefix ?? `${o.workflowType}-`, webhook.id);
  const known = { webhookId: webhook.id, workflowId };
  let args: unknown[];
  try {
    args = o.args ? o.args(payload, webhook) : [payload];
    if (!Array.isArray(args)) throw new TypeError('args must return an array of workflow arguments');
  } catch (error) {
    const detail = 'the workflow arguments could not be made from the body';
    return fail(500, { title: 'Internal Server Error', code: 'ARGS_FAILED', detail }, {}, { ...known, error });
  }
  const spec = { workflowType: o.workflowType, taskQueue: o.taskQueue, timeoutMs: o.startTimeoutMs };
  const outcome = await startRun(o.client, spec, workflowId, args);
  switch (outcome.kind) {
    case 'started':
      return [accepted({ workflowId, runId: outcome.runId }), { ...known, runId: outcome.runId }];
    case 'existing':
      return [accepted({ workflowId, existing: true }), { ...known, existing: true }];
    case 'unavailable': {
      const detail = 'Temporal did not accept the start in time; retry later';
      const p = { title: 'Service Unavailable', code: 'TEMPORAL_UNAVAILABLE', detail };
      return fail(503, p, { 'retry-after': String(o.retryAfterSeconds) }, { ...known, error: outcome.error });
    }
    default: {
      const p = {
        title: 'Internal Server Error',
        code: 'START_FAILED',
        detail: 'Temporal refused the start; see logs',
      };
      return fail(500, p, {}, { ...known, error: outcome.error });
    }
  }
}
