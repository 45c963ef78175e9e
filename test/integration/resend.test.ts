// Resend and recover (issue 20, item 3): a resend is a delivery of its own, linked to the one it resent, sent with the
// webhook's configuration as it is now and the first delivery's webhook-id; recover resends each failure since a time
// that no later delivery fixed; an Idempotency-Key makes a retried call send nothing again. Real dev server, real
// worker, real receivers on 127.0.0.1 (each POST counted), on each registry database.
import { WorkflowFailedError } from '@temporalio/client';
import { OPERATOR_SCOPE } from '../../src/contract';
import { openRegistry } from '../../src/registry';
import { openDb } from '../../src/registry/db';
import { MIGRATIONS, migrate } from '../../src/registry/migrations';
import { createApiClient, type ApiClient } from '../../src/client/api';
import { ApiError, type Delivery } from '../../src/contract';
import { runCli } from '../helpers/cli';
import { dispatched, settled, unique, useEventStack } from '../helpers/events';
import { json } from '../helpers/receiver';
import { registryDatabases, registryLocations } from '../helpers/registry';
import { expectNoRun } from '../helpers/webhooks';

const before7 = registryLocations();

test.each(before7)(
  'a registry from before resends ($name) keeps its deliveries, none a resend, and recover reads them',
  async (database) => {
    const opened = await database.options();
    const db = await openDb(opened);
    try {
      await migrate(
        db,
        MIGRATIONS.filter((m) => m.version <= 6),
      );
      await db.query(
        `insert into deliveries (id, tenant, webhook_id, event_id, event_type, state, attempts)
         values ('wh_1/evt-1', 'default', 'wh_1', 'evt-1', 'order.created', 'failed', 1)`,
      );
    } finally {
      await db.close();
    }
    const registry = await openRegistry(opened);
    try {
      const found = await registry.deliveries.get(OPERATOR_SCOPE, 'wh_1/evt-1');
      expect(found?.delivery).toMatchObject({ id: 'wh_1/evt-1', state: 'failed', attempts: 1 });
      expect(found?.delivery.resendOf).toBeUndefined();
      const failed = await registry.resends.failedSince(OPERATOR_SCOPE, 'wh_1', '2000-01-01T00:00:00Z', 10);
      expect(failed.map((d) => d.id)).toEqual(['wh_1/evt-1']);
      expect(await registry.idempotency.claim('default', 'k', 'resend wh_1/evt-1')).toEqual({ state: 'new' });
    } finally {
      await registry.close();
    }
  },
);

describe.each(registryDatabases())('resend and recover on $name', (database) => {
  const stack = useEventStack('resend', database);
  const once = { maximumAttempts: 1 };
  const api = () => stack.api();

  /** How the run `id` (a resend's) ended: its result, or its failure's type. */
  const outcome = async (id: string): Promise<unknown> => {
    try {
      return await stack.temporal().client.workflow.getHandle(id).result();
    } catch (err) {
      if (!(err instanceof WorkflowFailedError)) throw err;
      return { failed: (err.cause as { type?: string } | undefined)?.type };
    }
  };

  /** A receiver answering 500 until `fix()`, then 200; its requests are counted by event id. */
  const flaky = async () => {
    let status = 500;
    const r = await stack.receiver((_req, res) => json(res, status, {}));
    // A resend carries its first delivery's webhook-id, `<webhook id>/<event id>`.
    const posts = (eventId: string) =>
      r.requests.filter((q) => String(q.headers['webhook-id']).endsWith(`/${eventId}`)).length;
    return { r, posts, fix: () => (status = 200), break: () => (status = 500) };
  };

  /** A webhook of a new type that retries once, at `url`. */
  const webhook = (url: string, fields: { disableAfter?: number } = {}) =>
    api().webhooks.create({ label: 'resend', event: unique('order.created'), url, retry: once, ...fields });

  /**
   * Publishes an event of the webhook's type and waits for its delivery to end: the delivery's id and outcome. Its
   * one attempt is the dispatcher's, with no run: the outcome is the delivery log's, `{ status, attempt }` or the
   * failure type of its last attempt, as `outcome` reads a run's.
   */
  const publish = async (hook: { id: string; event: string }, client: ApiClient = api()) => {
    const id = unique('evt');
    const published = await client.events.publish({ id, type: hook.event, entity: { id, type: 'order' } });
    expect(await dispatched(stack, published)).toBe(1);
    const delivery = `${hook.id}/${id}`;
    const { delivery: logged, attempts } = await settled(stack, published.tenant, delivery);
    const ended =
      logged.state === 'delivered'
        ? { status: logged.lastStatus, attempt: logged.attempts }
        : { failed: attempts.at(-1)?.failureType };
    return { eventId: id, delivery, outcome: ended };
  };

  /** The problem a call answered. */
  const refusal = async (call: Promise<unknown>) => {
    const err = await call.then(
      () => undefined,
      (e: unknown) => e,
    );
    if (!(err instanceof ApiError)) throw new Error(`expected an ApiError, got ${String(err)}`);
    return { status: err.status, detail: err.problem.detail, errors: err.problem.errors };
  };

  const post = (path: string, headers: Record<string, string> = {}, body?: unknown) =>
    fetch(`${stack.apiUrl()}${path}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${stack.apiKey}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  test('a failure resent after the webhook moved is delivered once, at its new URL, linked, with the first webhook-id', async () => {
    const down = await stack.receiver((_req, res) => json(res, 500, {}));
    const up = await stack.receiver((_req, res) => json(res, 200, {}));
    const hook = await webhook(down.url);
    const { eventId, delivery, outcome: first } = await publish(hook);
    expect(first).toEqual({ failed: 'HttpRetryableStatus' });
    // The first delivery failed at the dispatcher's attempt 1, for good: no run; the resend is one.
    await expectNoRun(stack.temporal().client, delivery);
    await api().webhooks.update(hook.id, { url: up.url });

    const resent = await api().resendDelivery(delivery);
    expect(resent).toMatchObject({ resendOf: delivery, webhookId: hook.id, eventId, state: 'pending', attempts: 0 });
    expect(resent.id).toMatch(new RegExp(`^${hook.id}/${eventId}/resend-[0-9a-f]{20}$`));
    expect(await outcome(resent.id)).toEqual({ status: 200, attempt: 1 });
    const run = await stack.temporal().client.workflow.getHandle(resent.id).describe();
    expect(await run.staticSummary()).toBe(`resend: ${hook.event} → 127.0.0.1:${up.port}`);
    expect(down.requests).toHaveLength(1);
    expect(up.requests).toHaveLength(1);
    expect(up.requests[0].headers['webhook-id']).toBe(delivery);
    expect(up.requests[0].headers['webhook-id']).toBe(down.requests[0].headers['webhook-id']);
    expect(JSON.parse(up.requests[0].body)).toEqual(JSON.parse(down.requests[0].body));

    const shown = await api().deliveries.get(resent.id);
    expect(shown.delivery).toMatchObject({ state: 'delivered', attempts: 1, lastStatus: 200, resendOf: delivery });
    expect(shown.attempts).toEqual([expect.objectContaining({ attempt: 1, status: 200 })]);
    expect((await api().deliveries.get(delivery)).delivery).toMatchObject({ state: 'failed' });
    expect((await api().deliveries.get(delivery)).delivery.resendOf).toBeUndefined();
    const ids = (page: { deliveries: Delivery[] }) => page.deliveries.map((d) => d.id);
    expect(ids(await api().deliveries.list({ webhookId: hook.id }))).toEqual([resent.id, delivery]);
    expect(ids(await api().deliveries.list({ eventId }))).toEqual([resent.id, delivery]);
    const encoded = await fetch(`${stack.apiUrl()}/v1/deliveries/${encodeURIComponent(resent.id)}`, {
      headers: { authorization: `Bearer ${stack.apiKey}` },
    });
    expect(((await encoded.json()) as { delivery: Delivery }).delivery).toEqual(shown.delivery);
  });

  test('plunk#484: a resend retried with its Idempotency-Key answers as the first call did and sends nothing again', async () => {
    const { r, fix } = await flaky();
    const hook = await webhook(r.url);
    const { delivery } = await publish(hook);
    fix();
    const key = unique('key');
    const first = await api().resendDelivery(delivery, { idempotencyKey: key });
    expect(await api().resendDelivery(delivery, { idempotencyKey: key })).toEqual(first);
    // The ID URL-encoded in one segment is the same request.
    const encoded = await post(`/v1/deliveries/${encodeURIComponent(delivery)}/resend`, { 'idempotency-key': key });
    expect(encoded.status).toBe(202);
    expect(await encoded.json()).toEqual(first);
    expect(await outcome(first.id)).toEqual({ status: 200, attempt: 1 });
    expect(await api().resendDelivery(delivery, { idempotencyKey: key })).toEqual(first);

    // Calls racing with one new key start one run between them.
    const racing = unique('key');
    const raced = await Promise.all([1, 2, 3].map(() => api().resendDelivery(delivery, { idempotencyKey: racing })));
    expect(new Set(raced.map((d) => d.id)).size).toBe(1);
    expect(raced[0].id).not.toBe(first.id);
    expect(await outcome(raced[0].id)).toEqual({ status: 200, attempt: 1 });

    expect(r.requests).toHaveLength(3);
    expect((await api().deliveries.list({ webhookId: hook.id })).deliveries).toHaveLength(3);
    expect(await refusal(api().recoverWebhook(hook.id, '2026-01-01T00:00:00Z', { idempotencyKey: key }))).toEqual({
      status: 422,
      detail: 'this Idempotency-Key was used for another request; use a new key for a new request',
      errors: [{ field: 'headers/idempotency-key', message: 'was used for another request' }],
    });
  });

  test('a keyed call that stopped after starting its run, before it answered (or before its key was kept), sends once', async () => {
    const { r, fix } = await flaky();
    const hook = await webhook(r.url);
    const { delivery } = await publish(hook);
    fix();
    const key = unique('key');
    const first = await api().resendDelivery(delivery, { idempotencyKey: key });
    expect(await outcome(first.id)).toEqual({ status: 200, attempt: 1 });
    const { db } = stack.registry();
    // Stopped after the start, before the answer was recorded: the retry carries out the plan recorded.
    await db.query('update idempotency_keys set response = null where key = $1', [key]);
    expect((await api().resendDelivery(delivery, { idempotencyKey: key })).id).toBe(first.id);
    // The key's row lost altogether: the resend's ID is derived from the key, and Temporal starts it once.
    await db.query('delete from idempotency_keys where key = $1', [key]);
    expect((await api().resendDelivery(delivery, { idempotencyKey: key })).id).toBe(first.id);
    const recovered = await api().recoverWebhook(hook.id, new Date(0), { idempotencyKey: unique('key') });
    expect(recovered).toEqual({ resent: 0, deliveries: [] });
    expect(r.requests).toHaveLength(2);
    expect((await api().deliveries.list({ webhookId: hook.id })).deliveries).toHaveLength(2);
  });

  test('outpost#670: resends of one delivery without a key, or with two keys, each send once', async () => {
    const { r, fix } = await flaky();
    const hook = await webhook(r.url);
    const { delivery } = await publish(hook);
    fix();
    const resends = [
      await api().resendDelivery(delivery),
      await api().resendDelivery(delivery),
      await api().resendDelivery(delivery, { idempotencyKey: unique('key') }),
      await api().resendDelivery(delivery, { idempotencyKey: unique('key') }),
    ];
    expect(new Set(resends.map((d) => d.id)).size).toBe(4);
    for (const d of resends) expect(await outcome(d.id)).toEqual({ status: 200, attempt: 1 });
    expect(r.requests).toHaveLength(5);
    // A resend of a resend: linked to the one it resent, its ID no longer.
    const again = await api().resendDelivery(resends[0].id);
    expect(again).toMatchObject({ resendOf: resends[0].id });
    expect(again.id.split('/')).toHaveLength(3);
    expect(await outcome(again.id)).toEqual({ status: 200, attempt: 1 });
  });

  test('ServiceControl#178: recover resends each failure since T once, not one a later resend fixed; retried, no more', async () => {
    const { r, posts, fix, break: unfix } = await flaky();
    const hook = await webhook(r.url);
    const before = await publish(hook);
    const since = new Date(Date.parse((await api().deliveries.get(before.delivery)).delivery.createdAt) + 1);
    const failed = [await publish(hook), await publish(hook), await publish(hook)];
    for (const f of [before, ...failed]) expect(f.outcome).toEqual({ failed: 'HttpRetryableStatus' });
    fix();
    const fixed = await api().resendDelivery(failed[1].delivery);
    expect(await outcome(fixed.id)).toEqual({ status: 200, attempt: 1 });
    // A resend that failed is the newest delivery of its event: recover resends that event once.
    unfix();
    const stillFailing = await api().resendDelivery(failed[2].delivery);
    expect(await outcome(stillFailing.id)).toEqual({ failed: 'HttpRetryableStatus' });
    fix();

    const key = unique('key');
    const recovered = await api().recoverWebhook(hook.id, since, { idempotencyKey: key });
    expect(recovered.resent).toBe(2);
    const byEvent = new Map(recovered.deliveries.map((id) => [id.split('/')[1], id]));
    expect([...byEvent.keys()].sort()).toEqual([failed[0].eventId, failed[2].eventId].sort());
    for (const id of recovered.deliveries) expect(await outcome(id)).toEqual({ status: 200, attempt: 1 });
    expect((await api().deliveries.get(byEvent.get(failed[2].eventId)!)).delivery.resendOf).toBe(stillFailing.id);
    expect((await api().deliveries.get(byEvent.get(failed[0].eventId)!)).delivery.resendOf).toBe(failed[0].delivery);

    expect(await api().recoverWebhook(hook.id, since.toISOString(), { idempotencyKey: key })).toEqual(recovered);
    expect(await api().recoverWebhook(hook.id, since)).toEqual({ resent: 0, deliveries: [] });
    expect([before, ...failed].map((f) => posts(f.eventId))).toEqual([1, 2, 2, 3]);
  });

  test('element-ios#2751: two recover calls at once, without a key, resend each failure once between them', async () => {
    const { r, posts, fix } = await flaky();
    const hook = await webhook(r.url);
    const failed = [await publish(hook), await publish(hook), await publish(hook)];
    fix();
    const answers = await Promise.all([1, 2, 3].map(() => api().recoverWebhook(hook.id, new Date(0))));
    const resent = answers.flatMap((a) => a.deliveries);
    expect(answers.reduce((n, a) => n + a.resent, 0)).toBe(3);
    expect(resent.map((id) => id.split('/')[1]).sort()).toEqual(failed.map((f) => f.eventId).sort());
    for (const id of resent) expect(await outcome(id)).toEqual({ status: 200, attempt: 1 });
    expect(failed.map((f) => posts(f.eventId))).toEqual([2, 2, 2]);
    expect((await api().deliveries.list({ webhookId: hook.id })).deliveries).toHaveLength(6);

    // The race itself, made certain: two calls that read the same failure before either logged its resend.
    const another = await publish(hook);
    const original = (await api().deliveries.get(another.delivery)).delivery;
    const planned = (token: string) => ({ ...original, id: `${original.id}/resend-${token}`, resendOf: original.id });
    await stack.registry().resends.insert([planned('a')], { onlyNewest: true });
    await stack.registry().resends.insert([planned('b')], { onlyNewest: true });
    const logged = await stack.registry().resends.getMany(OPERATOR_SCOPE, [planned('a').id, planned('b').id]);
    expect(logged.map((d) => d.id)).toEqual([planned('a').id]);
  });

  test("convoy#2681 in kind: another tenant's resend or recover answers the 404 of a missing one; its own work", async () => {
    const { r, fix } = await flaky();
    const hook = await webhook(r.url);
    const { delivery } = await publish(hook);
    const tenant = unique('store');
    const { key } = await api().tenants.keys.create(tenant);
    const other = createApiClient({ url: stack.apiUrl(), apiKey: key });
    const missing = await refusal(other.resendDelivery(`${hook.id}/no-such-event`));
    expect(missing).toMatchObject({ status: 404, detail: 'no such delivery' });
    expect(await refusal(other.resendDelivery(delivery))).toEqual(missing);
    expect(await refusal(other.resendDelivery(delivery, { idempotencyKey: 'k' }))).toEqual(missing);
    const noWebhook = await refusal(other.recoverWebhook('wh_000000000000000000000000', new Date(0)));
    expect(noWebhook).toMatchObject({ status: 404, detail: 'no such webhook' });
    expect(await refusal(other.recoverWebhook(hook.id, new Date(0)))).toEqual(noWebhook);
    fix();
    const resent = await api().resendDelivery(delivery);
    expect(await refusal(other.deliveries.get(resent.id))).toMatchObject({ status: 404 });
    expect(await outcome(resent.id)).toEqual({ status: 200, attempt: 1 });
    expect(r.requests).toHaveLength(2);

    // A tenant key resends its own tenant's deliveries; its keys are its own, apart from an operator's.
    const own = await other.webhooks.create({ label: 'own', event: unique('order.created'), url: r.url, retry: once });
    const mine = await publish(own, other);
    const byTenant = await other.resendDelivery(mine.delivery, { idempotencyKey: 'k' });
    expect(byTenant).toMatchObject({ tenant, resendOf: mine.delivery });
    const byOperator = await api().resendDelivery(mine.delivery, { idempotencyKey: 'k' });
    expect(byOperator.id).not.toBe(byTenant.id);
    expect(await outcome(byTenant.id)).toEqual({ status: 200, attempt: 1 });
    expect(await outcome(byOperator.id)).toEqual({ status: 200, attempt: 1 });
  });

  test('a bad since, a missing since or a bad Idempotency-Key is a 400 naming the field; nothing is sent', async () => {
    const { r } = await flaky();
    const hook = await webhook(r.url);
    const problemOf = async (res: Response) => ({
      status: res.status,
      body: (await res.json()) as { errors: unknown },
    });
    const recover = `/v1/webhooks/${hook.id}/recover`;
    for (const [headers, body, field] of [
      [{}, { since: 'yesterday' }, 'body/since'],
      [{}, {}, 'body/since'],
      [{ 'idempotency-key': 'has spaces' }, { since: '2026-01-01T00:00:00Z' }, 'headers/idempotency-key'],
    ] as const) {
      const answer = await problemOf(await post(recover, headers, body));
      expect(answer.status).toBe(400);
      expect(answer.body.errors).toEqual([{ field, message: expect.any(String) }]);
    }
    const { delivery } = await publish(hook);
    const res = await post(`/v1/deliveries/${delivery}/resend`, { 'idempotency-key': 'x'.repeat(256) });
    expect((await problemOf(res)).body.errors).toEqual([
      { field: 'headers/idempotency-key', message: expect.any(String) },
    ]);
    expect(r.requests).toHaveLength(1);
  });

  test('a disabled webhook refuses resend and recover (409) until enabled; no delivery is logged meanwhile', async () => {
    const { r, fix } = await flaky();
    const hook = await webhook(r.url, { disableAfter: 1 });
    const { delivery } = await publish(hook);
    expect((await api().webhooks.get(hook.id)).disabledAt).toEqual(expect.any(String));
    const disabled = `webhook is disabled; re-enable it first (POST /v1/webhooks/${hook.id}/enable)`;
    expect(await refusal(api().resendDelivery(delivery))).toMatchObject({ status: 409, detail: disabled });
    const key = unique('key');
    expect(await refusal(api().recoverWebhook(hook.id, new Date(0), { idempotencyKey: key }))).toMatchObject({
      status: 409,
      detail: disabled,
    });
    expect((await api().deliveries.list({ webhookId: hook.id })).deliveries).toHaveLength(1);
    await api().webhooks.update(hook.id, { active: false });
    expect(await refusal(api().resendDelivery(delivery))).toMatchObject({ status: 409 });

    await api().webhooks.update(hook.id, { active: true });
    await api().webhooks.enable(hook.id);
    fix();
    // The refusal was not kept under the key: the same call, once enabled, recovers.
    const recovered = await api().recoverWebhook(hook.id, new Date(0), { idempotencyKey: key });
    expect(recovered.resent).toBe(1);
    expect(await outcome(recovered.deliveries[0])).toEqual({ status: 200, attempt: 1 });
    expect(r.requests).toHaveLength(2);
  });

  test('the CLI: deliveries resend with --idempotency-key twice sends once; webhooks recover --since', async () => {
    const { r, fix } = await flaky();
    const hook = await webhook(r.url);
    const { delivery } = await publish(hook);
    const { delivery: second } = await publish(hook);
    fix();
    const env = { HOOKSTEP_API_URL: stack.apiUrl(), HOOKSTEP_API_KEY: stack.apiKey };
    const key = unique('key');
    const runs = [
      await runCli(['deliveries', 'resend', delivery, '--idempotency-key', key], env),
      await runCli(['deliveries', 'resend', delivery, '--idempotency-key', key], env),
    ];
    expect(runs.map((c) => c.code)).toEqual([0, 0]);
    const [a, b] = runs.map((c) => JSON.parse(c.stdout) as Delivery);
    expect(b).toEqual(a);
    expect(a.resendOf).toBe(delivery);
    expect(await outcome(a.id)).toEqual({ status: 200, attempt: 1 });

    const recovered = await runCli(['webhooks', 'recover', hook.id, '--since', '2020-01-01T00:00:00Z'], env);
    expect(recovered.code).toBe(0);
    const answer = JSON.parse(recovered.stdout) as { resent: number; deliveries: string[] };
    expect(answer).toEqual({ resent: 1, deliveries: [expect.stringMatching(new RegExp(`^${second}/resend-`))] });
    expect(await outcome(answer.deliveries[0])).toEqual({ status: 200, attempt: 1 });
    expect(r.requests).toHaveLength(4);
    const missing = await runCli(['webhooks', 'recover', hook.id], env);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('--since');
  });

  test('/openapi.json has both routes: the Idempotency-Key header, the since body, and each 202 answer', async () => {
    const doc = (await (await fetch(`${stack.apiUrl()}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const recover = JSON.stringify(doc.paths['/v1/webhooks/{id}/recover'].post);
    expect(recover).toContain('"idempotency-key"');
    expect(recover).toContain('"since"');
    expect(recover).toContain('"resent"');
    const resend = JSON.stringify(doc.paths['/v1/deliveries/{webhookId}/{eventId}/resend'].post);
    expect(resend).toContain('"idempotency-key"');
    expect(resend).toContain('"resendOf"');
    expect(resend).toContain('"202"');
  });
});
