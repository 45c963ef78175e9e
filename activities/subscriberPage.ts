// An event's subscribers a page at a time, each page small enough for the fan-out's history (src/contract/
// temporalLimits.ts).
import { MAX_SUBSCRIBER_PAGE_BYTES, jsonBytes, type HookstepEvent } from '../src/contract';
import type { AutomationPage, AutomationSubscriber, Subscriber, SubscriberPage } from './events';

/**
 * A page the fan-out can record: subscribers are kept while they encode to at most MAX_SUBSCRIBER_PAGE_BYTES (500 with
 * 8 KiB URLs would not fit Temporal's 2 MiB payload, nor their 500 child starts a 4 MiB gRPC message), and the next
 * page starts after the last one kept. `full`: the query returned as many rows as it asked for.
 */
export function pageOf(subscribers: Subscriber[], full: boolean): SubscriberPage {
  let bytes = 0;
  let kept = 0;
  for (const subscriber of subscribers) {
    bytes += jsonBytes(subscriber) + 1;
    if (kept > 0 && bytes > MAX_SUBSCRIBER_PAGE_BYTES) break;
    kept++;
  }
  const page = subscribers.slice(0, kept);
  return { subscribers: page, next: full || kept < subscribers.length ? page.at(-1)?.webhookId : undefined };
}

/**
 * A page of automations the fan-out can start in one task: each run's input carries its steps and the event, so each
 * counts both, and the page is kept to MAX_SUBSCRIBER_PAGE_BYTES as a subscriber page is (at least one automation).
 */
export function automationPageOf(
  automations: AutomationSubscriber[],
  trigger: HookstepEvent,
  full: boolean,
): AutomationPage {
  const eventBytes = jsonBytes(trigger);
  let bytes = 0;
  let kept = 0;
  for (const automation of automations) {
    bytes += jsonBytes(automation) + eventBytes + 1;
    if (kept > 0 && bytes > MAX_SUBSCRIBER_PAGE_BYTES) break;
    kept++;
  }
  const page = automations.slice(0, kept);
  const next = full || kept < automations.length ? page.at(-1)?.automationId : undefined;
  return { automations: page, trigger, ...(next ? { next } : {}) };
}
