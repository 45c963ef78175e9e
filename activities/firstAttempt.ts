// An event delivery's first attempt made by a worker's event dispatcher (issue 23), outside any workflow run: the same
// request, signature, classification (outcomes.ts), delivery log entry, endpoint health and attempt log line as an
// attempt in a run (events.ts), from plain values. What it ends in decides what follows: a delivery settled
// (delivered, or failed for good) leaves the outbox; one that failed retryably is handed to a run of its own for
// attempts 2 on. The log entry is returned, not written: the dispatcher writes it with the settle, in one statement.
import { ApplicationFailure } from '@temporalio/common';
import type { Dispatcher } from 'undici';
import { FailureType, resolveRetry, retryAfterFirst, toMs, type HookstepEvent, type Webhook } from '../src/contract';
import type { AttemptEntry, Registry } from '../src/registry';
import type { OutboxEntry } from '../src/registry/outbox';
import { logged } from './deliveryLog';
import { NotXmlError, buildEventRequest } from './eventRequest';
import { trackHealth } from './health';
import { observeAttempt, type AttemptLog, type AttemptObserver } from './inspect';
import { send } from './send';

/** What the first attempt needs, read for the dispatcher's whole batch. */
export interface FirstAttemptInput {
  entry: OutboxEntry;
  webhook: Webhook;
  secrets: string[];
  event: HookstepEvent;
}

export interface FirstAttemptDeps {
  registry: Pick<Registry, 'health'>;
  agent: Dispatcher;
  attemptLog?: AttemptLog;
  /** Where the attempt's metrics go; its log line names the delivery as its workflowId (the ID its run would get). */
  metricMeter: AttemptObserver['metricMeter'];
  /** Where a health or slot write that failed is reported. */
  warn: (message: string, meta: Record<string, unknown>) => void;
  /** Aborts the request when the worker shuts down hard. */
  signal?: AbortSignal;
}

/**
 * Settled: delivered, or failed for good (logged `failed`). Retry: attempts 2 on in a run, after `waitMs`. Either way
 * `attempt` is the delivery log's entry for it (OutboxRepository.settleFirst writes it).
 */
export type FirstAttemptOutcome = { attempt: AttemptEntry } & (
  | { settled: 'delivered' | 'failed' }
  | { retry: true; waitMs: number }
);

/** Makes attempt 1 and says what follows, with its log entry. Throws only what is not an attempt's outcome (a bug). */
export async function firstAttempt(deps: FirstAttemptDeps, input: FirstAttemptInput): Promise<FirstAttemptOutcome> {
  const { entry, webhook, event, secrets } = input;
  const retry = resolveRetry(webhook);
  const attempt = 1;
  const facts = { url: webhook.url, method: 'POST', attempt, maxAttempts: retry.maximumAttempts };
  const logFacts = {
    tenant: entry.tenant,
    webhookId: entry.webhookId,
    eventId: entry.eventId,
    eventType: event.type,
    attempt,
    maximumAttempts: retry.maximumAttempts,
  };
  let written: AttemptEntry | undefined;
  const log = { recordAttempt: (e: AttemptEntry) => Promise.resolve(void (written = e)) };
  try {
    await logged(log, logFacts, async () => {
      const req = requestOrFail(webhook, event, secrets, entry.deliveryId);
      const policy = { timeoutMs: toMs(webhook.timeout), retry, successStatuses: webhook.successStatuses };
      const observer = { metricMeter: deps.metricMeter, workflowId: entry.deliveryId, runId: '' };
      const result = await observeAttempt(observer, facts, deps.attemptLog, () =>
        trackHealth(healthOf(deps, webhook), { tenant: entry.tenant, webhook, ...facts }, deps.warn, () =>
          send(req, policy, { agent: deps.agent, attempt, signal: deps.signal }),
        ),
      );
      return { status: result.status };
    });
    return { attempt: written!, settled: 'delivered' };
  } catch (err) {
    if (!(err instanceof ApplicationFailure)) throw err;
    const after = err.nonRetryable ? undefined : retryAfterFirst(retry);
    if (!after) return { attempt: written!, settled: 'failed' };
    return { attempt: written!, retry: true, waitMs: retryAfterMsOf(err) ?? after.firstBackoffMs };
  }
}

/**
 * The health writes this attempt needs: a success resets a count that is 0 already (as read with the webhook for
 * this batch) with no write. A failure that raced with it is counted as ever (its own statement).
 */
function healthOf(
  deps: FirstAttemptDeps,
  webhook: Webhook,
): Pick<FirstAttemptDeps['registry']['health'], 'delivered' | 'failed'> {
  const { health } = deps.registry;
  if (webhook.consecutiveFailures > 0) return health;
  return { delivered: () => Promise.resolve(), failed: (tenant, id, failure) => health.failed(tenant, id, failure) };
}

function requestOrFail(webhook: Webhook, event: HookstepEvent, secrets: string[], messageId: string) {
  try {
    return buildEventRequest({ webhook, event, secrets, attempt: 1, messageId }, Date.now());
  } catch (err) {
    if (!(err instanceof NotXmlError)) throw err;
    throw ApplicationFailure.create({
      type: FailureType.EventNotSendable,
      message: `cannot be written as XML: ${err.message}`,
      nonRetryable: true,
    });
  }
}

/** The receiver's Retry-After, as the failure's details carry it (outcomes.ts). */
function retryAfterMsOf(err: ApplicationFailure): number | undefined {
  const ms = (err.details?.[0] as { retryAfterMs?: unknown } | undefined)?.retryAfterMs;
  return typeof ms === 'number' ? ms : undefined;
}
