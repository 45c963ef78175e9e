/** @cluster */
// Event webhooks in time: a webhook's delay is a durable timer (Shoprenter: 10 day), a webhook switched off before
// its delayed delivery fires is not sent, and Ecwid's success statuses with its 15-minute schedule.
import { WorkflowNotFoundError } from '@temporalio/client';
import { DEFAULT_TENANT } from '../../src/contract';
import { delivered, dispatched, settled, unique, useEventStack } from '../helpers/events';
import { firstTimer } from '../helpers/history';
import { json } from '../helpers/receiver';
import { registryDatabases } from '../helpers/registry';

describe.each(registryDatabases())('event webhooks in time, on $name', (database) => {
  const stack = useEventStack('events-time', database);
  const publish = (type: string) =>
    stack.api().events.publish({ id: unique('evt'), type, entity: { id: 1, type: 'order' } });

  test('a delay of 2 second waits on a durable timer before the delivery', async () => {
    const r = await stack.receiver((_req, res) => json(res, 200, {}));
    const type = unique('order_confirm');
    const created = await stack
      .api()
      .webhooks.create({ label: 'late', event: type, url: r.url, delay: { amount: 2, unit: 'second' } });
    const publishedAt = Date.now();
    const { eventId } = await publish(type);
    await delivered(stack, eventId);
    expect(r.requests).toHaveLength(1);
    expect(r.requests[0].at - publishedAt).toBeGreaterThanOrEqual(2_000);
    const timer = await firstTimer(stack.temporal().client.workflow.getHandle(`${created.id}/${eventId}`));
    expect(timer).toMatchObject({ seconds: 2, summary: `delay before ${type} → ${new URL(r.url).host}` });
  });

  test("Shoprenter's 10 day delay shows as a timer that fires 10 days after the event", async () => {
    const r = await stack.receiver((_req, res) => json(res, 200, {}));
    const type = unique('order_confirm');
    const created = await stack
      .api()
      .webhooks.create({ label: 'later', event: type, url: r.url, delay: { amount: 10, unit: 'day' } });
    const { eventId } = await publish(type);
    const handle = stack.temporal().client.workflow.getHandle(`${created.id}/${eventId}`);
    const timer = await firstTimer(handle);
    expect(timer.seconds).toBe(10 * 86_400);
    expect(Math.abs(timer.startedAt + timer.seconds * 1000 - (Date.now() + 10 * 86_400_000))).toBeLessThan(60_000);
    expect(r.requests).toHaveLength(0);
    await handle.terminate('test over: the timer was seen');
  });

  test('a webhook switched off before its delayed delivery fires is not sent', async () => {
    const r = await stack.receiver((_req, res) => json(res, 200, {}));
    const type = unique('order_status_change');
    const created = await stack
      .api()
      .webhooks.create({ label: 'off', event: type, url: r.url, delay: { amount: 2, unit: 'second' } });
    const { eventId } = await publish(type);
    await firstTimer(stack.temporal().client.workflow.getHandle(`${created.id}/${eventId}`));
    await stack.api().webhooks.update(created.id, { active: false });
    expect((await delivered(stack, eventId))[created.id]).toEqual({ skipped: 'inactive', attempt: 1 });
    expect(r.requests).toHaveLength(0);
  });

  test("Ecwid's success statuses: a 201 is delivered; a 202 is retried on the 15-minute schedule", async () => {
    const r = await stack.receiver((req, res) => json(res, req.url.startsWith('/created') ? 201 : 202, {}));
    const type = unique('order.created');
    const ecwid = {
      envelope: 'ecwid' as const,
      successStatuses: [200, 201],
      retry: { initialInterval: '15m', backoffCoefficient: 1 },
    };
    const accepted = await stack.api().webhooks.create({ label: 'a', event: type, url: `${r.url}/created`, ...ecwid });
    const refused = await stack.api().webhooks.create({ label: 'b', event: type, url: `${r.url}/accepted`, ...ecwid });
    const published = await publish(type);
    const { eventId } = published;
    const { client } = stack.temporal();
    // Both first attempts are made: the 201 settled by the dispatcher (delivered, no run), the 202 handed to its run.
    expect(await dispatched(stack, published)).toBe(2);
    const { delivery } = await settled(stack, DEFAULT_TENANT, `${accepted.id}/${eventId}`);
    expect(delivery).toMatchObject({ state: 'delivered', attempts: 1, lastStatus: 201 });
    await expect(client.workflow.getHandle(`${accepted.id}/${eventId}`).describe()).rejects.toThrow(
      WorkflowNotFoundError,
    );
    const retrying = client.workflow.getHandle(`${refused.id}/${eventId}`);
    const backoff = await firstTimer(retrying);
    expect(backoff).toMatchObject({
      seconds: 15 * 60,
      summary: `backoff before attempt 2 of ${type} → ${new URL(r.url).host}`,
    });
    expect(r.requests.filter((q) => q.url.startsWith('/accepted'))).toHaveLength(1);
    const refusedLog = await stack.api().deliveries.get(`${refused.id}/${eventId}`);
    expect(refusedLog.delivery).toMatchObject({ state: 'pending', attempts: 1, lastStatus: 202 });
    await retrying.terminate('test over: the 15-minute backoff was seen');
  });
});
