// The HTTP API of event webhooks as a client sees it: keys, problem details naming the field (and never echoing a
// value), secrets returned once, rotation with both secrets signing, additional fields, XML, and its OpenAPI document.
import { WorkflowNotFoundError } from '@temporalio/client';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { DEFAULT_TENANT } from '../../src/contract';
import { VIRTO_EXAMPLE } from '../fixtures/seeds';
import { delivered, settled, unique, useEventStack } from '../helpers/events';
import { json } from '../helpers/receiver';
import { registryDatabases } from '../helpers/registry';

describe.each(registryDatabases())('the API on $name', (database) => {
  const stack = useEventStack('events-api', database);
  const call = (method: string, path: string, body?: unknown, key: string | null = stack.apiKey) =>
    fetch(`${stack.apiUrl()}${path}`, {
      method,
      headers: {
        ...(key ? { authorization: `Bearer ${key}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  test.each([
    ['GET', '/v1/webhooks'],
    ['POST', '/v1/events'],
    ['GET', '/v1/event-types'],
  ])('%s %s without a key, or with a wrong one, is 401', async (method, path) => {
    for (const key of [null, `${stack.apiKey}x`]) {
      const res = await call(method, path, method === 'POST' ? {} : undefined, key);
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    }
  });

  test('a bad body is 400 naming each field, and no value comes back', async () => {
    const res = await call('POST', '/v1/webhooks', {
      label: 'x',
      event: 'order.created',
      url: 'ftp://token-s3cr3t@files.example.com/in',
      additionalFields: Array.from({ length: 11 }, (_, i) => `f${i}`),
    });
    expect(res.status).toBe(400);
    const problem = (await res.json()) as { errors: { field: string; message: string }[] };
    expect(problem.errors.map((e) => e.field).sort()).toEqual(['body/additionalFields', 'body/url']);
    expect(problem.errors.find((e) => e.field === 'body/additionalFields')?.message).toBe(
      'at most 10 additional fields',
    );
    expect(JSON.stringify(problem)).not.toContain('s3cr3t');
  });

  test('the secret is returned once, at creation; no read returns it', async () => {
    const created = await stack
      .api()
      .webhooks.create({ label: 'x', event: 'order.created', url: 'https://a.example/h' });
    expect(created.secret).toMatch(/^whsec_/);
    const reads = [await call('GET', `/v1/webhooks/${created.id}`), await call('GET', '/v1/webhooks')];
    for (const res of reads) expect(await res.text()).not.toContain(created.secret);
    expect(await call('GET', '/v1/webhooks/wh_missing')).toMatchObject({ status: 404 });
  });

  test('the client leaves a filter field given as undefined out of the query, for every list', async () => {
    const api = stack.api();
    const created = await api.webhooks.create({
      label: 'u',
      event: unique('order.undefined'),
      url: 'https://a.example/h',
    });
    const lists = await Promise.all([
      api.webhooks.list({ tenant: undefined, event: created.event }),
      api.automations.list({ tenant: undefined, event: undefined }),
      api.deliveries.list({ tenant: undefined, state: undefined }),
    ]);
    expect(lists[0].map((w) => w.id)).toEqual([created.id]);
  });

  test('after a rotation, deliveries carry two signatures: either secret verifies', async () => {
    const r = await stack.receiver((_req, res) => json(res, 200, {}));
    const type = unique('order.created');
    const created = await stack.api().webhooks.create({ label: 'r', event: type, url: r.url });
    const { secret } = await stack.api().webhooks.rotateSecret(created.id);
    const { eventId } = await stack.api().events.publish({ id: unique('evt'), type, entity: { id: 1, type: 'order' } });
    await delivered(stack, eventId);
    const { body, headers } = r.requests[0];
    expect(String(headers['webhook-signature']).split(' ')).toHaveLength(2);
    for (const s of [secret, created.secret]) {
      expect(() => new StandardWebhook(s).verify(body, headers as Record<string, string>)).not.toThrow();
    }
  });

  test("Virto's additional fields appear in the body; the entity's other fields do not", async () => {
    const r = await stack.receiver((_req, res) => json(res, 200, {}));
    const type = unique(VIRTO_EXAMPLE.EventId);
    await stack.api().webhooks.create({
      label: 'v',
      event: type,
      url: r.url,
      envelope: 'virto',
      additionalFields: ['Number', 'Status'],
    });
    const { eventId } = await stack.api().events.publish({
      id: unique('evt'),
      type,
      entity: { id: 'o-1', type: 'CustomerOrder' },
      data: { Status: 'New', Number: 'CO-7', Email: 'buyer@example.com' },
    });
    await delivered(stack, eventId);
    const body = JSON.parse(r.requests[0].body) as { EventBody: string };
    expect(JSON.parse(body.EventBody)).toEqual([
      { objectId: 'o-1', objectType: 'CustomerOrder', Number: 'CO-7', Status: 'New' },
    ]);
  });

  test('XML: delivered as application/xml; a key that is no XML name fails EventNotSendable, not retried', async () => {
    const r = await stack.receiver((_req, res) => json(res, 200, {}));
    const type = unique('newsletter_subscribe');
    const created = await stack
      .api()
      .webhooks.create({ label: 'x', event: type, url: r.url, format: 'xml', envelope: 'shoprenter' });
    const good = await stack
      .api()
      .events.publish({ id: unique('evt'), type, entity: { id: 1, type: 'subscriber' }, data: { id: '1' } });
    await delivered(stack, good.eventId);
    expect(r.requests[0].headers['content-type']).toBe('application/xml');
    expect(r.requests[0].body).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><newsletter><subscriber><id>1</id></subscriber></newsletter>',
    );
    const bad = await stack
      .api()
      .events.publish({ id: unique('evt'), type, entity: { id: 2, type: 'subscriber' }, data: { 'not a name': 1 } });
    // Not retried: failed on attempt 1 of the default policy's several, so no run was started for attempts 2 on.
    const { delivery, attempts } = await settled(stack, DEFAULT_TENANT, `${created.id}/${bad.eventId}`);
    expect(delivery).toMatchObject({ state: 'failed', attempts: 1, lastFailureType: 'EventNotSendable' });
    expect(attempts).toEqual([expect.objectContaining({ attempt: 1, failureType: 'EventNotSendable' })]);
    await expect(
      stack.temporal().client.workflow.getHandle(`${created.id}/${bad.eventId}`).describe(),
    ).rejects.toBeInstanceOf(WorkflowNotFoundError);
    expect(r.requests).toHaveLength(1);
  });

  test('/openapi.json is an OpenAPI 3.1 document of every route, built from the same schemas', async () => {
    const doc = (await (await call('GET', '/openapi.json', undefined, null)).json()) as {
      openapi: string;
      paths: Record<string, Record<string, { requestBody?: unknown }>>;
    };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/v1/automations',
      '/v1/automations/{id}',
      '/v1/automations/{id}/runs',
      '/v1/deliveries',
      '/v1/deliveries/{id}',
      '/v1/deliveries/{id}/resend',
      '/v1/deliveries/{webhookId}/{eventId}',
      '/v1/deliveries/{webhookId}/{eventId}/resend',
      '/v1/deliveries/{webhookId}/{eventId}/{resendId}',
      '/v1/deliveries/{webhookId}/{eventId}/{resendId}/resend',
      '/v1/event-types',
      '/v1/events',
      '/v1/events/{id}/deliveries',
      '/v1/me',
      '/v1/sign-in',
      '/v1/tenants/{tenant}/keys',
      '/v1/tenants/{tenant}/sign-in-links',
      '/v1/webhooks',
      '/v1/webhooks/{id}',
      '/v1/webhooks/{id}/deliveries',
      '/v1/webhooks/{id}/enable',
      '/v1/webhooks/{id}/recover',
      '/v1/webhooks/{id}/rotate-secret',
    ]);
    // The delivery log: its filters, and a delivery's attempts with their snippet.
    expect(JSON.stringify(doc.paths['/v1/deliveries'].get)).toContain('"eventType"');
    expect(JSON.stringify(doc.paths['/v1/deliveries/{webhookId}/{eventId}'].get)).toContain('"bodySnippet"');
    expect(JSON.stringify(doc.paths['/v1/webhooks'].post.requestBody)).toContain('additionalFields');
    // Tenants: on webhooks and events, as a list filter, and the keys route with its one-time key.
    expect(JSON.stringify(doc.paths['/v1/webhooks'].post.requestBody)).toContain('"tenant"');
    expect(JSON.stringify(doc.paths['/v1/events'].post.requestBody)).toContain('"tenant"');
    expect(JSON.stringify(doc.paths['/v1/webhooks'].get)).toContain('"tenant"');
    expect(JSON.stringify(doc.paths['/v1/tenants/{tenant}/keys'].post)).toContain('"key"');
    // Stored automations: the steps of today's automation schema, and the event type they run on.
    expect(JSON.stringify(doc.paths['/v1/automations'].post.requestBody)).toContain('"sendWebhook"');
    expect(JSON.stringify(doc.paths['/v1/automations'].post.requestBody)).toContain('"on"');
  });
});
