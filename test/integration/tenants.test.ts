// Tenants through the HTTP API, as stores on one platform use it: each store's events reach only its own webhooks,
// a tenant key sees and changes only its own tenant (anything else is 404, as a missing thing), and an operator key
// sees every tenant. Real dev server, real worker, real receivers on 127.0.0.1, on each registry database.
import { createApiClient } from '../../src/client/api';
import { DEFAULT_TENANT, OPERATOR_SCOPE } from '../../src/contract';
import { runCli } from '../helpers/cli';
import { delivered, dispatched, unique, useEventStack } from '../helpers/events';
import { json } from '../helpers/receiver';
import { registryDatabases } from '../helpers/registry';

describe.each(registryDatabases())('tenants on $name', (database) => {
  const stack = useEventStack('tenants', database);
  const call = async (method: string, path: string, key: string, body?: unknown) => {
    const res = await fetch(`${stack.apiUrl()}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
  };
  /** A new tenant, its key (made by the operator) and a client with that key. */
  const store = async () => {
    const tenant = unique('store');
    const made = await stack.api().tenants.keys.create(tenant);
    expect(made).toEqual({ key: expect.stringMatching(/^hsk_/), tenant });
    return { tenant, key: made.key, api: createApiClient({ url: stack.apiUrl(), apiKey: made.key }) };
  };

  test("a store's event reaches only its own webhooks: two stores, one event type, one event id", async () => {
    const [a, b] = [await store(), await store()];
    const [ra, rb] = [
      await stack.receiver((_req, res) => json(res, 200, {})),
      await stack.receiver((_req, res) => json(res, 200, {})),
    ];
    const type = unique('order_confirm');
    const hookA = await a.api.webhooks.create({ label: 'a', event: type, url: ra.url });
    const hookB = await b.api.webhooks.create({ label: 'b', event: type, url: rb.url });
    expect([hookA.tenant, hookB.tenant]).toEqual([a.tenant, b.tenant]);

    // A store's event ids are its own: both stores publish "1001", and each is a new event.
    const id = unique('1001');
    const pa = await a.api.events.publish({ id, type, entity: { id: 1, type: 'order' }, data: { store: 'A' } });
    const pb = await b.api.events.publish({ id, type, entity: { id: 1, type: 'order' }, data: { store: 'B' } });
    // Each queues one delivery, to its own store's webhook (no automation listens: no fan-out run).
    expect(pa).toEqual({ eventId: id, tenant: a.tenant, deliveries: 1, duplicate: false });
    expect(pb).toEqual({ eventId: id, tenant: b.tenant, deliveries: 1, duplicate: false });
    expect(await dispatched(stack, pa)).toBe(1);
    expect(await dispatched(stack, pb)).toBe(1);
    expect(await delivered(stack, id, a.tenant)).toEqual({ [hookA.id]: { status: 200, attempt: 1 } });
    expect(await delivered(stack, id, b.tenant)).toEqual({ [hookB.id]: { status: 200, attempt: 1 } });

    expect(ra.requests.map((r) => (JSON.parse(r.body) as { data: unknown }).data)).toEqual([{ store: 'A' }]);
    expect(rb.requests.map((r) => (JSON.parse(r.body) as { data: unknown }).data)).toEqual([{ store: 'B' }]);
    expect(ra.requests[0].headers['webhook-id']).toBe(`${hookA.id}/${id}`);
    expect(rb.requests[0].headers['webhook-id']).toBe(`${hookB.id}/${id}`);
  });

  test(
    "convoy#2681 (GHSA-r629-7q5v-839c): a tenant key reading, changing, deleting or rotating another tenant's " +
      'webhook gets the 404 of a missing one, and nothing changes',
    async () => {
      const [a, b] = [await store(), await store()];
      const theirs = await b.api.webhooks.create({ label: 'b', event: 'order.created', url: 'https://b.example/h' });
      const missing = await call('GET', '/v1/webhooks/wh_000000000000000000000000', a.key);
      expect(missing.status).toBe(404);
      const attempts = [
        await call('GET', `/v1/webhooks/${theirs.id}`, a.key),
        await call('PATCH', `/v1/webhooks/${theirs.id}`, a.key, { url: 'https://a.example/steal', active: false }),
        await call('DELETE', `/v1/webhooks/${theirs.id}`, a.key),
        await call('POST', `/v1/webhooks/${theirs.id}/rotate-secret`, a.key),
      ];
      for (const attempt of attempts) expect(attempt).toEqual(missing);

      const { secret, ...webhook } = theirs;
      const registry = stack.registry();
      expect(await registry.webhooks.get(OPERATOR_SCOPE, theirs.id)).toEqual(webhook);
      expect(await registry.webhooks.signingSecrets(OPERATOR_SCOPE, theirs.id)).toEqual([secret]);
      expect(await b.api.webhooks.get(theirs.id)).toEqual(webhook);
    },
  );

  test('a tenant key lists only its own webhooks; a filter naming another tenant is 400 naming it', async () => {
    const [a, b] = [await store(), await store()];
    const type = unique('order.created');
    const mine = await a.api.webhooks.create({ label: 'a', event: type, url: 'https://a.example/h' });
    await b.api.webhooks.create({ label: 'b', event: type, url: 'https://b.example/h' });
    await stack.api().webhooks.create({ label: 'op', event: type, url: 'https://op.example/h' });
    const { secret: _secret, ...listed } = mine;
    expect(await a.api.webhooks.list({ event: type })).toEqual([listed]);
    expect(await a.api.webhooks.list({ event: type, tenant: a.tenant })).toEqual([listed]);
    const other = await call('GET', `/v1/webhooks?tenant=${b.tenant}`, a.key);
    expect(other.status).toBe(400);
    expect(other.body?.errors).toEqual([
      { field: 'querystring/tenant', message: expect.stringContaining('own tenant') },
    ]);
    expect(JSON.stringify(other.body)).not.toContain(b.tenant);
  });

  test(
    "convoy#1291: a tenant key cannot publish into another tenant's webhooks by naming it; its events get its own " +
      'tenant',
    async () => {
      const [a, b] = [await store(), await store()];
      const rb = await stack.receiver((_req, res) => json(res, 200, {}));
      const ra = await stack.receiver((_req, res) => json(res, 200, {}));
      const type = unique('order.created');
      await b.api.webhooks.create({ label: 'b', event: type, url: rb.url });
      const hookA = await a.api.webhooks.create({ label: 'a', event: type, url: ra.url });

      const forged = { id: unique('evt'), type, tenant: b.tenant, entity: { id: 1, type: 'order' } };
      const refused = await call('POST', '/v1/events', a.key, forged);
      expect(refused.status).toBe(400);
      expect(refused.body?.errors).toEqual([{ field: 'body/tenant', message: expect.stringContaining('own tenant') }]);
      expect(await stack.registry().events.get(b.tenant, forged.id)).toBeUndefined();
      expect(await stack.registry().events.get(a.tenant, forged.id)).toBeUndefined();
      const webhook = await call('POST', '/v1/webhooks', a.key, {
        label: 'x',
        event: type,
        url: rb.url,
        tenant: b.tenant,
      });
      expect(webhook.status).toBe(400);
      expect(webhook.body?.errors).toEqual([{ field: 'body/tenant', message: expect.stringContaining('own tenant') }]);

      // Without a tenant, or naming its own, the event is the key's tenant's: delivered to its webhook alone.
      for (const event of [
        { id: unique('evt'), type, entity: { id: 2, type: 'order' } },
        { id: unique('evt'), type, tenant: a.tenant, entity: { id: 3, type: 'order' } },
      ]) {
        const published = await a.api.events.publish(event);
        expect(published).toEqual({ eventId: event.id, tenant: a.tenant, deliveries: 1, duplicate: false });
        expect(await stack.registry().events.get(a.tenant, event.id)).toMatchObject({ id: event.id, tenant: a.tenant });
        expect(Object.keys(await delivered(stack, event.id, a.tenant))).toEqual([hookA.id]);
      }
      expect(ra.requests).toHaveLength(2);
      expect(rb.requests).toHaveLength(0);
    },
  );

  test("an operator key sees every tenant's webhooks and filters by tenant; what it makes without one is default's", async () => {
    const [a, b] = [await store(), await store()];
    const type = unique('order.created');
    const ha = await a.api.webhooks.create({ label: 'a', event: type, url: 'https://a.example/h' });
    const hb = await stack
      .api()
      .webhooks.create({ label: 'b', event: type, url: 'https://b.example/h', tenant: b.tenant });
    const hd = await stack.api().webhooks.create({ label: 'd', event: type, url: 'https://d.example/h' });
    expect([hb.tenant, hd.tenant]).toEqual([b.tenant, DEFAULT_TENANT]);
    const ids = (hooks: { id: string }[]) => hooks.map((h) => h.id).sort();
    expect(ids(await stack.api().webhooks.list({ event: type }))).toEqual(ids([ha, hb, hd]));
    expect(ids(await stack.api().webhooks.list({ event: type, tenant: b.tenant }))).toEqual([hb.id]);
    expect(ids(await b.api.webhooks.list({ event: type }))).toEqual([hb.id]);
    expect(await stack.api().webhooks.get(ha.id)).toMatchObject({ id: ha.id, tenant: a.tenant });
    const published = await stack.api().events.publish({ id: unique('evt'), type, entity: { id: 1, type: 'order' } });
    expect(published.tenant).toBe(DEFAULT_TENANT);
    // Queued to default's webhook alone, not to a's or b's of the same type.
    expect(published.deliveries).toBe(1);
  });

  test(
    'fusionauth-issues#3452: a tenant key cannot use what is outside its tenant: making keys (403 for its own, 404 ' +
      'for another) and other tenants in the event types',
    async () => {
      const [a, b] = [await store(), await store()];
      const type = unique('order.created');
      await b.api.webhooks.create({ label: 'b', event: type, url: 'https://b.example/h' });
      await b.api.events.publish({ id: unique('evt'), type: `${type}.published`, entity: { id: 1, type: 'order' } });
      expect(await call('POST', `/v1/tenants/${a.tenant}/keys`, a.key)).toMatchObject({ status: 403 });
      const other = await call('POST', `/v1/tenants/${b.tenant}/keys`, a.key);
      const nobody = await call('POST', `/v1/tenants/${unique('nobody')}/keys`, a.key);
      expect(other).toMatchObject({ status: 404 });
      expect(other).toEqual(nobody);

      const types = async (key: string) =>
        ((await call('GET', '/v1/event-types', key)).body as { eventTypes: { type: string; webhooks: number }[] })
          .eventTypes;
      const seenByA = await types(a.key);
      expect(seenByA.map((t) => t.type)).not.toContain(type);
      expect(seenByA.map((t) => t.type)).not.toContain(`${type}.published`);
      expect(await types(b.key)).toEqual(
        expect.arrayContaining([
          { type, source: 'in use', webhooks: 1 },
          { type: `${type}.published`, source: 'in use', webhooks: 0 },
        ]),
      );
    },
  );

  test('a tenant key made is shown once: 201 with the key; a bad tenant name is 400 naming it', async () => {
    const made = await call('POST', '/v1/tenants/store-1/keys', stack.apiKey);
    expect(made).toEqual({ status: 201, body: { key: expect.stringMatching(/^hsk_/), tenant: 'store-1' } });
    const stored = await stack.registry().db.query<Record<string, unknown>>('select * from api_keys');
    expect(JSON.stringify(stored)).not.toContain(String(made.body?.key));
    const bad = await call('POST', '/v1/tenants/a%20store/keys', stack.apiKey);
    expect(bad.status).toBe(400);
    expect(bad.body?.errors).toEqual([{ field: 'params/tenant', message: expect.any(String) }]);
  });

  test('the CLI: an operator makes a tenant key; with it, webhooks are made in and listed from that tenant', async () => {
    const tenant = unique('store');
    const operator = { HOOKSTEP_API_URL: stack.apiUrl(), HOOKSTEP_API_KEY: stack.apiKey };
    const made = await runCli(['tenants', 'keys', 'create', tenant], operator);
    expect(made.code).toBe(0);
    const { key } = JSON.parse(made.stdout) as { key: string };
    const asTenant = { ...operator, HOOKSTEP_API_KEY: key };
    const type = unique('order.created');
    await stack.api().webhooks.create({ label: 'other', event: type, url: 'https://o.example/h' });
    const created = await runCli(
      ['webhooks', 'create', '--label', 't', '--event', type, '--url', 'https://t.example/h'],
      asTenant,
    );
    expect(JSON.parse(created.stdout)).toMatchObject({ tenant });
    const listed = JSON.parse((await runCli(['webhooks', 'list', '--event', type], asTenant)).stdout) as unknown[];
    expect(listed).toEqual([expect.objectContaining({ tenant })]);
    const byOperator = await runCli(['webhooks', 'list', '--event', type, '--tenant', tenant], operator);
    expect(JSON.parse(byOperator.stdout)).toEqual([expect.objectContaining({ tenant })]);
  });
});
