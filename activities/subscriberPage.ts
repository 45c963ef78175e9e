// An event's subscribers a page at a time, each page small enough for the fan-out's history (src/contract/
// temporalLimits.ts).
import { MAX_SUBSCRIBER_PAGE_BYTES, jsonBytes } from '../src/contract';
import type { Subscriber, SubscriberPage } from './events';

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
