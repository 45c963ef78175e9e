// The delivery log through the HTTP API, the TypeScript client and the CLI, on a real dev server, a real worker,
// real receivers on 127.0.0.1 and each registry database: each delivery's state and its attempts (status, failure
// type, redacted reply snippet), filters, cursor pages, tenant scope (another tenant's is 404 and its lists are
// empty), and retention.
import { ApiError, OPERATOR_SCOPE, type DeliveryDetail, type DeliveryList } from '../../src/contract';
import { createApiClient } from '../../src/client/api';
import { runCli } from '../helpers/cli';
import { dispatched, settled, unique, useEventStack } from '../helpers/events';
import { json } from '../helpers/receiver';
import { registryDatabases } from '../helpers/registry';
import { expectNoRun } from '../helpers/webhooks';

describe.each(registryDatabases())('delivery log on $name', (database) => {
  const stack = useEventStack('deliverylog', database);
  const store = async () => {
    const tenant = unique('store');
    const { key } = await stack.api().tenants.keys.create(tenant);
    return { tenant, key, api: createApiClient({ url: stack.apiUrl(), apiKey: key }) };
  };
  const get = async (path: string, key: string) => {
    const res = await fetch(`${stack.apiUrl()}${path}`, { headers: { authorization: `Bearer ${key}` } });
    return { status: res.status, body: await res.json() };
  };

  test(
    'a failed delivery shows its attempts with statuses, failure types and a redacted snippet, through the API ' +
      'and the CLI; opsmill/infrahub#9810: a credential in a custom header, echoed back, is not in the log',
    async () => {
      const s = await store();
      const type = unique('order.created');
      const failing = await stack.receiver((_req, res) => json(res, 500, { error: 'down' }));
      const token = 'tok_live_3f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c';
      const apiKey = 'key_6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e';
      const echoing = await stack.receiver((req, res) =>
        json(res, 401, { denied: req.headers.authorization, key: req.headers['x-api-key'] }),
      );
      const retry = { maximumAttempts: 3, initialInterval: '100ms', backoffCoefficient: 1 };
      const h500 = await s.api.webhooks.create({ label: '500', event: type, url: failing.url, retry });
      const h401 = await s.api.webhooks.create({
        label: '401',
        event: type,
        url: echoing.url,
        headers: { Authorization: `Bearer ${token}`, 'X-Api-Key': apiKey },
      });
      const eventId = unique('1001');
      await s.api.events.publish({ id: eventId, type, entity: { id: 1, type: 'order' }, data: { total: 5 } });
      // Attempt 1 of each is the dispatcher's; the 500 is retried in a run of its own, the 401 is not.
      await settled(stack, s.tenant, `${h500.id}/${eventId}`);
      await settled(stack, s.tenant, `${h401.id}/${eventId}`);
      await expectNoRun(stack.temporal().client, `${h401.id}/${eventId}`);

      const five = await s.api.deliveries.get(`${h500.id}/${eventId}`);
      expect(five.delivery).toMatchObject({
        id: `${h500.id}/${eventId}`,
        tenant: s.tenant,
        webhookId: h500.id,
        eventId,
        eventType: type,
        state: 'failed',
        attempts: 3,
        lastStatus: 500,
        lastFailureType: 'HttpRetryableStatus',
      });
      expect(five.attempts.map((a) => [a.attempt, a.status, a.failureType])).toEqual([
        [1, 500, 'HttpRetryableStatus'],
        [2, 500, 'HttpRetryableStatus'],
        [3, 500, 'HttpRetryableStatus'],
      ]);
      expect(five.attempts[0].bodySnippet).toBe('{"error":"down"}');
      expect(five.attempts[2].message).toContain('giving up after 3 attempts');

      const four = await s.api.deliveries.get(`${h401.id}/${eventId}`);
      expect(four.delivery).toMatchObject({ state: 'failed', attempts: 1, lastStatus: 401 });
      expect(four.attempts).toEqual([
        expect.objectContaining({ attempt: 1, status: 401, failureType: 'HttpClientError' }),
      ]);
      expect(four.attempts[0].bodySnippet).toContain('[redacted]');
      expect(echoing.requests[0].headers.authorization).toBe(`Bearer ${token}`);
      const stored = JSON.stringify(
        await stack.registry().db.query('select * from delivery_attempts where delivery_id = $1', [four.delivery.id]),
      );
      for (const text of [JSON.stringify(four), stored]) {
        expect(text).not.toContain(token);
        expect(text).not.toContain(apiKey);
      }

      // The CLI shows the same, by the ID as a user copies it.
      const env = { HOOKSTEP_API_URL: stack.apiUrl(), HOOKSTEP_API_KEY: s.key };
      const shown = await runCli(['deliveries', 'show', `${h500.id}/${eventId}`], env);
      expect(shown.code).toBe(0);
      expect(JSON.parse(shown.stdout)).toEqual(five);
      const listed = await runCli(['deliveries', 'list', '--event', eventId, '--state', 'failed'], env);
      expect(listed.code).toBe(0);
      const page = JSON.parse(listed.stdout) as DeliveryList;
      expect(page.deliveries.map((d) => d.webhookId).sort()).toEqual([h500.id, h401.id].sort());
      expect(listed.stdout).not.toContain(token);
      const bad = await runCli(['deliveries', 'list', '--state', 'lost'], env);
      expect(bad.code).not.toBe(0);
      expect(bad.stderr).toContain('state');
    },
  );

  test('a delivered one shows delivered with its attempt; a delayed one shows scheduled with none', async () => {
    const s = await store();
    const type = unique('order.paid');
    const ok = await stack.receiver((_req, res) => json(res, 200, {}));
    const now = await s.api.webhooks.create({ label: 'now', event: type, url: ok.url });
    const later = await s.api.webhooks.create({
      label: 'later',
      event: type,
      url: ok.url,
      delay: { amount: 1, unit: 'day' },
    });
    const eventId = unique('1002');
    const published = await s.api.events.publish({ id: eventId, type, entity: { id: 2, type: 'order' }, data: {} });
    // Both left the outbox: the one now delivered by the dispatcher, the delayed one handed to its run, asleep.
    expect(await dispatched(stack, published)).toBe(2);
    await settled(stack, s.tenant, `${now.id}/${eventId}`);

    const done = await s.api.deliveries.get(`${now.id}/${eventId}`);
    expect(done.delivery).toMatchObject({ state: 'delivered', attempts: 1, lastStatus: 200 });
    expect(done.delivery.lastFailureType).toBeUndefined();
    expect(done.attempts).toEqual([
      { attempt: 1, at: expect.any(String), status: 200, durationMs: expect.any(Number) },
    ]);

    const waiting = await s.api.deliveries.get(`${later.id}/${eventId}`);
    expect(waiting).toEqual({ delivery: expect.objectContaining({ state: 'scheduled', attempts: 0 }), attempts: [] });
    // The URL-encoded ID in one segment reads the same delivery.
    expect((await get(`/v1/deliveries/${encodeURIComponent(`${later.id}/${eventId}`)}`, s.key)).body).toEqual(waiting);
    const { body } = await get(`/v1/webhooks/${later.id}/deliveries?state=scheduled`, s.key);
    expect((body as DeliveryList).deliveries.map((d) => d.id)).toEqual([`${later.id}/${eventId}`]);
    await stack.temporal().client.workflow.getHandle(`${later.id}/${eventId}`).terminate('test done');
  });

  test('filters by state, event type and time; convoy#1320: every cursor page is reachable, each delivery once', async () => {
    const s = await store();
    const [typeA, typeB] = [unique('a.created'), unique('b.created')];
    const ok = await stack.receiver((_req, res) => json(res, 200, {}));
    const no = await stack.receiver((_req, res) => json(res, 404, {}));
    const hookA = await s.api.webhooks.create({ label: 'a', event: typeA, url: ok.url });
    const hookB = await s.api.webhooks.create({ label: 'b', event: typeB, url: no.url });
    const before = new Date().toISOString();
    const events: string[] = [];
    for (let i = 0; i < 5; i++) {
      const id = unique(`e${i}`);
      events.push(id);
      await s.api.events.publish({ id, type: typeA, entity: { id: i, type: 'order' }, data: {} });
      await settled(stack, s.tenant, `${hookA.id}/${id}`);
    }
    const failedId = unique('f');
    await s.api.events.publish({ id: failedId, type: typeB, entity: { id: 9, type: 'order' }, data: {} });
    await settled(stack, s.tenant, `${hookB.id}/${failedId}`);

    const seen: string[] = [];
    let after: string | undefined;
    let pages = 0;
    do {
      const page = await s.api.deliveries.list({ eventType: typeA, limit: 2, ...(after ? { after } : {}) });
      expect(page.deliveries.length).toBeLessThanOrEqual(2);
      seen.push(...page.deliveries.map((d) => d.eventId));
      after = page.next;
      pages++;
    } while (after && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual([...events].reverse());

    const failed = await s.api.deliveries.list({ state: 'failed' });
    expect(failed.deliveries.map((d) => d.id)).toEqual([`${hookB.id}/${failedId}`]);
    expect(failed.deliveries[0].lastFailureType).toBe('HttpClientError');
    expect((await s.api.deliveries.list({ state: 'delivered', eventType: typeB })).deliveries).toEqual([]);
    expect((await s.api.deliveries.list({ since: before })).deliveries).toHaveLength(6);
    expect((await s.api.deliveries.list({ until: before })).deliveries).toEqual([]);
    expect((await s.api.deliveries.list({ webhookId: hookA.id })).deliveries).toHaveLength(5);
    const bad = await get('/v1/deliveries?since=yesterday', s.key);
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('querystring/since');
  });

  test('pages stay newest first across 99 → 100: the cursor orders by number, not by its text', async () => {
    const tenant = unique('store');
    const registry = stack.registry();
    // The next rows get 97…104: as text, "100" sorts below "99" and a page would skip rows.
    await registry.db.query(`select setval(pg_get_serial_sequence('deliveries', 'seq'), 96)`);
    const ids = Array.from({ length: 8 }, (_, i) => `e${i}`);
    for (const id of ids)
      await registry.deliveries.schedule(tenant, { id, type: 'x' }, [{ webhookId: 'wh_page', delayed: false }]);
    const seen: string[] = [];
    let after: string | undefined;
    do {
      const page = await registry.deliveries.list({ tenant }, { limit: 3, ...(after ? { after } : {}) });
      seen.push(...page.deliveries.map((d) => d.eventId));
      after = page.next;
    } while (after && seen.length < 20);
    expect(seen).toEqual([...ids].reverse());
  });

  test("another tenant's key gets 404 for the delivery and empty lists; the operator sees it", async () => {
    const [a, b] = [await store(), await store()];
    const type = unique('order.created');
    const ok = await stack.receiver((_req, res) => json(res, 200, {}));
    const hook = await a.api.webhooks.create({ label: 'a', event: type, url: ok.url });
    const eventId = unique('1003');
    await a.api.events.publish({ id: eventId, type, entity: { id: 3, type: 'order' }, data: {} });
    await settled(stack, a.tenant, `${hook.id}/${eventId}`);
    const id = `${hook.id}/${eventId}`;

    const missing = await get('/v1/deliveries/wh_000000000000000000000000/nothing', b.key);
    expect(missing.status).toBe(404);
    expect(await get(`/v1/deliveries/${id}`, b.key)).toEqual(missing);
    expect(await get(`/v1/deliveries/${encodeURIComponent(id)}`, b.key)).toEqual(missing);
    await expect(b.api.deliveries.get(id)).rejects.toBeInstanceOf(ApiError);
    expect(await b.api.deliveries.list()).toEqual({ deliveries: [] });
    expect(await b.api.deliveries.list({ webhookId: hook.id })).toEqual({ deliveries: [] });
    expect(await b.api.deliveries.list({ eventId })).toEqual({ deliveries: [] });
    expect((await get(`/v1/deliveries?tenant=${a.tenant}`, b.key)).status).toBe(400);

    expect((await stack.api().deliveries.get(id)).delivery.state).toBe('delivered');
    const theirs = await stack.api().deliveries.list({ tenant: a.tenant });
    expect(theirs.deliveries.map((d) => d.id)).toEqual([id]);
  });

  test(
    'prune removes settled deliveries and their attempts last updated before the cutoff; convoy#1723: one still ' +
      'scheduled or pending is kept whatever its age',
    async () => {
      const { deliveries, db } = stack.registry();
      const tenant = unique('prune');
      const event = { id: unique('e'), type: 'order.created' };
      await deliveries.schedule(tenant, event, [
        { webhookId: 'wh_old_done', delayed: false },
        { webhookId: 'wh_old_waiting', delayed: true },
        { webhookId: 'wh_old_pending', delayed: false },
        { webhookId: 'wh_new_done', delayed: false },
      ]);
      for (const webhookId of ['wh_old_done', 'wh_new_done']) {
        const entry = { tenant, webhookId, eventId: event.id, eventType: event.type, attempt: 1, durationMs: 5 };
        await deliveries.recordAttempt({ ...entry, state: 'delivered', status: 200 });
      }
      const old = ['wh_old_done', 'wh_old_waiting', 'wh_old_pending'].map((w) => `${w}/${event.id}`);
      await db.query(`update deliveries set updated_at = now() - interval '40 days' where id = any($1::text[])`, [old]);

      const cutoff = new Date(Date.now() - 30 * 86_400_000);
      expect(await deliveries.prune(cutoff)).toBeGreaterThanOrEqual(1);
      const left = await deliveries.list({ tenant }, { limit: 10 });
      expect(left.deliveries.map((d) => d.webhookId).sort()).toEqual([
        'wh_new_done',
        'wh_old_pending',
        'wh_old_waiting',
      ]);
      expect(await deliveries.get(OPERATOR_SCOPE, old[0])).toBeUndefined();
      const orphans = await db.query('select 1 from delivery_attempts where delivery_id = $1', [old[0]]);
      expect(orphans).toEqual([]);
      const kept: DeliveryDetail | undefined = await deliveries.get(OPERATOR_SCOPE, `wh_new_done/${event.id}`);
      expect(kept?.attempts).toHaveLength(1);
    },
  );

  test('a skipped delivery: marked on its row, or logged anew with its event type; without one, only marked', async () => {
    const { deliveries } = stack.registry();
    const tenant = unique('skip');
    const event = { id: unique('e'), type: 'order.created' };
    await deliveries.schedule(tenant, event, [{ webhookId: 'wh_waiting', delayed: true }]);
    await deliveries.recordSkip({ tenant, webhookId: 'wh_waiting', eventId: event.id });
    await deliveries.recordSkip({ tenant, webhookId: 'wh_unlogged', eventId: event.id, eventType: event.type });
    await deliveries.recordSkip({ tenant, webhookId: 'wh_unknown', eventId: event.id });
    const listed = await deliveries.list({ tenant }, { limit: 10 });
    expect(listed.deliveries.map((d) => [d.webhookId, d.state, d.eventType]).sort()).toEqual([
      ['wh_unlogged', 'skipped', event.type],
      ['wh_waiting', 'skipped', event.type],
    ]);
  });
});
