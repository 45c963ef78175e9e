// Fair delivery (issue 20, item 5): a webhook's cap on requests in flight holds across the run's deliveries, its rate
// spaces them, and a delivery that waits for a slot waits on a timer: no failed attempt in the log, nothing toward
// disabling the webhook, the same attempt numbers. A slot held by a worker that died is freed when its lease expires.
// Real dev server, real worker, real receivers on 127.0.0.1, on each registry database.
import { unique, useEventStack } from '../helpers/events';
import { Worker } from '@temporalio/worker';
import { timersOf } from '../helpers/history';
import { json } from '../helpers/receiver';
import { runCli } from '../helpers/cli';
import { registryDatabases } from '../helpers/registry';
import { testDataConverter } from '../helpers/temporal';
import { until } from '../helpers/until';

const WAITING = /^waiting for a slot: attempt (\d+) of /;

describe.each(registryDatabases())('fair delivery on $name', (database) => {
  const stack = useEventStack('fair', database);

  /** Publishes `count` events of `type` and waits for their fan-outs, so every delivery run has started. */
  const publish = async (type: string, count: number) => {
    const ids = Array.from({ length: count }, () => unique('evt'));
    const published = [];
    for (const id of ids)
      published.push(await stack.api().events.publish({ id, type, entity: { id: 1, type: 'order' } }));
    await Promise.all(published.map((p) => stack.temporal().client.workflow.getHandle(p.workflowId).result()));
    return ids;
  };
  const result = (webhookId: string, eventId: string) =>
    stack.temporal().client.workflow.getHandle(`${webhookId}/${eventId}`).result();
  /** The attempts each throttled wait of a delivery run was for (empty: it never waited). */
  const waits = async (webhookId: string, eventId: string) =>
    (await timersOf(stack.temporal().client.workflow.getHandle(`${webhookId}/${eventId}`)))
      .map((t) => WAITING.exec(t.summary ?? '')?.[1])
      .filter((a) => a !== undefined)
      .map(Number);
  /** Replays a run's history against the workflow code that recorded it: throttled waits replay as they ran. */
  const replays = async (webhookId: string, eventId: string) => {
    const handle = stack.temporal().client.workflow.getHandle(`${webhookId}/${eventId}`);
    const workflowBundle = { codePath: process.env.HOOKSTEP_TEST_WORKFLOW_BUNDLE! };
    await Worker.runReplayHistory({ workflowBundle, dataConverter: testDataConverter() }, await handle.fetchHistory());
  };
  /** Takes the webhook's one slot as another worker's request in flight would, once it is free. */
  const occupy = (webhookId: string, holder = unique('other-worker')) =>
    until(async () => {
      const slot = await stack.registry().leases.acquire({ webhookId, holder, maxInFlight: 1, leaseMs: 60_000 });
      return slot.granted ? holder : undefined;
    }, 'a free slot');

  test(
    'with maxInFlight 2 the receiver never holds more than 2 requests while 10 events are delivered, and all 10 ' +
      'arrive once; sdk-typescript#1084: the cap holds for attempt 1 too, which runs as a local activity',
    async () => {
      const type = unique('order.created');
      let open = 0;
      let peak = 0;
      const receiver = await stack.receiver((_req, res) => {
        peak = Math.max(peak, ++open);
        setTimeout(() => {
          open--;
          json(res, 200, { ok: true });
        }, 300);
      });
      const webhook = await stack
        .api()
        .webhooks.create({ label: 'capped', event: type, url: receiver.url, maxInFlight: 2 });
      expect(webhook.maxInFlight).toBe(2);
      const events = await publish(type, 10);
      const results = await Promise.all(events.map((e) => result(webhook.id, e)));
      expect(results).toEqual(events.map(() => ({ status: 200, attempt: 1 })));
      expect(peak).toBeLessThanOrEqual(2);
      expect(peak).toBe(2);
      const ids = receiver.requests.map((r) => r.headers['webhook-id']);
      expect(new Set(ids).size).toBe(10);
      expect(ids).toHaveLength(10);
      // Some waited (otherwise the cap was never tested), each for attempt 1, and logged one delivered attempt.
      const waited = (await Promise.all(events.map((e) => waits(webhook.id, e)))).flat();
      expect(waited.length).toBeGreaterThan(0);
      expect(new Set(waited)).toEqual(new Set([1]));
      for (const e of events) {
        const { delivery, attempts } = await stack.api().deliveries.get(`${webhook.id}/${e}`);
        expect(delivery).toMatchObject({ state: 'delivered', attempts: 1 });
        expect(attempts.map((a) => a.failureType)).toEqual([undefined]);
      }
      expect(await stack.registry().leases.count(webhook.id)).toEqual({ inFlight: 0, waiting: 0 });
    },
    60_000,
  );

  test('convoy#1927: a rate of 5 per second spaces 6 deliveries 200 ms apart (a burst is not sent at once)', async () => {
    const type = unique('order.created');
    const receiver = await stack.receiver((_req, res) => json(res, 200, { ok: true }));
    const webhook = await stack
      .api()
      .webhooks.create({ label: 'paced', event: type, url: receiver.url, ratePerSecond: 5 });
    const events = await publish(type, 6);
    await Promise.all(events.map((e) => result(webhook.id, e)));
    const at = receiver.requests.map((r) => r.at).sort((a, b) => a - b);
    expect(at).toHaveLength(6);
    // Spaced by the database's clock when each slot is given; between that and the receiver a request takes a few
    // milliseconds more or less (building, signing, the socket), so each gap is checked with room for that.
    const gaps = at.slice(1).map((t, i) => t - at[i]);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(100);
    expect(at[5] - at[0]).toBeGreaterThanOrEqual(5 * 200 - 100);
  }, 60_000);

  test(
    'convoy#676: a delivery that waits for a slot stays pending, logs no failed attempt and counts nothing toward ' +
      'disabling its webhook (disableAfter 1)',
    async () => {
      const type = unique('order.created');
      const receiver = await stack.receiver((_req, res) => json(res, 200, { ok: true }));
      const webhook = await stack.api().webhooks.create({
        label: 'full',
        event: type,
        url: receiver.url,
        maxInFlight: 1,
        disableAfter: 1,
      });
      const holder = await occupy(webhook.id);
      const [event] = await publish(type, 1);
      await until(async () => ((await waits(webhook.id, event)).length >= 2 ? true : undefined), 'two waits');
      const { delivery, attempts } = await stack.api().deliveries.get(`${webhook.id}/${event}`);
      expect(delivery).toMatchObject({ state: 'pending', attempts: 0 });
      expect(attempts).toEqual([]);
      expect(receiver.requests).toHaveLength(0);
      const waiting = await stack.api().webhooks.get(webhook.id);
      expect(waiting).toMatchObject({ consecutiveFailures: 0 });
      expect(waiting.disabledAt).toBeUndefined();
      await stack.registry().leases.release(webhook.id, holder);
      expect(await result(webhook.id, event)).toEqual({ status: 200, attempt: 1 });
      expect((await stack.api().deliveries.get(`${webhook.id}/${event}`)).attempts).toHaveLength(1);
      expect((await stack.api().webhooks.get(webhook.id)).disabledAt).toBeUndefined();
      await replays(webhook.id, event);
    },
    60_000,
  );

  test(
    'an attempt after a failure that finds the webhook full waits and is still attempt 2: the Virto body says ' +
      'Attempt 2, the log has attempts 1 and 2, and the retry policy keeps its attempts',
    async () => {
      const type = unique('order.created');
      const receiver = await stack.receiver((_req, res, i) => json(res, i === 0 ? 500 : 200, { ok: i > 0 }));
      const webhook = await stack.api().webhooks.create({
        label: 'retried',
        event: type,
        url: receiver.url,
        envelope: 'virto',
        maxInFlight: 1,
        retry: { maximumAttempts: 2, initialInterval: '2s', backoffCoefficient: 1 },
      });
      const [event] = await publish(type, 1);
      await receiver.waitFor(1);
      const holder = await occupy(webhook.id);
      await until(
        async () => ((await waits(webhook.id, event)).includes(2) ? true : undefined),
        'a wait for attempt 2',
      );
      await stack.registry().leases.release(webhook.id, holder);
      expect(await result(webhook.id, event)).toEqual({ status: 200, attempt: 2 });
      expect(receiver.requests).toHaveLength(2);
      expect((JSON.parse(receiver.requests[1].body) as { Attempt: number }).Attempt).toBe(2);
      const { attempts } = await stack.api().deliveries.get(`${webhook.id}/${event}`);
      expect(attempts.map((a) => a.attempt)).toEqual([1, 2]);
      expect(new Set(await waits(webhook.id, event))).toEqual(new Set([2]));
      await replays(webhook.id, event);
    },
    60_000,
  );

  test(
    'a slot held by a worker that died is free once its lease expires, and not before, not even to its own run ' +
      '(a worker that seems dead may still be sending); a turn kept for an attempt is taken over by it',
    async () => {
      const { leases } = stack.registry();
      const webhook = await stack
        .api()
        .webhooks.create({ label: 'leased', event: unique('t'), url: 'https://a.example/h' });
      const dead = { webhookId: webhook.id, holder: unique('dead'), maxInFlight: 1, leaseMs: 1_000 };
      expect(await leases.acquire(dead)).toEqual({ granted: true });
      const again = await leases.acquire(dead);
      expect(again).toMatchObject({ granted: false });
      if (!again.granted) expect(again.waitMs).toBeLessThanOrEqual(1_000);
      const other = { ...dead, holder: unique('other'), leaseMs: 60_000 };
      const refused = await leases.acquire(other);
      expect(refused).toMatchObject({ granted: false, ahead: 0 });
      if (!refused.granted) expect(refused.waitMs).toBeGreaterThanOrEqual(100);
      await until(async () => ((await leases.acquire(other)).granted ? true : undefined), 'expiry', 5_000);
      expect(await leases.count(webhook.id)).toEqual({ inFlight: 1, waiting: 0 });
      await leases.release(webhook.id, other.holder);

      const waiter = { ...other, holder: unique('waiter') };
      expect(await leases.acquire({ ...waiter, reserve: true })).toEqual({ granted: true });
      expect(await leases.acquire({ ...other, holder: unique('third') })).toMatchObject({ granted: false, ahead: 0 });
      expect(await leases.acquire(waiter)).toEqual({ granted: true });
      expect(await leases.count(webhook.id)).toEqual({ inFlight: 1, waiting: 1 });
      await leases.release(webhook.id, waiter.holder);
    },
  );

  test('maxInFlight and ratePerSecond are checked: a bad one is a 400 naming the field; the CLI sets and removes them', async () => {
    const base = { label: 'bad', event: 'order.created', url: 'https://api.example.com/h' };
    for (const [field, value] of [
      ['maxInFlight', 0],
      ['maxInFlight', 1001],
      ['maxInFlight', 1.5],
      ['ratePerSecond', 0],
      ['ratePerSecond', -1],
    ] as const) {
      const res = await fetch(`${stack.apiUrl()}/v1/webhooks`, {
        method: 'POST',
        headers: { authorization: `Bearer ${stack.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ ...base, [field]: value }),
      });
      expect(res.status).toBe(400);
      expect(JSON.stringify(await res.json())).toContain(`/${field}`);
    }
    const made = await stack.api().webhooks.create({ ...base, ratePerSecond: 2.5 });
    expect(made).toMatchObject({ maxInFlight: 10, ratePerSecond: 2.5 });
    const changed = await stack.api().webhooks.update(made.id, { maxInFlight: 3, ratePerSecond: null });
    expect(changed).toMatchObject({ maxInFlight: 3 });
    expect(changed.ratePerSecond).toBeUndefined();

    // The CLI's flags, checked by the same schema.
    const env = { HOOKSTEP_API_URL: stack.apiUrl(), HOOKSTEP_API_KEY: stack.apiKey };
    const flags = ['--label', 'cli', '--event', 'order.created', '--url', 'https://api.example.com/h'];
    const created = await runCli(
      ['webhooks', 'create', ...flags, '--max-in-flight', '4', '--rate-per-second', '0.5'],
      env,
    );
    expect(created.code).toBe(0);
    const webhook = JSON.parse(created.stdout) as { id: string; maxInFlight: number; ratePerSecond: number };
    expect(webhook).toMatchObject({ maxInFlight: 4, ratePerSecond: 0.5 });
    const off = await runCli(['webhooks', 'update', webhook.id, '--rate-per-second', 'off'], env);
    expect(off.code).toBe(0);
    expect(JSON.parse(off.stdout)).not.toHaveProperty('ratePerSecond');
    const bad = await runCli(['webhooks', 'create', ...flags, '--max-in-flight', 'many'], env);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('maxInFlight');
  });
});
