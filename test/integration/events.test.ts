/** @cluster */
// Event webhooks end to end, on each registry database: the HTTP API, the fan-out and delivery runs on a real dev
// server, real receivers on 127.0.0.1. Each seed's example, expressed as a hookstep webhook, arrives byte for byte.
import { Webhook as StandardWebhook } from 'standardwebhooks';
import type { CreateWebhookInput, EventInput } from '../../src/contract';
import { ECWID_EXAMPLE, SHOPRENTER_ORDER_EXAMPLE, SHOPRENTER_WEBHOOK, VIRTO_EXAMPLE } from '../fixtures/seeds';
import { delivered, unique, useEventStack } from '../helpers/events';
import { json, type Receiver } from '../helpers/receiver';
import { registryDatabases } from '../helpers/registry';

describe.each(registryDatabases())('event webhooks on $name', (database) => {
  const stack = useEventStack('events', database);
  let ok: Receiver;
  beforeAll(async () => {
    ok = await stack.receiver((_req, res) => json(res, 200, { ok: true }));
  });

  const webhook = (input: Partial<CreateWebhookInput> & Pick<CreateWebhookInput, 'event'>) =>
    stack.api().webhooks.create({ label: 'test', url: `${ok.url}/${unique('hook')}`, ...input });

  test("Virto's example arrives byte for byte, signed with the secret returned once at creation", async () => {
    const type = unique(VIRTO_EXAMPLE.EventId);
    const created = await webhook({ event: type, envelope: 'virto' });
    const eventId = unique('virto');
    await stack.api().events.publish({
      id: eventId,
      type,
      entity: {
        id: '1780d797-0990-419b-9937-f1d5a7d7b383',
        type: 'VirtoCommerce.OrdersModule.Core.Model.CustomerOrder',
      },
    });
    await delivered(stack, eventId);
    const req = ok.requests.find((r) => r.url === new URL(created.url).pathname)!;
    expect(req.body).toBe(JSON.stringify({ ...VIRTO_EXAMPLE, EventId: type }));
    expect(req.headers['webhook-id']).toBe(`${created.id}/${eventId}`);
    expect(() =>
      new StandardWebhook(created.secret).verify(req.body, req.headers as Record<string, string>),
    ).not.toThrow();
  });

  test("Ecwid's example arrives byte for byte, with ?eventtype=", async () => {
    const created = await webhook({ event: 'product.updated', envelope: 'ecwid', successStatuses: [200, 201] });
    const eventId = `${Math.floor(Math.random() * 1e9)}`;
    const event: EventInput = {
      id: eventId,
      type: 'product.updated',
      occurredAt: new Date(ECWID_EXAMPLE.eventCreated * 1000).toISOString(),
      storeId: 1003,
      entity: { id: 130030039, type: 'product' },
    };
    await stack.api().events.publish(event);
    await delivered(stack, eventId);
    const req = ok.requests.find((r) => r.url.startsWith(new URL(created.url).pathname))!;
    expect(req.url).toBe(`${new URL(created.url).pathname}?eventtype=product.updated`);
    expect(req.body).toBe(JSON.stringify({ ...ECWID_EXAMPLE, eventId: Number(eventId) }));
  });

  test("Shoprenter's webhook resource, as a hookstep webhook, delivers the seed's order block", async () => {
    // label, event, status 1, webHookParameters [{type: json, url}]; the delay is tested on its own below.
    const created = await webhook({
      label: SHOPRENTER_WEBHOOK.label,
      event: SHOPRENTER_WEBHOOK.event,
      active: SHOPRENTER_WEBHOOK.status === 1,
      format: SHOPRENTER_WEBHOOK.webHookParameters[0].type,
      envelope: 'shoprenter',
    });
    const eventId = unique('shoprenter');
    const order = SHOPRENTER_ORDER_EXAMPLE.orders.order[0];
    await stack.api().events.publish({
      id: eventId,
      type: 'order_confirm',
      entity: { id: order.innerId, type: 'order' },
      data: order,
    });
    await delivered(stack, eventId);
    const req = ok.requests.find((r) => r.url === new URL(created.url).pathname)!;
    expect(req.body).toBe(JSON.stringify(SHOPRENTER_ORDER_EXAMPLE));
    await stack.api().webhooks.delete(created.id);
  });

  test('one webhook per event type; an inactive webhook receives nothing', async () => {
    const type = unique('order.created');
    const mine = await webhook({ event: type });
    const other = await webhook({ event: unique('product.updated') });
    const off = await webhook({ event: type, active: false });
    const eventId = unique('evt');
    await stack.api().events.publish({ id: eventId, type, entity: { id: 1, type: 'order' } });
    const results = await delivered(stack, eventId);
    expect(Object.keys(results)).toEqual([mine.id]);
    const paths = ok.requests.map((r) => r.url);
    expect(paths).toContain(new URL(mine.url).pathname);
    expect(paths).not.toContain(new URL(other.url).pathname);
    expect(paths).not.toContain(new URL(off.url).pathname);
  });

  test('publishing an event id twice delivers once; the second answer says duplicate', async () => {
    const type = unique('order.created');
    const created = await webhook({ event: type });
    const event = { id: unique('evt'), type, entity: { id: 1, type: 'order' } };
    expect(await stack.api().events.publish(event)).toMatchObject({ duplicate: false });
    await delivered(stack, event.id);
    expect(await stack.api().events.publish(event)).toMatchObject({ duplicate: true });
    expect(ok.requests.filter((r) => r.url === new URL(created.url).pathname)).toHaveLength(1);
  });
});
