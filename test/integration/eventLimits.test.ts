/** @cluster */
// An event's fan-out under Temporal's limits, on each registry database: a page of subscribers is recorded in its
// history and its child starts in one gRPC message, so pages are cut by size: a fan-out to many long-URL webhooks
// neither retries a 5 MB workflow task forever (today) nor is TERMINATED.
import type { Subscriber } from '../../activities/events';
import { pageOf } from '../../activities/subscriberPage';
import { DEFAULT_TENANT, MAX_SUBSCRIBER_PAGE_BYTES, jsonBytes } from '../../src/contract';
import { fanOutWorkflowId } from '../../src/api/publish';
import { delivered, unique, useEventStack } from '../helpers/events';
import { json } from '../helpers/receiver';
import { registryDatabases } from '../helpers/registry';

describe.each(registryDatabases())('event fan-out limits on $name', (database) => {
  const stack = useEventStack('event-limits', database);

  test('300 webhooks with 8 KB URLs each get the event: pages fit a payload and a gRPC message, so the fan-out neither hangs nor is TERMINATED', async () => {
    const ok = await stack.receiver((_req, res) => json(res, 200, {}));
    const type = unique('long.urls');
    const created = [];
    for (let i = 0; i < 300; i++) {
      const path = `/${String(i).padStart(3, '0')}${'p'.repeat(8000)}`;
      created.push(await stack.api().webhooks.create({ label: 'long', url: `${ok.url}${path}`, event: type }));
    }
    const eventId = unique('long');
    await stack.api().events.publish({ id: eventId, type, entity: { id: 1, type: 'order' } });
    const results = await delivered(stack, eventId);
    // Each webhook got the event (a retry under load may send one twice: the point is that none is missing).
    for (const w of created) expect(results[w.id]).toMatchObject({ status: 200 });
    expect(new Set(ok.requests.map((r) => r.url)).size).toBe(300);
    const fanOut = await stack
      .temporal()
      .client.workflow.getHandle(fanOutWorkflowId(DEFAULT_TENANT, eventId))
      .describe();
    expect(fanOut.status.name).toBe('COMPLETED');
  }, 300_000);
});

test('a page keeps subscribers while they fit and resumes after the last one kept', () => {
  const subscriber = (i: number): Subscriber => ({
    webhookId: `wh_${i}`,
    url: `https://example.com/${'p'.repeat(8000)}`,
    delayMs: 0,
    timeoutMs: 30_000,
    retry: { initialIntervalMs: 5000, backoffCoefficient: 2, maximumIntervalMs: 3_600_000, maximumAttempts: 10 },
  });
  const rows = Array.from({ length: 500 }, (_, i) => subscriber(i));
  const page = pageOf(rows, true);
  expect(page.subscribers.length).toBeLessThan(rows.length);
  expect(jsonBytes(page.subscribers)).toBeLessThanOrEqual(MAX_SUBSCRIBER_PAGE_BYTES);
  expect(page.next).toBe(page.subscribers.at(-1)!.webhookId);
  // A short last page is whole and ends the list; a cut one never does.
  expect(pageOf(rows.slice(0, 3), false)).toEqual({ subscribers: rows.slice(0, 3), next: undefined });
  expect(pageOf(rows, false).next).toBe(page.next);
});
