// What an operator sees of a run at a glance: its static summary and its Hookstep search attributes. The start-time
// ones (host, method, automation, event, webhook) are set in the start options by whoever starts the run, so they
// cost nothing extra; the outcome (status, failure type, attempts) is upserted by the workflow in its last task.
// Pure, so the client helpers, the workflows (for child runs) and other capabilities share it.
import type { SearchAttributePair } from '@temporalio/common';
import { DEFAULT_METHOD } from './defaults';
import { summaryLine } from './display';
import { stepSummary } from './plan';
import type { StepInput } from './schemas/step';
import {
  HookstepAttempts,
  HookstepAutomationId,
  HookstepEventType,
  HookstepFailureType,
  HookstepHost,
  HookstepMethod,
  HookstepStatus,
  HookstepTenant,
  HookstepWebhookId,
} from './searchAttributes';

/** What is known of a run when it starts. */
export interface StartFacts {
  /** The destination, for host and method; absent for runs that deliver nowhere themselves (an automation). */
  url?: string;
  method?: string;
  automationId?: string;
  eventType?: string;
  webhookId?: string;
  tenant?: string;
}

/** The start options that make a run findable: spread into `client.workflow.start` or `executeChild` options. */
export interface InspectStartOptions {
  staticSummary: string;
  typedSearchAttributes: SearchAttributePair[];
}

/** What is known of a run when it ends. */
export interface RunOutcome {
  status?: number;
  failureType?: string;
  attempts?: number;
}

/** Keyword values are limited to this many bytes by default (visibility stores); longer ones are cut. */
const MAX_KEYWORD_CHARS = 255;

/** host[:port] as the URL names it (the port only when it is not the scheme's default); undefined when unparsable. */
export function destinationHost(url: unknown): string | undefined {
  if (typeof url !== 'string') return undefined;
  try {
    return new URL(url).host || undefined;
  } catch {
    return undefined;
  }
}

export function startSearchAttributes(facts: StartFacts): SearchAttributePair[] {
  const host = destinationHost(facts.url);
  const pairs: SearchAttributePair[] = [];
  if (host) {
    pairs.push({ key: HookstepHost, value: keyword(host) });
    // Read from input not yet validated when a run started by name records it: anything but a string is the default.
    pairs.push({
      key: HookstepMethod,
      value: keyword(typeof facts.method === 'string' ? facts.method : DEFAULT_METHOD),
    });
  }
  if (typeof facts.automationId === 'string' && facts.automationId)
    pairs.push({ key: HookstepAutomationId, value: keyword(facts.automationId) });
  if (facts.eventType) pairs.push({ key: HookstepEventType, value: keyword(facts.eventType) });
  if (facts.webhookId) pairs.push({ key: HookstepWebhookId, value: keyword(facts.webhookId) });
  if (facts.tenant) pairs.push({ key: HookstepTenant, value: keyword(facts.tenant) });
  return pairs;
}

export function outcomeSearchAttributes(outcome: RunOutcome): SearchAttributePair[] {
  const pairs: SearchAttributePair[] = [];
  if (outcome.status !== undefined) pairs.push({ key: HookstepStatus, value: outcome.status });
  if (outcome.failureType) pairs.push({ key: HookstepFailureType, value: keyword(outcome.failureType) });
  if (outcome.attempts !== undefined) pairs.push({ key: HookstepAttempts, value: outcome.attempts });
  return pairs;
}

/** A step run (sendWebhook): summary `POST api.example.com/hooks`, host and method, and its automation if any. */
export function stepStartOptions(
  step: Pick<StepInput, 'url' | 'method'>,
  facts: Omit<StartFacts, 'url' | 'method'> = {},
): InspectStartOptions {
  return {
    staticSummary: safeSummary(() => stepSummary(step)),
    typedSearchAttributes: startSearchAttributes({ ...facts, url: step.url, method: step.method }),
  };
}

/** An automation run: summary `automation order-sync: 3 steps`, and its automation id. */
export function automationStartOptions(automation: { id: string; steps: readonly unknown[] }): InspectStartOptions {
  const n = automation.steps.length;
  return {
    staticSummary: summaryLine(`automation ${automation.id}: ${n} step${n === 1 ? '' : 's'}`),
    typedSearchAttributes: startSearchAttributes({ automationId: automation.id }),
  };
}

/** The memo key of the version of its steps a stored automation's run ran (set by workflows/eventFanOut.ts). */
export const AUTOMATION_VERSION_MEMO = 'hookstepAutomationVersion';

/**
 * A stored automation's run, started by an event: summary `automation au_…: 3 steps`, its automation id, the event
 * type and the tenant, so its runs are found by automation and by event type.
 */
export function eventAutomationStartOptions(facts: {
  automationId: string;
  steps: readonly unknown[];
  eventType: string;
  tenant?: string;
}): InspectStartOptions {
  return {
    staticSummary: automationStartOptions({ id: facts.automationId, steps: facts.steps }).staticSummary,
    typedSearchAttributes: startSearchAttributes(facts),
  };
}

/** An event delivery run: summary `order.created → api.example.com`, host, method, event type, webhook and tenant. */
export function deliveryStartOptions(facts: StartFacts & { url: string; eventType: string }): InspectStartOptions {
  const host = destinationHost(facts.url) ?? 'an invalid URL';
  return {
    staticSummary: summaryLine(`${facts.eventType} → ${host}`),
    typedSearchAttributes: startSearchAttributes(facts),
  };
}

/**
 * An event's fan-out run, started by the API when the event is published (before its subscribers are read): summary
 * `order.created: fan-out of event ord-1-created`, its event type and its tenant.
 */
export function fanOutStartOptions(facts: { eventType: string; eventId: string; tenant: string }): InspectStartOptions {
  return {
    staticSummary: summaryLine(`${facts.eventType}: fan-out of event ${facts.eventId}`),
    typedSearchAttributes: startSearchAttributes({ eventType: facts.eventType, tenant: facts.tenant }),
  };
}

function keyword(value: string): string {
  return value.length > MAX_KEYWORD_CHARS ? value.slice(0, MAX_KEYWORD_CHARS) : value;
}

function safeSummary(make: () => string): string {
  try {
    return make();
  } catch {
    return 'an invalid step';
  }
}
