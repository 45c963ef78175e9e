// The webhooks page's form values (text, as the inputs hold them) to the API's input and back: a webhook edited without
// a change is the same webhook, a cleared delay is removed, and a credential header is never put in the form.
import { CreateWebhookSchema, UpdateWebhookSchema, WebhookSchema, fieldIssues, type Webhook } from '../../src/contract';
import { EMPTY, inputOf, valuesOf } from '../../src/page/formValues';
import { errorsFromIssues } from '../../src/page/fieldErrors';

const webhook: Webhook = WebhookSchema.parse({
  id: 'wh_1',
  tenant: 'store-eu',
  label: 'Orders',
  event: 'order.created',
  url: 'https://erp.example.com/in',
  additionalFields: ['total', 'currency'],
  delay: { amount: 10, unit: 'day' },
  retry: { maximumAttempts: 3, initialInterval: '30s' },
  headers: { Authorization: 'Bearer sk_live_abcdef123456', 'X-Shop': 'eu-1' },
  consecutiveFailures: 0,
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
});

test('a webhook edited without a change sends back its own fields, its credential header kept unseen', () => {
  const values = valuesOf(webhook);
  expect(values.headers).toBe('Authorization: [redacted]\nX-Shop: eu-1');
  expect(JSON.stringify(values)).not.toContain('sk_live');
  const input = inputOf(values, webhook);
  expect(UpdateWebhookSchema.parse(input)).toMatchObject({
    label: 'Orders',
    additionalFields: ['total', 'currency'],
    delay: { amount: 10, unit: 'day' },
    retry: { maximumAttempts: 3, initialInterval: '30s' },
    headers: webhook.headers,
  });
});

test('a cleared delay is removed on edit and absent on create; blank retry fields are left out', () => {
  expect(inputOf({ ...valuesOf(webhook), delayAmount: '' }, webhook).delay).toBeNull();
  const created = inputOf({ ...EMPTY, label: 'x', event: 'order.created', url: 'https://a.example/h' });
  expect(created).not.toHaveProperty('delay');
  expect(created.retry).toEqual({});
  expect(CreateWebhookSchema.safeParse(created).success).toBe(true);
});

test("the contract's issues land on the form's fields: eleven additional fields, a bad delay", () => {
  const names = Array.from({ length: 11 }, (_, i) => `f${i}`).join(', ');
  const input = inputOf({
    ...EMPTY,
    label: 'x',
    event: 'e',
    url: 'https://a.example/h',
    additionalFields: names,
    delayAmount: '0',
  });
  const checked = CreateWebhookSchema.safeParse(input);
  expect(checked.success).toBe(false);
  const errors = errorsFromIssues(fieldIssues(checked.error!));
  expect(errors).toEqual({ additionalFields: 'at most 10 additional fields', delay: expect.any(String) });
});
