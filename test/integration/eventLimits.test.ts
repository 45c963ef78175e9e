/** @cluster */
// An event to many webhooks under Temporal's limits, on each registry database. Since issue 23 a publish queues its
// deliveries in the registry's outbox (no fan-out run records the subscribers: none nears a payload or gRPC limit),
// and a worker's dispatcher sends them: a publish to many long-URL webhooks queues every one, and every one arrives,
// with no run hanging or TERMINATED. A fan-out still pages subscribers by size (its automations', and a fan-out
// started before), which the unit test below checks.
import { WorkflowNotFoundError } from '@temporalio/client';
import type { Subscriber } from '../../activities/events';
import { pageOf } from '../../activities/subscriberPage';
import { DEFAULT_TENANT, MAX_SUBSCRIBER_PAGE_BYTES, jsonBytes, tenantScope } from '../../src/contract';
import { fanOutWorkflowId } from '../../src/api/publish';
import { delivered, unique, useEventStack } from '../helpers/events';
import { json } from '../helpers/receiver';
import { registryDatabases } from '../helpers/registry';

describe.each(registryDatabases())('event delivery limits on $name', (database) => {
  const stack = useEventStack('event-limits', database);

  test('300 webhooks with 8 KB URLs each get the event: the publish queues all 300 and all arrive, with no run hanging or TERMINATED', async () => {
    const ok = await stack.receiver((_req, res) => json(res, 200, {}));
    const type = unique('long.urls');
    const created = [];
    for (let i = 0; i < 300; i++) {
      const path = `/${String(i).padStart(3, '0')}${'p'.repeat(8000)}`;
      created.push(await stack.api().webhooks.create({ label: 'long', url: `${ok.url}${path}`, event: type }));
    }
    const eventId = unique('long');
    const published = await stack.api().events.publish({ id: eventId, type, entity: { id: 1, type: 'order' } });
    expect(published).toMatchObject({ eventId, deliveries: 300, duplicate: false });
    // No automation listens: no fan-out run at all.
    expect(published.workflowId).toBeUndefined();
    const { client } = stack.temporal();
    await expect(client.workflow.getHandle(fanOutWorkflowId(DEFAULT_TENANT, eventId)).describe()).rejects.toThrow(
      WorkflowNotFoundError,
    );
    const results = await delivered(stack, eventId);
    // Each webhook got the event (a retry under load may send one twice: the point is that none is missing).
    for (const w of created) expect(results[w.id]).toMatchObject({ status: 200 });
    expect(new Set(ok.requests.map((r) => r.url)).size).toBe(300);
    const { deliveries } = await stack
      .registry()
      .deliveries.list(tenantScope(DEFAULT_TENANT), { eventId, limit: 1000 });
    expect(deliveries).toHaveLength(300);
    expect(new Set(deliveries.map((d) => d.state))).toEqual(new Set(['delivered']));
    // A delivery retried under load has a run: it ended, COMPLETED (none hangs, none was TERMINATED).
    for (const w of created) {
      const run = await client.workflow
        .getHandle(`${w.id}/${eventId}`)
        .describe()
        .catch((err: unknown) => {
          if (err instanceof WorkflowNotFoundError) return undefined;
          throw err;
        });
      if (run) expect(run.status.name).toBe('COMPLETED');
    }
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
