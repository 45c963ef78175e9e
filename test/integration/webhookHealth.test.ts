/** @cluster */
// Endpoint health (issue 20, item 4): a webhook is disabled after `disableAfter` consecutive failed deliveries and at
// once on 410 Gone, with the reason and time on it; a disabled webhook gets no new deliveries and its delayed ones
// end skipped; one call enables it again; `?health=failing` lists the failing ones; all in the key's tenant scope.
// Since issue 23 a worker's event dispatcher makes each delivery's first attempt: one settled by it (delivered, or
// failed for good) has no run, and its outcome is the delivery log's; one retried or delayed has its run.
// Real dev server, real worker, real receivers on 127.0.0.1, on each registry database.
import { WorkflowFailedError, WorkflowNotFoundError } from '@temporalio/client';
import { openRegistry } from '../../src/registry';
import { openDb } from '../../src/registry/db';
import { MIGRATIONS, migrate } from '../../src/registry/migrations';
import { createApiClient, type ApiClient } from '../../src/client/api';
import { DEFAULT_TENANT, OPERATOR_SCOPE, type Webhook } from '../../src/contract';
import { runCli } from '../helpers/cli';
import { dispatched, settled, unique, useEventStack } from '../helpers/events';
import { firstTimer } from '../helpers/history';
import { json } from '../helpers/receiver';
import { registryDatabases, registryLocations } from '../helpers/registry';

const before5 = registryLocations();

test.each(before5)(
  'a registry from before endpoint health ($name): its webhook has disableAfter 5 and no failures',
  async (database) => {
    const opened = await database.options();
    const db = await openDb(opened);
    try {
      await migrate(
        db,
        MIGRATIONS.filter((m) => m.version <= 3),
      );
      const config = { label: 'old', url: 'https://api.example.com/h', format: 'json', envelope: 'standard' };
      await db.query('insert into webhooks (id, tenant, event, active, config) values ($1, $2, $3, $4, $5::jsonb)', [
        'wh_0123456789abcdef01234567',
        DEFAULT_TENANT,
        'order.created',
        true,
        JSON.stringify(config),
      ]);
    } finally {
      await db.close();
    }
    const registry = await openRegistry(opened);
    try {
      const webhooks = await registry.webhooks.list(OPERATOR_SCOPE, { limit: 10 });
      expect(webhooks).toEqual([
        expect.objectContaining({ id: 'wh_0123456789abcdef01234567', disableAfter: 5, consecutiveFailures: 0 }),
      ]);
      expect(webhooks[0].disabledAt).toBeUndefined();
      expect(await registry.webhooks.subscribers(DEFAULT_TENANT, 'order.created', undefined, 10)).toHaveLength(1);
    } finally {
      await registry.close();
    }
  },
);

describe.each(registryDatabases())('endpoint health on $name', (database) => {
  const stack = useEventStack('webhook-health', database);
  const once = { maximumAttempts: 1 };

  /**
   * Publishes one event of `type` and waits until its deliveries left the outbox (settled by the dispatcher, or handed
   * to their runs); returns the event's id and how many deliveries the publish queued.
   */
  const publish = async (type: string, api: ApiClient = stack.api()) => {
    const published = await api.events.publish({ id: unique('evt'), type, entity: { id: 1, type: 'order' } });
    return { eventId: published.eventId, deliveries: await dispatched(stack, published) };
  };
  /**
   * How the delivery of `eventId` to `webhook` ended: its run's result or failure's type when it has a run (a retry,
   * a delay); else, as the dispatcher settled it on attempt 1, the log's `{ status, attempt }` or its last attempt's
   * failure type (the same a failed run's failure carried).
   */
  const outcome = async (webhook: { id: string; tenant: string }, eventId: string): Promise<unknown> => {
    const id = `${webhook.id}/${eventId}`;
    const { delivery, attempts } = await settled(stack, webhook.tenant, id);
    try {
      return await stack.temporal().client.workflow.getHandle(id).result();
    } catch (err) {
      if (err instanceof WorkflowFailedError) return { failed: (err.cause as { type?: string } | undefined)?.type };
      if (!(err instanceof WorkflowNotFoundError)) throw err;
    }
    if (delivery.state === 'delivered') return { status: delivery.lastStatus, attempt: delivery.attempts };
    if (delivery.state === 'failed') {
      expect(delivery.lastFailureType).toBe(attempts.at(-1)?.failureType);
      return { failed: attempts.at(-1)?.failureType };
    }
    return { state: delivery.state };
  };
  const store = async () => {
    const tenant = unique('store');
    const { key } = await stack.api().tenants.keys.create(tenant);
    return { tenant, key, api: createApiClient({ url: stack.apiUrl(), apiKey: key }) };
  };
  const health = (w: Webhook) => ({
    consecutiveFailures: w.consecutiveFailures,
    disabledAt: w.disabledAt,
    disabledReason: w.disabledReason,
  });

  test('5 failed deliveries disable a webhook with the reason, and the 6th event is not delivered', async () => {
    const r = await stack.receiver((_req, res) => json(res, 500, { error: 'down' }));
    const type = unique('order.created');
    const hook = await stack.api().webhooks.create({ label: 'down', event: type, url: r.url, retry: once });
    expect(hook).toMatchObject({ disableAfter: 5, consecutiveFailures: 0 });
    expect(hook.disabledAt).toBeUndefined();
    for (let n = 1; n <= 5; n++) {
      const { eventId, deliveries } = await publish(type);
      expect(deliveries).toBe(1);
      expect(await outcome(hook, eventId)).toEqual({ failed: 'HttpRetryableStatus' });
      const now = await stack.api().webhooks.get(hook.id);
      if (n < 5)
        expect(health(now)).toEqual({ consecutiveFailures: n, disabledAt: undefined, disabledReason: undefined });
    }
    const before = Date.now();
    const disabled = await stack.api().webhooks.get(hook.id);
    expect(health(disabled)).toEqual({
      consecutiveFailures: 5,
      disabledAt: expect.any(String),
      disabledReason: '5 consecutive failed deliveries; the last: HttpRetryableStatus HTTP 500',
    });
    expect(Date.parse(disabled.disabledAt!)).toBeLessThanOrEqual(before);
    expect(disabled.active).toBe(true);

    const sixth = await publish(type);
    expect(sixth.deliveries).toBe(0);
    expect(r.requests).toHaveLength(5);
  });

  test('a 410 Gone disables a webhook at once; disableAfter 0 never disables, not even on a 410', async () => {
    const r = await stack.receiver((_req, res) => json(res, 410, {}));
    const type = unique('order.created');
    const gone = await stack.api().webhooks.create({ label: 'gone', event: type, url: `${r.url}/gone` });
    const kept = await stack
      .api()
      .webhooks.create({ label: 'kept', event: type, url: `${r.url}/kept`, disableAfter: 0 });
    const { eventId } = await publish(type);
    expect(await outcome(gone, eventId)).toEqual({ failed: 'HttpClientError' });
    expect(await outcome(kept, eventId)).toEqual({ failed: 'HttpClientError' });
    expect(health(await stack.api().webhooks.get(gone.id))).toEqual({
      consecutiveFailures: 1,
      disabledAt: expect.any(String),
      disabledReason: '410 Gone from the receiver',
    });
    expect(health(await stack.api().webhooks.get(kept.id))).toEqual({
      consecutiveFailures: 1,
      disabledAt: undefined,
      disabledReason: undefined,
    });
    const next = await publish(type);
    expect(next.deliveries).toBe(1);
    expect(await outcome(kept, next.eventId)).toEqual({ failed: 'HttpClientError' });
    expect(r.requests.map((q) => q.url).sort()).toEqual(['/gone', '/kept', '/kept']);
  });

  test('growthbook#5405: two failed deliveries, then a delivered one, start the count again', async () => {
    let status = 500;
    const r = await stack.receiver((_req, res) => json(res, status, {}));
    const type = unique('order.created');
    const hook = await stack
      .api()
      .webhooks.create({ label: 'flaky', event: type, url: r.url, retry: once, disableAfter: 3 });
    const deliver = async (expected: unknown) => {
      const { eventId } = await publish(type);
      expect(await outcome(hook, eventId)).toEqual(expected);
      return (await stack.api().webhooks.get(hook.id)).consecutiveFailures;
    };
    expect(await deliver({ failed: 'HttpRetryableStatus' })).toBe(1);
    expect(await deliver({ failed: 'HttpRetryableStatus' })).toBe(2);
    status = 200;
    expect(await deliver({ status: 200, attempt: 1 })).toBe(0);
    status = 500;
    // Without the reset these would be the 3rd and 4th in a row, and the webhook disabled at 3.
    expect(await deliver({ failed: 'HttpRetryableStatus' })).toBe(1);
    expect(await deliver({ failed: 'HttpRetryableStatus' })).toBe(2);
    expect((await stack.api().webhooks.get(hook.id)).disabledAt).toBeUndefined();
  });

  test('convoy#90: a failed attempt retried to success is no failed delivery, even with disableAfter 1', async () => {
    const r = await stack.receiver((_req, res, index) => json(res, index === 0 ? 503 : 200, {}));
    const type = unique('order.created');
    const retry = { maximumAttempts: 2, initialInterval: '1s' };
    const hook = await stack
      .api()
      .webhooks.create({ label: 'retried', event: type, url: r.url, retry, disableAfter: 1 });
    const { eventId } = await publish(type);
    expect(await outcome(hook, eventId)).toEqual({ status: 200, attempt: 2 });
    expect(health(await stack.api().webhooks.get(hook.id))).toEqual({
      consecutiveFailures: 0,
      disabledAt: undefined,
      disabledReason: undefined,
    });
  });

  test('a delivery waiting its delay for a webhook disabled meanwhile ends skipped', async () => {
    const r = await stack.receiver((_req, res) => json(res, 200, {}));
    const type = unique('order_status_change');
    const hook = await stack
      .api()
      .webhooks.create({ label: 'late', event: type, url: r.url, delay: { amount: 2, unit: 'second' } });
    const { eventId } = await publish(type);
    await firstTimer(stack.temporal().client.workflow.getHandle(`${hook.id}/${eventId}`));
    // What a 410 to another delivery of this webhook records, meanwhile.
    const reason = await stack
      .registry()
      .health.failed(DEFAULT_TENANT, hook.id, { gone: true, last: 'HttpClientError HTTP 410', disableAfter: 5 });
    expect(reason).toBe('410 Gone from the receiver');
    expect(await outcome(hook, eventId)).toEqual({ skipped: 'disabled', attempt: 1 });
    expect(r.requests).toHaveLength(0);
  });

  test('convoy#1092: a disabled webhook shows disabled (API and CLI), and one enable call makes it receive again', async () => {
    let status = 410;
    const r = await stack.receiver((_req, res) => json(res, status, {}));
    const type = unique('order.created');
    const hook = await stack.api().webhooks.create({ label: 'fixed', event: type, url: r.url });
    const first = await publish(type);
    expect(await outcome(hook, first.eventId)).toEqual({ failed: 'HttpClientError' });
    status = 200;
    expect((await publish(type)).deliveries).toBe(0);

    const env = { HOOKSTEP_API_URL: stack.apiUrl(), HOOKSTEP_API_KEY: stack.apiKey };
    const shown = await runCli(['webhooks', 'get', hook.id], env);
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.stdout)).toMatchObject({
      consecutiveFailures: 1,
      disabledAt: expect.any(String),
      disabledReason: '410 Gone from the receiver',
    });
    const failing = await runCli(['webhooks', 'list', '--health', 'failing', '--event', type], env);
    expect((JSON.parse(failing.stdout) as Webhook[]).map((w) => w.id)).toEqual([hook.id]);

    const enabled = await runCli(['webhooks', 'enable', hook.id], env);
    expect(enabled.code).toBe(0);
    const after = JSON.parse(enabled.stdout) as Webhook;
    expect(health(after)).toEqual({ consecutiveFailures: 0, disabledAt: undefined, disabledReason: undefined });
    expect(await stack.api().webhooks.get(hook.id)).toEqual(after);

    const changed = await runCli(['webhooks', 'update', hook.id, '--disable-after', '3'], env);
    expect(JSON.parse(changed.stdout)).toMatchObject({ disableAfter: 3, consecutiveFailures: 0 });

    const third = await publish(type);
    expect(third.deliveries).toBe(1);
    expect(await outcome(hook, third.eventId)).toEqual({ status: 200, attempt: 1 });
    expect(r.requests).toHaveLength(2);
  });

  test('?health=failing lists exactly the disabled webhooks and those whose last delivery failed', async () => {
    const a = await store();
    const r = await stack.receiver((req, res) => json(res, Number(req.url.slice(1)), {}));
    const type = unique('order.created');
    const make = (label: string, status: number) =>
      a.api.webhooks.create({ label, event: type, url: `${r.url}/${status}`, retry: once });
    const healthy = await make('healthy', 200);
    const failing = await make('failing', 500);
    const disabled = await make('disabled', 410);
    const { eventId } = await publish(type, a.api);
    expect(await outcome(healthy, eventId)).toEqual({ status: 200, attempt: 1 });
    expect(await outcome(failing, eventId)).toEqual({ failed: 'HttpRetryableStatus' });
    expect(await outcome(disabled, eventId)).toEqual({ failed: 'HttpClientError' });

    const ids = (list: Webhook[]) => list.map((w) => w.id);
    const expected = [failing.id, disabled.id].sort();
    expect(ids(await a.api.webhooks.list({ health: 'failing' }))).toEqual(expected);
    expect(ids(await stack.api().webhooks.list({ tenant: a.tenant, health: 'failing' }))).toEqual(expected);
    expect(ids(await a.api.webhooks.list())).toHaveLength(3);

    const res = await fetch(`${stack.apiUrl()}/v1/webhooks?health=sick`, {
      headers: { authorization: `Bearer ${a.key}` },
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { errors: unknown }).errors).toEqual([
      { field: 'querystring/health', message: expect.any(String) },
    ]);
  });

  test("a tenant key sees and enables only its own: another tenant's disabled webhook is 404 and stays disabled", async () => {
    const [a, b] = [await store(), await store()];
    const r = await stack.receiver((_req, res) => json(res, 410, {}));
    const type = unique('order.created');
    const theirs = await b.api.webhooks.create({ label: 'b', event: type, url: r.url });
    const { eventId } = await publish(type, b.api);
    expect(await outcome(theirs, eventId)).toEqual({ failed: 'HttpClientError' });
    const disabled = await b.api.webhooks.get(theirs.id);
    expect(disabled.disabledReason).toBe('410 Gone from the receiver');

    const call = (method: string, path: string) =>
      fetch(`${stack.apiUrl()}${path}`, { method, headers: { authorization: `Bearer ${a.key}` } }).then(
        async (res) => ({
          status: res.status,
          body: await res.text(),
        }),
      );
    const missing = await call('POST', '/v1/webhooks/wh_000000000000000000000000/enable');
    expect(missing.status).toBe(404);
    expect(await call('POST', `/v1/webhooks/${theirs.id}/enable`)).toEqual(missing);
    expect(await a.api.webhooks.list({ health: 'failing' })).toEqual([]);
    expect(await b.api.webhooks.get(theirs.id)).toEqual(disabled);
  });

  test('disableAfter is kept as given, from 0 to 1000; anything else is 400 naming the field, and nothing is made', async () => {
    const type = unique('order.created');
    for (const disableAfter of [-1, 1.5, 1001, '5']) {
      const res = await fetch(`${stack.apiUrl()}/v1/webhooks`, {
        method: 'POST',
        headers: { authorization: `Bearer ${stack.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ label: 'x', event: type, url: 'https://example.com/h', disableAfter }),
      });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { errors: unknown }).errors).toEqual([
        { field: 'body/disableAfter', message: expect.any(String) },
      ]);
    }
    expect(await stack.api().webhooks.list({ event: type })).toEqual([]);
    const most = await stack
      .api()
      .webhooks.create({ label: 'x', event: type, url: 'https://example.com/h', disableAfter: 1000 });
    expect(await stack.api().webhooks.get(most.id)).toMatchObject({ disableAfter: 1000 });
    const changed = await stack.api().webhooks.update(most.id, { disableAfter: 0 });
    expect(changed).toMatchObject({ disableAfter: 0 });
  });
});
