/** @cluster */
// The registry on each real database it supports (PGlite embedded, PostgreSQL): the same SQL, the same tests.
import { migrate } from '../../src/registry/migrations';
import { newApiKey, newSigningSecret, type Registry } from '../../src/registry';
import {
  DEFAULT_TENANT,
  OPERATOR_SCOPE,
  WebhookFieldsSchema,
  tenantScope,
  type HookstepEvent,
} from '../../src/contract';
import { registryDatabases } from '../helpers/registry';

const fields = (overrides: Record<string, unknown> = {}) =>
  WebhookFieldsSchema.parse({
    label: 'orders',
    event: 'order.created',
    url: 'https://api.example.com/h',
    ...overrides,
  });

const event = (id: string, tenant = DEFAULT_TENANT): HookstepEvent => ({
  id,
  tenant,
  type: 'order.created',
  occurredAt: '2026-11-23T10:00:00.000Z',
  entity: { id: 'o-1', type: 'order' },
  data: { total: 12.5, lines: [{ sku: 'a' }] },
});

const all = OPERATOR_SCOPE;
const T = DEFAULT_TENANT;

describe.each(registryDatabases())('the registry on $name', (database) => {
  let registry: Registry;
  beforeAll(async () => {
    registry = await database.open();
  }, 60_000);
  afterAll(() => registry?.close());

  test('migrations apply once: opening again applies none', async () => {
    expect(await migrate(registry.db)).toEqual([]);
  });

  test('a webhook round-trips every field, and no read returns its secret', async () => {
    const created = await registry.webhooks.create(
      T,
      fields({
        envelope: 'virto',
        additionalFields: ['Status', 'Number'],
        delay: { amount: 10, unit: 'day' },
        headers: { 'X-Store': 'demo' },
        retry: { initialInterval: '15m', backoffCoefficient: 1, maximumAttempts: 96 },
        successStatuses: [200, 201],
      }),
      'whsec_c2VjcmV0LWZvci10ZXN0cw==',
    );
    expect(created.id).toMatch(/^wh_[0-9a-f]{24}$/);
    const read = await registry.webhooks.get(all, created.id);
    expect(read).toEqual(created);
    expect(read).toMatchObject({ envelope: 'virto', delay: { amount: 10, unit: 'day' }, successStatuses: [200, 201] });
    expect(JSON.stringify(await registry.webhooks.list(all, { limit: 100 }))).not.toContain('whsec_');
  });

  test('update changes only the fields given; delete removes the webhook and its secrets', async () => {
    const created = await registry.webhooks.create(T, fields(), newSigningSecret());
    const updated = await registry.webhooks.update(all, created.id, { active: false, label: 'renamed' });
    expect(updated).toMatchObject({ active: false, label: 'renamed', url: 'https://api.example.com/h' });
    await registry.webhooks.update(all, created.id, { delay: { amount: 2, unit: 'second' }, successStatuses: [200] });
    const cleared = await registry.webhooks.update(all, created.id, { delay: null, successStatuses: null });
    expect(cleared).not.toHaveProperty('delay');
    expect(cleared).not.toHaveProperty('successStatuses');
    expect(cleared).toMatchObject({ label: 'renamed', envelope: 'standard' });
    expect(await registry.webhooks.delete(all, created.id)).toBe(true);
    expect(await registry.webhooks.get(all, created.id)).toBeUndefined();
    expect(await registry.webhooks.signingSecrets(all, created.id)).toEqual([]);
    expect(await registry.webhooks.update(all, created.id, { label: 'x' })).toBeUndefined();
  });

  test('subscribers are the active webhooks of one event type, a page at a time', async () => {
    const type = `sub.${Math.random().toString(36).slice(2)}`;
    const ids = [];
    for (let i = 0; i < 5; i++)
      ids.push((await registry.webhooks.create(T, fields({ event: type }), newSigningSecret())).id);
    await registry.webhooks.create(T, fields({ event: type, active: false }), newSigningSecret());
    await registry.webhooks.create(T, fields({ event: `${type}.other` }), newSigningSecret());
    await registry.webhooks.create('another-store', fields({ event: type }), newSigningSecret());
    const first = await registry.webhooks.subscribers(T, type, undefined, 3);
    const rest = await registry.webhooks.subscribers(T, type, first.at(-1)!.id, 3);
    expect([...first, ...rest].map((w) => w.id)).toEqual([...ids].sort());
  });

  test('rotation: the new secret signs at once, the old one beside it for 24 hours', async () => {
    const created = await registry.webhooks.create(T, fields(), 'whsec_b2xk');
    const now = new Date();
    const until = await registry.webhooks.rotateSecret(all, created.id, 'whsec_bmV3', now);
    expect(until?.getTime()).toBe(now.getTime() + 24 * 3_600_000);
    expect(await registry.webhooks.signingSecrets(all, created.id, now)).toEqual(['whsec_bmV3', 'whsec_b2xk']);
    const later = new Date(now.getTime() + 25 * 3_600_000);
    expect(await registry.webhooks.signingSecrets(all, created.id, later)).toEqual(['whsec_bmV3']);
    expect(await registry.webhooks.rotateSecret(all, 'wh_missing', 'whsec_eA==')).toBeUndefined();
  });

  test('an event id is recorded once; the first body is kept', async () => {
    const id = `evt-${Math.random().toString(36).slice(2)}`;
    expect(await registry.events.insert(event(id))).toEqual({ fanOutStarted: false });
    expect(await registry.events.insert({ ...event(id), data: { other: true } })).toEqual({ fanOutStarted: false });
    await registry.events.markFanOutStarted(T, id);
    expect(await registry.events.insert(event(id))).toEqual({ fanOutStarted: true });
    expect(await registry.events.get(T, id)).toEqual(event(id));
  });

  test("a tenant's scope finds none of another tenant's webhooks: not to read, list, change, delete or rotate", async () => {
    const theirs = await registry.webhooks.create('store-a', fields(), 'whsec_YQ==');
    const b = tenantScope('store-b');
    expect(await registry.webhooks.get(b, theirs.id)).toBeUndefined();
    expect((await registry.webhooks.list(b, { limit: 1000 })).map((w) => w.id)).not.toContain(theirs.id);
    expect(await registry.webhooks.update(b, theirs.id, { url: 'https://b.example/steal' })).toBeUndefined();
    expect(await registry.webhooks.delete(b, theirs.id)).toBe(false);
    expect(await registry.webhooks.rotateSecret(b, theirs.id, 'whsec_Yg==')).toBeUndefined();
    expect(await registry.webhooks.signingSecrets(b, theirs.id)).toEqual([]);
    expect(await registry.webhooks.get(tenantScope('store-a'), theirs.id)).toEqual(theirs);
    expect(await registry.webhooks.signingSecrets(all, theirs.id)).toEqual(['whsec_YQ==']);
  });

  test("event ids are a tenant's own: two tenants' events of one id are two events", async () => {
    const id = `evt-${Math.random().toString(36).slice(2)}`;
    expect(await registry.events.insert(event(id, 'store-a'))).toEqual({ fanOutStarted: false });
    await registry.events.markFanOutStarted('store-a', id);
    expect(await registry.events.insert({ ...event(id, 'store-b'), data: { b: 1 } })).toEqual({ fanOutStarted: false });
    expect(await registry.events.get('store-a', id)).toEqual(event(id, 'store-a'));
    expect(await registry.events.get('store-b', id)).toEqual({ ...event(id, 'store-b'), data: { b: 1 } });
    expect(await registry.events.get('store-c', id)).toBeUndefined();
  });

  test('API keys are accepted by their hash only', async () => {
    const key = newApiKey();
    await registry.apiKeys.add(key, 'test');
    expect(await registry.apiKeys.scopeOf(key)).toEqual(OPERATOR_SCOPE);
    expect(await registry.apiKeys.scopeOf(`${key}x`)).toBeUndefined();
    const tenantKey = newApiKey();
    await registry.apiKeys.add(tenantKey, 'tenant store-a', 'store-a');
    expect(await registry.apiKeys.scopeOf(tenantKey)).toEqual(tenantScope('store-a'));
    const stored = await registry.db.query<{ hash: string }>('select hash from api_keys');
    expect(JSON.stringify(stored)).not.toContain(key);
  });
});
