// The start options that make runs findable: summaries and start-time search attributes from a step, an automation,
// an event delivery and a fan-out, and the outcome attributes; robust on input not yet validated.
import {
  HookstepAttempts,
  HookstepAutomationId,
  HookstepEventType,
  HookstepFailureType,
  HookstepHost,
  HookstepMethod,
  HookstepStatus,
  HookstepTenant,
  HookstepWebhookId,
  automationStartOptions,
  deliveryStartOptions,
  destinationHost,
  fanOutStartOptions,
  outcomeSearchAttributes,
  startSearchAttributes,
  stepStartOptions,
} from '../../src/contract';

const named = (pairs: { key: { name: string }; value: unknown }[]) =>
  Object.fromEntries(pairs.map((p) => [p.key.name, p.value]));

test('a step: `METHOD url` summary, host (with a port only when not the default) and method', () => {
  const options = stepStartOptions(
    { url: 'https://api.example.com:443/hooks?token=x', method: 'PUT' },
    { automationId: 'a1' },
  );
  expect(options.staticSummary).toBe('PUT https://api.example.com/hooks');
  expect(named(options.typedSearchAttributes)).toEqual({
    [HookstepHost.name]: 'api.example.com',
    [HookstepMethod.name]: 'PUT',
    [HookstepAutomationId.name]: 'a1',
  });
  expect(named(stepStartOptions({ url: 'http://10.0.0.1:8080/x' }).typedSearchAttributes)).toEqual({
    [HookstepHost.name]: '10.0.0.1:8080',
    [HookstepMethod.name]: 'POST',
  });
});

test('an automation, an event delivery and a fan-out read as one line each', () => {
  expect(automationStartOptions({ id: 'order-sync', steps: [1, 2, 3] }).staticSummary).toBe(
    'automation order-sync: 3 steps',
  );
  const delivery = deliveryStartOptions({
    url: 'https://api.example.com/h',
    eventType: 'order.created',
    webhookId: 'wh_1',
    tenant: 'store-7',
  });
  expect(delivery.staticSummary).toBe('order.created → api.example.com');
  expect(named(delivery.typedSearchAttributes)).toMatchObject({
    [HookstepEventType.name]: 'order.created',
    [HookstepWebhookId.name]: 'wh_1',
    [HookstepTenant.name]: 'store-7',
  });
  const fanOut = fanOutStartOptions({ eventType: 'order.created', eventId: 'ord-1-created', tenant: 'store-7' });
  expect(fanOut.staticSummary).toBe('order.created: fan-out of event ord-1-created');
  expect(named(fanOut.typedSearchAttributes)).toEqual({
    [HookstepEventType.name]: 'order.created',
    [HookstepTenant.name]: 'store-7',
  });
});

test('input not yet validated never throws: no host for a bad URL, the default method for a non-string one', () => {
  expect(destinationHost('not a url')).toBeUndefined();
  expect(destinationHost(42)).toBeUndefined();
  expect(startSearchAttributes({ url: 'nope' })).toEqual([]);
  const method = 7 as unknown as string;
  expect(named(startSearchAttributes({ url: 'https://a.example/', method }))[HookstepMethod.name]).toBe('POST');
  expect(stepStartOptions({ url: '::bad' }).staticSummary).toBe('an invalid step');
});

test('the outcome: status, failure type and attempts, only those known', () => {
  expect(named(outcomeSearchAttributes({ status: 404, failureType: 'HttpClientError', attempts: 1 }))).toEqual({
    [HookstepStatus.name]: 404,
    [HookstepFailureType.name]: 'HttpClientError',
    [HookstepAttempts.name]: 1,
  });
  expect(outcomeSearchAttributes({})).toEqual([]);
});
