// Fair delivery in the outbox (issues 20 and 23), at the registry: a claim takes no more of a webhook's deliveries
// than its cap leaves slots for and parks the rest; a slot freed, by a dispatcher's attempt or a run's, lets the next
// parked delivery go at once rather than after its park. No worker runs here: the test claims as a dispatcher would.
import { CLAIM_MS } from '../../src/worker/dispatcher';
import { unique, useEventStack } from '../helpers/events';
import { registryDatabases } from '../helpers/registry';
import { until } from '../helpers/until';

describe.each(registryDatabases())('the outbox parks and frees on $name', (database) => {
  const stack = useEventStack('outbox-parking', database, { worker: false });

  /** A webhook with `maxInFlight` and three events queued for it, in order (no worker runs): their delivery IDs. */
  async function threeQueued(maxInFlight: number) {
    const type = unique('order.created');
    const hook = await stack
      .api()
      .webhooks.create({ label: `cap ${maxInFlight}`, event: type, url: 'https://a.example/h', maxInFlight });
    const ids = [unique('e1'), unique('e2'), unique('e3')];
    for (const id of ids) await stack.api().events.publish({ id, type, entity: { id: 1, type: 'order' } });
    return { hook, deliveries: ids.map((id) => `${hook.id}/${id}`) };
  }

  test('with maxInFlight 1 a claim takes one delivery and parks the next; any freed slot un-parks it at once', async () => {
    const { outbox, leases } = stack.registry();
    const { hook, deliveries } = await threeQueued(1);
    const [first, second, third] = deliveries;
    const parkMs = 60_000;
    const claim = () => outbox.claim(unique('dispatcher'), 10, CLAIM_MS, parkMs);

    // One slot: the first is claimed with it, the other two are parked (a claim again finds nothing due).
    expect((await claim()).map((e) => [e.deliveryId, e.slotted])).toEqual([[first, true]]);
    expect(await leases.count(hook.id)).toEqual({ inFlight: 1, waiting: 0 });
    expect(await claim()).toEqual([]);

    // The first attempt ends and frees its slot: the next in queue order is due at once, not in a minute.
    await leases.release(hook.id, first);
    await outbox.done(first);
    expect((await claim()).map((e) => e.deliveryId)).toEqual([second]);

    // A run's retry holding the slot frees it the same way (its holder is its run's ID, not an outbox row).
    await leases.release(hook.id, second);
    await outbox.done(second);
    const run = unique('run');
    expect(await leases.acquire({ webhookId: hook.id, holder: run, maxInFlight: 1, leaseMs: 60_000 })).toEqual({
      granted: true,
    });
    expect(await claim()).toEqual([]);
    await leases.release(hook.id, run);
    expect((await claim()).map((e) => e.deliveryId)).toEqual([third]);
    await leases.release(hook.id, third);
    await outbox.done(third);
    expect(await outbox.size()).toBe(0);
  });

  test(
    'a slot held by a dispatcher that died mid-send is free once its lease expires, and not before: no other claim ' +
      "sends that delivery beside it, the dead slot counts toward the cap (a run's attempt is refused), then the " +
      'delivery is claimed again with a slot',
    async () => {
      const { outbox, leases } = stack.registry();
      const { hook, deliveries } = await threeQueued(2);
      const [sending, next] = deliveries;
      // The dead dispatcher's claim and slot, for 1 s: it never frees them.
      expect((await outbox.claim(unique('dead'), 1, 1_000, 60_000)).map((e) => e.deliveryId)).toEqual([sending]);
      // Another dispatcher gets the next one with the last slot; the third is parked; the dead one's is not taken.
      const live = () => outbox.claim(unique('live'), 10, 60_000, 60_000);
      expect((await live()).map((e) => e.deliveryId)).toEqual([next]);
      const run = { webhookId: hook.id, holder: unique('run'), maxInFlight: 2, leaseMs: 60_000 };
      expect(await leases.acquire(run)).toMatchObject({ granted: false });
      expect((await leases.count(hook.id)).inFlight).toBe(2);
      // Once its claim and slot expire, the delivery is claimed again, with a slot: still 2 in flight.
      const again = await until(
        async () => {
          const claimed = await live();
          return claimed.length > 0 ? claimed : undefined;
        },
        'the dead claim to expire',
        10_000,
      );
      expect(again.map((e) => [e.deliveryId, e.slotted])).toEqual([[sending, true]]);
      expect((await leases.count(hook.id)).inFlight).toBe(2);
    },
  );
});
