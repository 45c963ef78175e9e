// Each seed's envelope, built from an event, compared with the seed's own example field by field and as bytes.
import { buildEventRequest } from '../../activities/eventRequest';
import { verifyWebhook } from '../../src/receiver';
import { buildEnvelope, type HookstepEvent, type Webhook } from '../../src/contract';
import {
  ECWID_EXAMPLE,
  SHOPRENTER_NEWSLETTER_EXAMPLE,
  SHOPRENTER_ORDER_EXAMPLE,
  VIRTO_EXAMPLE,
} from '../fixtures/seeds';

const event = (e: Partial<HookstepEvent> & Pick<HookstepEvent, 'type'>): HookstepEvent => ({
  id: 'evt-1',
  tenant: 'default',
  occurredAt: '2026-11-23T10:00:00.000Z',
  entity: { id: 'o-1', type: 'order' },
  data: {},
  ...e,
});

describe('virto', () => {
  const orderChanged = event({
    type: VIRTO_EXAMPLE.EventId,
    entity: { id: '1780d797-0990-419b-9937-f1d5a7d7b383', type: 'VirtoCommerce.OrdersModule.Core.Model.CustomerOrder' },
    data: { Status: 'Processing', Number: 'CO-1', Secret: 'not listed' },
  });

  it("is the seed's example, field by field and byte for byte", () => {
    const { body } = buildEnvelope({ envelope: 'virto', additionalFields: [], event: orderChanged, attempt: 1 });
    expect(Object.keys(body)).toEqual(['EventId', 'Attempt', 'EventBody']);
    expect(body).toEqual(VIRTO_EXAMPLE);
    expect(JSON.stringify(body)).toBe(JSON.stringify(VIRTO_EXAMPLE));
  });

  it('names the real attempt, and adds the additional fields the entity has, in the listed order', () => {
    const { body } = buildEnvelope({
      envelope: 'virto',
      additionalFields: ['Number', 'Status', 'Missing'],
      event: orderChanged,
      attempt: 3,
    });
    expect(body.Attempt).toBe(3);
    expect(JSON.parse(body.EventBody as string)).toEqual([
      { objectId: orderChanged.entity.id, objectType: orderChanged.entity.type, Number: 'CO-1', Status: 'Processing' },
    ]);
  });
});

describe('ecwid', () => {
  it("is the seed's example, and sends the type as ?eventtype=", () => {
    const built = buildEnvelope({
      envelope: 'ecwid',
      additionalFields: [],
      attempt: 1,
      event: event({
        id: '12345',
        type: 'product.updated',
        occurredAt: new Date(1230329329 * 1000).toISOString(),
        storeId: 1003,
        entity: { id: 130030039, type: 'product' },
      }),
    });
    expect(built.body).toEqual(ECWID_EXAMPLE);
    expect(JSON.stringify(built.body)).toBe(JSON.stringify(ECWID_EXAMPLE));
    expect(built.query).toEqual({ eventtype: 'product.updated' });
  });
});

describe('shoprenter', () => {
  it.each([
    ['order_confirm', SHOPRENTER_ORDER_EXAMPLE, SHOPRENTER_ORDER_EXAMPLE.orders.order[0]],
    ['newsletter_subscribe', SHOPRENTER_NEWSLETTER_EXAMPLE, SHOPRENTER_NEWSLETTER_EXAMPLE.newsletter.subscriber[0]],
  ])("%s carries the seed's block", (type, example, data) => {
    const { body } = buildEnvelope({
      envelope: 'shoprenter',
      additionalFields: [],
      attempt: 1,
      event: event({ type, data }),
    });
    expect(body).toEqual(example);
    expect(JSON.stringify(body)).toBe(JSON.stringify(example));
  });

  it('as XML: the same block under its own root, signed over the XML bytes', () => {
    const webhook = {
      id: 'wh_1',
      url: 'https://erp.example.com/in',
      format: 'xml',
      envelope: 'shoprenter',
      headers: {},
      additionalFields: [],
    } as unknown as Webhook;
    const req = buildEventRequest(
      {
        webhook,
        event: event({ type: 'newsletter_subscribe', data: SHOPRENTER_NEWSLETTER_EXAMPLE.newsletter.subscriber[0] }),
        secrets: ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'],
        attempt: 1,
        messageId: 'wh_1/evt-1',
      },
      Date.now(),
    );
    expect(req.headers['content-type']).toBe('application/xml');
    // hookstep's own receiver kit verifies the raw XML bytes with the webhook's secret.
    const verified = verifyWebhook(req.body, req.headers, { secrets: ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'] });
    expect(verified.id).toBe('wh_1/evt-1');
    expect(req.body).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><newsletter><subscriber><id>1</id><firstname>Test</firstname>' +
        '<lastname>Peter</lastname><email>Test@shoprenter.hu</email><phone>+36201234567</phone><status>1</status>' +
        '<language>1</language><hash>b53807cef8e6582bc95c31f4b5ac17f8</hash>' +
        '<subscribe_date>2023-01-20 11:11:11</subscribe_date></subscriber></newsletter>',
    );
  });
});

describe('standard', () => {
  it("is Standard Webhooks' {type, timestamp, data}", () => {
    const e = event({ type: 'order.created', data: { total: 53, lines: [{ sku: 'A' }] } });
    expect(buildEnvelope({ envelope: 'standard', additionalFields: [], event: e, attempt: 1 }).body).toEqual({
      type: 'order.created',
      timestamp: '2026-11-23T10:00:00.000Z',
      data: { total: 53, lines: [{ sku: 'A' }] },
    });
  });
});
