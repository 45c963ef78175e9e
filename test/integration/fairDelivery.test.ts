// Fair delivery (issue 20, item 5): a webhook's cap on requests in flight holds across its deliveries, its rate
// spaces them, and a delivery that waits for a slot sends nothing meanwhile: no failed attempt in the log, nothing
// toward disabling the webhook, the same attempt numbers. A slot held by a worker that died is freed when its lease
// expires. Since issue 23 a worker's event dispatcher makes first attempts (a delivery waits for a slot in the outbox)
// and a run makes the retries (it waits on a timer): the cap counts both together.
// Real dev server, real worker, real receivers on 127.0.0.1, on each registry database.
import { WorkflowNotFoundError } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { DEFAULT_TENANT } from '../../src/contract';
import { POLL_MS } from '../../src/worker/dispatcher';
import { delivered, queued, settled, unique, useEventStack } from '../helpers/events';
import { timersOf } from '../helpers/history';
import { json } from '../helpers/receiver';
import { runCli } from '../helpers/cli';
import { registryDatabases } from '../helpers/registry';
import { testDataConverter } from '../helpers/temporal';
import { until } from '../helpers/until';

const WAITING = /^waiting for a slot: attempt (\d+) of /;

describe.each(registryDatabases())('fair delivery on $name', (database) => {
  const stack = useEventStack('fair', database);

  /** Publishes events of `type`, one by one (a new id each, or those given); returns their ids. */
  const publish = async (type: string, count: number, ids = Array.from({ length: count }, () => unique('evt'))) => {
    for (const id of ids) await stack.api().events.publish({ id, type, entity: { id: 1, type: 'order' } });
    return ids;
  };
  /** The delivery's result: its run's, or the log's `{ status, attempt }` for one the dispatcher settled. */
  const result = async (webhookId: string, eventId: string) => (await delivered(stack, eventId))[webhookId];
  const run = (webhookId: string, eventId: string) =>
    stack.temporal().client.workflow.getHandle(`${webhookId}/${eventId}`);
  /** The attempts each throttled wait of a delivery run was for (empty: it never waited). */
  const waits = async (webhookId: string, eventId: string) =>
    (await timersOf(run(webhookId, eventId)))
      .map((t) => WAITING.exec(t.summary ?? '')?.[1])
      .filter((a) => a !== undefined)
      .map(Number);
  /** Replays a run's history against the workflow code that recorded it: throttled waits replay as they ran. */
  const replays = async (webhookId: string, eventId: string) => {
    const workflowBundle = { codePath: process.env.HOOKSTEP_TEST_WORKFLOW_BUNDLE! };
    await Worker.runReplayHistory(
      { workflowBundle, dataConverter: testDataConverter() },
      await run(webhookId, eventId).fetchHistory(),
    );
  };
  /** Takes the webhook's one slot as another worker's request in flight would, once it is free. */
  const occupy = (webhookId: string, holder = unique('other-worker')) =>
    until(async () => {
      const slot = await stack.registry().leases.acquire({ webhookId, holder, maxInFlight: 1, leaseMs: 60_000 });
      return slot.granted ? holder : undefined;
    }, 'a free slot');

  test(
    "with maxInFlight 2 the receiver never holds more than 2 requests, the dispatcher's first attempts and a run's " +
      "retries together: the retry waits while the dispatcher's sends hold both slots, the dispatcher sends beside " +
      'the retry in the slot left, and all 9 events arrive delivered once',
    async () => {
      const type = unique('order.created');
      const [retried, slow1, slow2, ...rest] = Array.from({ length: 9 }, () => unique('evt'));
      /** Held answers: the two slow first attempts until the run has waited, then the retry until others passed it. */
      const gate = () => {
        let release = () => {};
        const opened = new Promise<void>((resolve) => (release = resolve));
        return { release, opened };
      };
      const slowGate = gate();
      const retryGate = gate();
      let open = 0;
      let peak = 0;
      const seen = new Set<string>();
      /** The events whose first attempt arrived while the retry was at the receiver. */
      const besideRetry: string[] = [];
      let retryOpen = false;
      const receiver = await stack.receiver(async (req, res) => {
        peak = Math.max(peak, ++open);
        const eventId = String(req.headers['webhook-id']).split('/')[1];
        const again = seen.has(eventId);
        seen.add(eventId);
        if (retryOpen && !again) besideRetry.push(eventId);
        const fails = eventId === retried && !again;
        if (eventId === retried && again) {
          retryOpen = true;
          await retryGate.opened;
          retryOpen = false;
        } else if (eventId === slow1 || eventId === slow2) await slowGate.opened;
        else await new Promise((resolve) => setTimeout(resolve, 300));
        open--;
        json(res, fails ? 503 : 200, { ok: !fails });
      });
      const webhook = await stack.api().webhooks.create({
        label: 'capped',
        event: type,
        url: receiver.url,
        maxInFlight: 2,
        retry: { maximumAttempts: 3, initialInterval: '1s', backoffCoefficient: 1 },
      });
      expect(webhook.maxInFlight).toBe(2);
      // The retried event fails its first attempt; its retry is due 1 s later, while the dispatcher's two slow sends
      // hold both slots: its run waits for attempt 2.
      await publish(type, 3, [retried, slow1, slow2]);
      await until(async () => ((await waits(webhook.id, retried)).includes(2) ? true : undefined), 'a wait');
      expect(receiver.requests).toHaveLength(3);
      slowGate.release();
      await receiver.waitFor(4);
      expect(receiver.requests[3].headers['webhook-id']).toBe(`${webhook.id}/${retried}`);
      // While the run's retry holds one slot, the dispatcher sends these through the other, one at a time.
      await publish(type, rest.length, rest);
      await until(() => Promise.resolve(besideRetry.length >= 2 || undefined), 'first attempts beside the retry');
      retryGate.release();
      const results = await Promise.all([retried, slow1, slow2, ...rest].map((e) => result(webhook.id, e)));
      expect(results).toEqual([{ status: 200, attempt: 2 }, ...Array(8).fill({ status: 200, attempt: 1 })]);
      expect(peak).toBeLessThanOrEqual(2);
      expect(peak).toBe(2);
      expect(rest).toEqual(expect.arrayContaining(besideRetry));
      const ids = receiver.requests.map((r) => r.headers['webhook-id']);
      expect(new Set(ids).size).toBe(9);
      expect(ids).toHaveLength(10);
      // The run waited for its attempt 2 only (the dispatcher's sends held the slots), and replays as it ran.
      expect(new Set(await waits(webhook.id, retried))).toEqual(new Set([2]));
      await replays(webhook.id, retried);
      // Only the retried delivery has a run; the dispatcher settled the others on attempt 1.
      for (const e of [retried, slow1, slow2, ...rest]) {
        const { delivery, attempts } = await stack.api().deliveries.get(`${webhook.id}/${e}`);
        const failures = e === retried ? ['HttpRetryableStatus', undefined] : [undefined];
        expect(delivery).toMatchObject({ state: 'delivered', attempts: failures.length });
        expect(attempts.map((a) => a.failureType)).toEqual(failures);
        if (e !== retried) await expect(run(webhook.id, e).describe()).rejects.toThrow(WorkflowNotFoundError);
      }
      expect(await stack.registry().leases.count(webhook.id)).toEqual({ inFlight: 0, waiting: 0 });
    },
    60_000,
  );

  test(
    'convoy#1927: a rate of 5 per second spaces 6 deliveries 200 ms apart (a burst is not sent at once), and the ' +
      'dispatcher keeps that pace: a delivery the rate refused is sent when its spacing allows, not at its next poll',
    async () => {
      const type = unique('order.created');
      const receiver = await stack.receiver((_req, res) => json(res, 200, { ok: true }));
      const webhook = await stack
        .api()
        .webhooks.create({ label: 'paced', event: type, url: receiver.url, ratePerSecond: 5 });
      const events = await publish(type, 6);
      const results = await Promise.all(events.map((e) => result(webhook.id, e)));
      expect(results).toEqual(events.map(() => ({ status: 200, attempt: 1 })));
      // Every first attempt was the dispatcher's: no delivery has a run.
      for (const e of events) await expect(run(webhook.id, e).describe()).rejects.toThrow(WorkflowNotFoundError);
      const at = receiver.requests.map((r) => r.at).sort((a, b) => a - b);
      expect(at).toHaveLength(6);
      // Spaced by the database's clock when each slot is given; between that and the receiver a request takes a few
      // milliseconds more or less (building, signing, the socket), so each gap is checked with room for that.
      const gaps = at.slice(1).map((t, i) => t - at[i]);
      expect(Math.min(...gaps)).toBeGreaterThanOrEqual(100);
      expect(at[5] - at[0]).toBeGreaterThanOrEqual(5 * 200 - 100);
      // And at that rate: most gaps well under two spacings (the dispatcher's poll, 500 ms, would make them longer).
      const median = [...gaps].sort((a, b) => a - b)[2];
      expect(median).toBeLessThan(Math.min(2 * 200, POLL_MS));
    },
    60_000,
  );

  test(
    'convoy#676: a delivery that waits for a slot stays pending, logs no failed attempt and counts nothing toward ' +
      'disabling its webhook (disableAfter 1); it waits in the outbox, not in a run',
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
      // Long enough for the dispatcher to look at the outbox three times: each time the webhook has no slot free.
      await new Promise((resolve) => setTimeout(resolve, 3 * POLL_MS));
      expect(await queued(stack.registry(), DEFAULT_TENANT, event)).toBe(1);
      await expect(run(webhook.id, event).describe()).rejects.toThrow(WorkflowNotFoundError);
      const { delivery, attempts } = await stack.api().deliveries.get(`${webhook.id}/${event}`);
      expect(delivery).toMatchObject({ state: 'pending', attempts: 0 });
      expect(attempts).toEqual([]);
      expect(receiver.requests).toHaveLength(0);
      const waiting = await stack.api().webhooks.get(webhook.id);
      expect(waiting).toMatchObject({ consecutiveFailures: 0 });
      expect(waiting.disabledAt).toBeUndefined();
      await stack.registry().leases.release(webhook.id, holder);
      expect((await settled(stack, DEFAULT_TENANT, `${webhook.id}/${event}`)).delivery.state).toBe('delivered');
      expect(await result(webhook.id, event)).toEqual({ status: 200, attempt: 1 });
      expect((await stack.api().deliveries.get(`${webhook.id}/${event}`)).attempts).toHaveLength(1);
      expect(receiver.requests).toHaveLength(1);
      expect((await stack.api().webhooks.get(webhook.id)).disabledAt).toBeUndefined();
      await expect(run(webhook.id, event).describe()).rejects.toThrow(WorkflowNotFoundError);
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
      // A run's attempt that died holding its slot (LeaseRepository.acquire).
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
