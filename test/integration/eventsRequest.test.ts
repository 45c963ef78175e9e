/** @cluster */
// Event deliveries go out as written and well-formed, on each registry database: the webhook URL's own query beside
// Ecwid's ?eventtype=, XML that a strict parser (expat) reads back exactly or EventNotSendable with nothing sent,
// replies redacted of the webhook's secrets, and API problems that name the field at fault.
import type { ServerResponse } from 'node:http';
import { WorkflowNotFoundError } from '@temporalio/client';
import { DEFAULT_TENANT, FailureType, redact } from '../../src/contract';
import { delivered, settled, unique, useEventStack } from '../helpers/events';
import { json, type Received } from '../helpers/receiver';
import { registryDatabases } from '../helpers/registry';
import { parseStrictXml } from '../helpers/xml';

describe.each(registryDatabases())('event requests on $name', (database) => {
  const stack = useEventStack('events-request', database);
  const call = (method: string, path: string, body: unknown) =>
    fetch(`${stack.apiUrl()}${path}`, {
      method,
      headers: { authorization: `Bearer ${stack.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  /**
   * A delivery that failed for good on attempt 1 (a worker's dispatcher made it; no run was started for retries), and
   * that attempt from the delivery log: failed on the first of the default policy's attempts means not retried.
   */
  const failedAtOnce = async (webhookId: string, eventId: string) => {
    const id = `${webhookId}/${eventId}`;
    const { delivery, attempts } = await settled(stack, DEFAULT_TENANT, id);
    expect(delivery).toMatchObject({ state: 'failed', attempts: 1 });
    expect(attempts).toHaveLength(1);
    await expect(stack.temporal().client.workflow.getHandle(id).describe()).rejects.toBeInstanceOf(
      WorkflowNotFoundError,
    );
    return attempts[0];
  };

  test("issue 18: Ecwid's ?eventtype= is added after the webhook URL's own query, kept as written", async () => {
    const r = await stack.receiver((_req, res) => json(res, 200, {}));
    const type = unique('product.updated');
    await stack.api().webhooks.create({
      label: 'x',
      event: type,
      url: `${r.url}/ecwid?sig=a%2Bb%20c&flag`,
      envelope: 'ecwid',
    });
    const eventId = `${Math.floor(Math.random() * 1e9)}`;
    await stack.api().events.publish({ id: eventId, type, entity: { id: 1, type: 'product' } });
    await delivered(stack, eventId);
    expect(r.requests[0].url).toBe(`/ecwid?sig=a%2Bb%20c&flag&eventtype=${type}`);
  });

  test('issue 18: an XML event with U+0007 fails EventNotSendable naming the field; nothing is sent', async () => {
    const r = await stack.receiver((_req, res) => json(res, 200, {}));
    const type = unique('order_confirm');
    const created = await stack
      .api()
      .webhooks.create({ label: 'x', event: type, url: r.url, format: 'xml', envelope: 'shoprenter' });
    const eventId = unique('evt');
    await stack
      .api()
      .events.publish({ id: eventId, type, entity: { id: 1, type: 'order' }, data: { note: 'ring\u0007bell' } });
    const failure = await failedAtOnce(created.id, eventId);
    expect(failure.failureType).toBe(FailureType.EventNotSendable);
    expect(failure.message).toBe(
      'cannot be written as XML: orders.order[0].note holds U+0007, which XML 1.0 cannot carry',
    );
    expect(r.requests).toHaveLength(0);
  });

  // Hankintailmoitukset/hilma-api#100 and wso2/wso2-axiom#39: receivers refused XML with characters XML 1.0 cannot
  // carry. Here, what XML can carry arrives exactly (CR too, which a parser would turn into LF) and signed.
  test('hilma-api#100 and wso2-axiom#39: what XML can carry arrives exactly through expat; a Hungarian key is a name', async () => {
    const r = await stack.receiver((_req, res) => json(res, 200, {}));
    const type = unique('order_confirm');
    await stack.api().webhooks.create({ label: 'x', event: type, url: r.url, format: 'xml', envelope: 'shoprenter' });
    const eventId = unique('evt');
    const note = 'line 1\r\nline 2\tA&B <b> ]]> "q" \u{1F600}';
    await stack
      .api()
      .events.publish({ id: eventId, type, entity: { id: 1, type: 'order' }, data: { note, név: 'ár' } });
    await delivered(stack, eventId);
    expect(parseStrictXml(r.requests[0].body)).toEqual({
      ok: true,
      leaves: [
        ['orders/order/note', note],
        ['orders/order/név', 'ár'],
        ['orders/order', ''],
        ['orders', ''],
      ],
    });
  });

  test("a receiver's 401 echo of the webhook's headers and signature is redacted in the delivery's failure", async () => {
    const echo = (req: Received, res: ServerResponse) => json(res, 401, { got: req.headers });
    const r = await stack.receiver(echo);
    const type = unique('order.created');
    const created = await stack.api().webhooks.create({
      label: 'x',
      event: type,
      url: r.url,
      headers: { Authorization: 'Bearer tok_event_7c6d5e4f3a2b', 'X-Api-Key': 'key-0f9e8d7c6b5a' },
    });
    const eventId = unique('evt');
    await stack.api().events.publish({ id: eventId, type, entity: { id: 1, type: 'order' } });
    const failure = await failedAtOnce(created.id, eventId);
    expect(failure).toMatchObject({ status: 401, failureType: FailureType.HttpClientError });
    const snippet = failure.bodySnippet!;
    const signature = String(r.requests[0].headers['webhook-signature']);
    const secrets = ['tok_event_7c6d5e4f3a2b', 'key-0f9e8d7c6b5a', signature, signature.slice(3), created.secret];
    expect(redact(snippet, secrets)).toBe(snippet);
    expect(JSON.parse(snippet)).toMatchObject({
      got: { authorization: '[redacted]', 'x-api-key': '[redacted]', 'webhook-signature': '[redacted]' },
    });
  });

  test('an unknown key in POST /v1/webhooks is answered with that key as the field', async () => {
    const res = await call('POST', '/v1/webhooks', {
      label: 'x',
      event: 'order.created',
      url: 'https://a.example/h',
      bogus: 1,
      headers: { 'X-Name': 'José', 'bad name': 'x' },
    });
    expect(res.status).toBe(400);
    const problem = (await res.json()) as { errors: { field: string; message: string }[] };
    expect(problem.errors).toEqual(
      expect.arrayContaining([
        { field: 'body/bogus', message: 'is not a known field' },
        { field: 'body/headers/X-Name', message: expect.stringMatching(/^must be ASCII/) as string },
        {
          field: 'body/headers/bad name',
          message: expect.stringMatching(/^header names must be HTTP tokens/) as string,
        },
      ]),
    );
    expect(problem.errors).toHaveLength(3);
  });

  test('a __proto__ key deep in event data is refused naming it, not as "not valid JSON"', async () => {
    const event = JSON.parse(
      '{"id":"e-proto","type":"order.created","entity":{"id":1,"type":"order"},"data":{"order":{"__proto__":{"x":1}}}}',
    ) as unknown;
    const res = await call('POST', '/v1/events', event);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { errors: unknown[] }).errors).toEqual([
      { field: 'body/data/order/__proto__', message: '"__proto__" is not allowed as a key' },
    ]);
  });

  test('event data holding constructor.prototype is JSON like any other and arrives as published', async () => {
    const r = await stack.receiver((_req, res) => json(res, 200, {}));
    const type = unique('order.created');
    await stack.api().webhooks.create({ label: 'x', event: type, url: r.url });
    const id = unique('evt');
    const event = JSON.parse(
      `{"id":"${id}","type":"${type}","entity":{"id":1,"type":"order"},"data":{"constructor":{"prototype":"p"}}}`,
    ) as unknown;
    expect((await call('POST', '/v1/events', event)).status).toBe(202);
    await delivered(stack, id);
    expect((JSON.parse(r.requests[0].body) as { data: unknown }).data).toEqual({ constructor: { prototype: 'p' } });
  });
});
