// An event's automations a page at a time: each run the fan-out starts carries its steps and the event, so a page is
// cut by both, as a subscriber page is by its subscribers (activities/subscriberPage.ts).
import type { AutomationSubscriber } from '../../activities/events';
import { automationPageOf } from '../../activities/subscriberPage';
import { MAX_SUBSCRIBER_PAGE_BYTES, jsonBytes, type HookstepEvent } from '../../src/contract';

const automation = (i: number): AutomationSubscriber => ({
  automationId: `au_${String(i).padStart(3, '0')}`,
  version: 1,
  steps: [
    {
      id: 's',
      type: 'sendWebhook',
      onFailure: 'stop',
      with: { url: 'https://example.com/', method: 'POST', timeout: '30s' },
    },
  ],
});
const event = (bytes: number): HookstepEvent => ({
  id: 'ord-1',
  type: 'order.created',
  tenant: 'store-a',
  occurredAt: '2026-11-29T00:00:00.000Z',
  entity: { id: 1, type: 'order' },
  data: { note: 'x'.repeat(bytes) },
});

test('a page of automations counts the event each run carries: a large event makes short pages, resumed after the last kept', () => {
  const rows = Array.from({ length: 500 }, (_, i) => automation(i));
  const trigger = event(100 * 1024);
  const page = automationPageOf(rows, trigger, true);
  expect(page.automations.length).toBe(5);
  expect(page.automations.length * (jsonBytes(trigger) + jsonBytes(rows[0]))).toBeLessThanOrEqual(
    MAX_SUBSCRIBER_PAGE_BYTES,
  );
  expect(page.next).toBe('au_004');
  expect(page.trigger).toBe(trigger);
  // A small event keeps a short last page whole, and it ends the list.
  expect(automationPageOf(rows.slice(0, 3), event(10), false)).toEqual({
    automations: rows.slice(0, 3),
    trigger: event(10),
  });
  // One automation with an event near the limit is still started: a page never comes back empty.
  expect(automationPageOf(rows.slice(0, 2), event(MAX_SUBSCRIBER_PAGE_BYTES), false)).toMatchObject({
    automations: [rows[0]],
    next: 'au_000',
  });
});
