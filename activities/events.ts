// The event fan-out's activities: the subscribers of an event type, a page at a time, and one delivery attempt of an
// event to a webhook. The webhook, its secrets and the event are read from the registry at each attempt, so a
// webhook deactivated, disabled (endpoint health, health.ts) or deleted before its delayed delivery fires is not
// sent, and no secret enters a history.
// Both act for the event's tenant only: a webhook of another tenant is neither a subscriber nor deliverable.
import { ApplicationFailure } from '@temporalio/common';
import { Context } from '@temporalio/activity';
import type { Dispatcher } from 'undici';
import {
  DEFAULT_TENANT,
  DELAY_UNITS,
  FailureType,
  resolveRetry,
  tenantScope,
  toMs,
  type AutomationStep,
  type HookstepEvent,
  type ResolvedRetry,
  type Throttled,
  type Webhook,
} from '../src/contract';
import { automationRunActivities, logRunsStarted } from './automationRuns';
import { logPage, logSkip, logged, pruner } from './deliveryLog';
import { NotXmlError, buildEventRequest, type EventRequestInput } from './eventRequest';
import { inTurn, turnActivities, type Turn } from './fairness';
import { trackHealth } from './health';
import { withHeartbeats } from './heartbeat';
import { observeAttempt, observerOf, type AttemptLog } from './inspect';
import type { Registry } from '../src/registry';
import { send } from './send';
import { automationPageOf, pageOf } from './subscriberPage';

/** What a delivery run needs before its first attempt, read once by the fan-out. */
export interface Subscriber {
  webhookId: string;
  /** For the delivery run's summary and search attributes (`order.created → api.example.com`). */
  url: string;
  delayMs: number;
  timeoutMs: number;
  retry: ResolvedRetry;
}

export interface SubscriberPage {
  subscribers: Subscriber[];
  /** The cursor of the next page; absent on the last. */
  next?: string;
}

export interface SubscriberQuery {
  tenant?: string;
  type: string;
  /** The event's id, to log the page's deliveries; absent in fan-outs started before the delivery log. */
  eventId?: string;
  after?: string;
  limit: number;
}

/** An automation an event starts: its id, the version of its steps and the steps, as the run is given them. */
export interface AutomationSubscriber {
  automationId: string;
  version: number;
  steps: AutomationStep[];
}

export interface AutomationPage {
  automations: AutomationSubscriber[];
  /** The event, each run's `trigger`: present when the page holds any automation. */
  trigger?: HookstepEvent;
  /** The cursor of the next page; absent on the last. */
  next?: string;
}

export interface EventDeliveryCall {
  webhookId: string;
  eventId: string;
  /** The event's tenant; absent in runs started before tenants existed, whose events are all DEFAULT_TENANT's. */
  tenant?: string;
  /** Attempts made before this activity's own first: 1 when the first ran as a local activity. */
  attemptsBefore?: number;
  /** The delivery logged: a resend's own ID; absent, `<webhook id>/<event id>`. The webhook-id header stays that. */
  deliveryId?: string;
  /** The run waits when the webhook is full (answered Throttled); runs from before fair delivery cannot. */
  mayWait?: boolean;
}

export type EventDeliveryResult =
  { status: number; attempt: number } | { skipped: 'inactive' | 'disabled' | 'deleted'; attempt: number };

/** A registry, or how to open one when an event first needs it (so a worker that only sends steps opens none). */
export type RegistrySource = Registry | (() => Promise<Registry>);

/** How long the delivery log keeps a delivery after its last change (HOOKSTEP_DELIVERY_LOG_RETENTION). */
export const DEFAULT_DELIVERY_LOG_RETENTION_MS = 30 * 86_400_000;

export function createEventActivities(
  agent: Dispatcher,
  source: RegistrySource | undefined,
  attemptLog: AttemptLog | undefined,
  deliveryLogRetentionMs = DEFAULT_DELIVERY_LOG_RETENTION_MS,
) {
  const repos = lazyRegistry(source);
  const prune = pruner(deliveryLogRetentionMs);
  return {
    ...subscriberActivities(repos),
    ...automationActivities(repos, deliveryLogRetentionMs),
    ...turnActivities(repos),
    async deliverEvent(call: EventDeliveryCall): Promise<EventDeliveryResult | Throttled> {
      const ctx = Context.current();
      const attempt = ctx.info.attempt + (call.attemptsBefore ?? 0);
      // Retryable: the next attempt may land on a worker that has the registry, and the delivery goes on.
      const { webhooks, events, health, deliveries, leases } = prune(await repos({ retryable: true }));
      const tenant = call.tenant ?? DEFAULT_TENANT;
      const scope = tenantScope(tenant);
      const [webhook, secrets, event] = await Promise.all([
        webhooks.get(scope, call.webhookId),
        webhooks.signingSecrets(scope, call.webhookId),
        events.get(tenant, call.eventId),
      ]);
      const key = { tenant, webhookId: call.webhookId, eventId: call.eventId, deliveryId: call.deliveryId };
      if (!webhook || !webhook.active || webhook.disabledAt) {
        await logSkip(deliveries, { ...key, eventType: event?.type });
        return { skipped: !webhook ? 'deleted' : webhook.active ? 'disabled' : 'inactive', attempt };
      }
      if (!event) throw notSendable(`event ${call.eventId} is not in the registry`);
      const retry = resolveRetry(webhook);
      const logFacts = { ...key, eventType: event.type, attempt, maximumAttempts: retry.maximumAttempts };
      const sendLogged = () =>
        logged(deliveries, logFacts, async () => {
          const req = requestOrFail({ webhook, event, secrets, attempt, messageId: messageIdOf(call) });
          const policy = { timeoutMs: toMs(webhook.timeout), retry, successStatuses: webhook.successStatuses };
          const facts = { url: webhook.url, method: 'POST', attempt, maxAttempts: policy.retry.maximumAttempts };
          const result = await withHeartbeats(ctx, attempt, () =>
            observeAttempt(observerOf(ctx), facts, attemptLog, () =>
              trackHealth(health, { tenant, webhook, ...facts }, ctx.log.warn.bind(ctx.log), () =>
                send(req, policy, { agent, attempt, signal: ctx.cancellationSignal }),
              ),
            ),
          );
          return { status: result.status, attempt: result.attempt };
        });
      return inTurn(leases, turnOf(call, webhook, attempt), ctx.log.warn.bind(ctx.log), sendLogged);
    },
  };
}

function subscriberActivities(repos: (o: { retryable: boolean }) => Promise<Registry>) {
  return {
    async listSubscribers(query: SubscriberQuery): Promise<SubscriberPage> {
      const tenant = query.tenant ?? DEFAULT_TENANT;
      // A local activity's retries never show in the Web UI: without a registry the fan-out fails, visibly.
      const registry = await repos({ retryable: false });
      const rows = await registry.webhooks.subscribers(tenant, query.type, query.after, query.limit);
      const page = pageOf(rows.map(subscriberOf), rows.length === query.limit);
      // Logged in this local activity, before the page's runs start: the fan-out's commands stay as they were.
      if (query.eventId) await logPage(registry.deliveries, tenant, { id: query.eventId, type: query.type }, page);
      return page;
    },
  };
}

function automationActivities(repos: (o: { retryable: boolean }) => Promise<Registry>, retentionMs: number) {
  return {
    ...automationRunActivities(repos, retentionMs),
    /**
     * The active automations of the event's tenant and type, a page at a time, with the event they run on: the page
     * is cut so the runs it starts, each carrying its steps and the event, fit one workflow task (automationPageOf).
     */
    async listAutomations(query: {
      tenant?: string;
      type: string;
      eventId: string;
      after?: string;
      limit: number;
    }): Promise<AutomationPage> {
      const tenant = query.tenant ?? DEFAULT_TENANT;
      const registry = await repos({ retryable: false });
      const rows = await registry.automations.subscribers(tenant, query.type, query.after, query.limit);
      if (rows.length === 0) return { automations: [] };
      const event = await registry.events.get(tenant, query.eventId);
      if (!event) throw notSendable(`event ${query.eventId} is not in the registry`);
      const subscribers = rows.map((a) => ({ automationId: a.id, version: a.version, steps: a.steps }));
      const page = automationPageOf(subscribers, event, rows.length === query.limit);
      // Logged in this local activity, before the page's runs start: the fan-out's commands stay as they were.
      await logRunsStarted(registry.automationRuns, tenant, { id: event.id, type: event.type }, page);
      return page;
    },
  };
}

/**
 * The registry when a delivery first needs it: opened once, and again after a failed opening. A worker without one
 * (`hookstep worker` without HOOKSTEP_DATABASE_URL) fails event work with RegistryUnavailable: an embedded registry
 * of its own would be one no API writes to, and every event would fan out to no one (issue 19, item 3).
 */
function lazyRegistry(source: RegistrySource | undefined): (o: { retryable: boolean }) => Promise<Registry> {
  let opening: Promise<Registry> | undefined;
  return ({ retryable }) => {
    if (!source) throw registryUnavailable(retryable);
    if (typeof source !== 'function') return Promise.resolve(source);
    opening ??= source().catch((err: unknown) => {
      opening = undefined;
      throw err;
    });
    return opening;
  };
}

/** This attempt's turn at its webhook's slots: the run's workflow ID holds the slot on every attempt. */
function turnOf(call: EventDeliveryCall, webhook: Webhook, attempt: number): Turn {
  const holder = Context.current().info.workflowExecution?.workflowId ?? messageIdOf(call);
  return { webhook, holder, attempt, timeoutMs: toMs(webhook.timeout), mayWait: call.mayWait === true };
}

/** The attempt's request, or EventNotSendable when the event cannot be written in the webhook's format. */
function requestOrFail(input: EventRequestInput) {
  try {
    return buildEventRequest(input, Date.now());
  } catch (err) {
    if (err instanceof NotXmlError) throw notSendable(`cannot be written as XML: ${err.message}`);
    throw err;
  }
}

/**
 * webhook-id: one per webhook and event, the same on every attempt, so a receiver drops a redelivery. A webhook has one
 * tenant, so the pair is unique across tenants too.
 */
export function messageIdOf(call: Pick<EventDeliveryCall, 'webhookId' | 'eventId'>): string {
  return `${call.webhookId}/${call.eventId}`;
}

/** What a delivery run needs of its webhook before its first attempt. */
export function subscriberOf(webhook: Webhook): Subscriber {
  return {
    webhookId: webhook.id,
    url: webhook.url,
    delayMs: webhook.delay ? webhook.delay.amount * DELAY_UNITS[webhook.delay.unit] : 0,
    timeoutMs: toMs(webhook.timeout),
    retry: resolveRetry(webhook),
  };
}

function registryUnavailable(retryable: boolean): ApplicationFailure {
  return ApplicationFailure.create({
    type: FailureType.RegistryUnavailable,
    message:
      'this worker has no registry of event webhooks: set HOOKSTEP_DATABASE_URL to the PostgreSQL database ' +
      'the API uses (an embedded registry serves only `hookstep dev`, where the API runs in the same process)',
    nonRetryable: !retryable,
  });
}

function notSendable(message: string): ApplicationFailure {
  return ApplicationFailure.create({ type: FailureType.EventNotSendable, message, nonRetryable: true });
}
