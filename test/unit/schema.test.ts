// The published JSON Schemas: draft 2020-12, what they require, and that a JSON Schema validator (ajv, as a builder
// UI in another language would use) accepts what hookstep accepts and rejects the shape errors hookstep rejects.
import Ajv2020 from 'ajv/dist/2020';
import { jsonSchema, MAX_STEPS, SCHEMA_NAMES, StepSchema, validateAutomation } from '../../src/contract';

const DRAFT_2020_12 = 'https://json-schema.org/draft/2020-12/schema';

// The default strict mode, so an unknown keyword in the output fails; union types (["string", "number"]) are valid
// JSON Schema and only need opting in.
const ajv = new Ajv2020({ allowUnionTypes: true });
const validateStep = ajv.compile(jsonSchema('step'));
const validateAutomationSchema = ajv.compile(jsonSchema('automation'));

type Schema = Record<string, unknown> & { properties: Record<string, Record<string, unknown>> };
const stepSchema = jsonSchema('step') as Schema;
const automationSchema = jsonSchema('automation') as Schema;

const STEP_OK = {
  url: 'https://api.example.com/hooks',
  method: 'PUT',
  query: { page: 2, draft: false, q: 'x' },
  headers: { 'X-Request-Source': 'crm' },
  cookies: { session: 'abc' },
  body: { orderId: 1042, note: null, paid: true, name: 'Ada' },
  response: { fields: { id: 'string', total: 'number?' } },
  timeout: '30s',
  delay: 1500,
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '10m', maximumAttempts: 5 },
  signing: { secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' },
  idempotencyKey: 'order-1042',
};

const AUTOMATION_OK = {
  id: 'order-sync',
  trigger: { order: { id: 1042, items: [{ sku: 'a', qty: 1 }], gift: null } },
  steps: [
    {
      id: 'create',
      type: 'sendWebhook',
      with: { url: 'https://crm.example.com/orders', response: { fields: { id: 'string' } } },
    },
    { id: 'wait', type: 'delay', for: '10m' },
    {
      id: 'notify',
      type: 'sendWebhook',
      onFailure: 'continue',
      with: {
        url: 'https://mail.example.com/o/{{steps.create.body.id}}',
        body: { order: '{{trigger.order.id}}', status: '{{steps.create.status}}' },
      },
    },
  ],
};

describe('jsonSchema', () => {
  it('names every published schema', () => {
    expect(SCHEMA_NAMES).toEqual(['step', 'automation']);
  });

  it.each(SCHEMA_NAMES)('%s is draft 2020-12, an object schema with a title, and valid per the meta-schema', (name) => {
    const schema = jsonSchema(name);
    expect(schema.$schema).toBe(DRAFT_2020_12);
    expect(schema.type).toBe('object');
    expect(schema.additionalProperties).toBe(false);
    expect(ajv.validateSchema(schema)).toBe(true);
    expect(ajv.errors ?? null).toBeNull();
  });

  it('titles each schema', () => {
    expect(stepSchema.title).toBe('hookstep sendWebhook step');
    expect(automationSchema.title).toBe('hookstep automation');
  });

  it.each(SCHEMA_NAMES)('%s is plain JSON and the same on every call', (name) => {
    const schema = jsonSchema(name);
    expect(JSON.parse(JSON.stringify(schema))).toEqual(schema);
    expect(JSON.stringify(jsonSchema(name))).toBe(JSON.stringify(schema));
  });

  it('returns a fresh object: changing one does not change the next', () => {
    const first = jsonSchema('step');
    first.title = 'changed';
    (first.required as string[]).push('method');
    expect(jsonSchema('step').title).toBe('hookstep sendWebhook step');
    expect(jsonSchema('step').required).toEqual(['url']);
  });
});

describe('the step schema', () => {
  it('requires url only: fields with defaults are optional for a caller', () => {
    expect(stepSchema.required).toEqual(['url']);
    expect(stepSchema.properties.method).toMatchObject({ default: 'POST', enum: ['POST', 'PUT', 'PATCH', 'DELETE'] });
    expect(stepSchema.properties.timeout).toMatchObject({ default: '60s' });
  });

  it('lists every step field', () => {
    expect(Object.keys(stepSchema.properties).sort()).toEqual(
      [
        'body',
        'cookies',
        'delay',
        'headers',
        'idempotencyKey',
        'method',
        'query',
        'response',
        'retry',
        'signing',
        'timeout',
        'url',
      ].sort(),
    );
  });

  it('carries the descriptions builder UIs show', () => {
    expect(stepSchema.properties.url.description).toBe('Where to send the request: http or https only.');
    expect(stepSchema.properties.body.description).toMatch(/flat JSON object/);
  });

  it('requires the secret when signing is given', () => {
    expect(stepSchema.properties.signing).toMatchObject({ required: ['secret'], additionalProperties: false });
  });

  it('validates a full sample step, as StepSchema does', () => {
    expect(validateStep(STEP_OK)).toBe(true);
    expect(validateStep.errors ?? null).toBeNull();
    expect(StepSchema.safeParse(STEP_OK).success).toBe(true);
  });

  it.each([
    ['the smallest step', { url: 'https://example.com' }],
    ['durations in milliseconds', { url: 'https://example.com', timeout: 500, delay: 86_400_000 }],
    ['fractional durations', { url: 'https://example.com', timeout: '1.5s' }],
    ['an empty body and empty headers', { url: 'https://example.com', body: {}, headers: {} }],
  ])('accepts %s, as StepSchema does', (_what, step) => {
    expect(StepSchema.safeParse(step).success).toBe(true);
    expect(validateStep(step)).toBe(true);
  });

  it.each([
    ['a missing url', { method: 'POST' }, 'url'],
    ['a url that is not a string', { url: 42 }, '/url'],
    ['an unknown key', { url: 'https://example.com', tiemout: '5s' }, 'tiemout'],
    ['an unknown method', { url: 'https://example.com', method: 'GET' }, '/method'],
    ['a nested object in the body', { url: 'https://example.com', body: { order: { id: 1 } } }, '/body/order'],
    ['an array in the body', { url: 'https://example.com', body: { items: [1] } }, '/body/items'],
    ['null in the query', { url: 'https://example.com', query: { q: null } }, '/query/q'],
    ['a header name with a space', { url: 'https://example.com', headers: { 'Bad Header': 'x' } }, '/headers'],
    ['CR/LF in a header value', { url: 'https://example.com', headers: { 'X-A': 'a\r\nB: c' } }, '/headers/X-A'],
    ['a timeout of 0', { url: 'https://example.com', timeout: 0 }, '/timeout'],
    ['a timeout with a space', { url: 'https://example.com', timeout: '5 s' }, '/timeout'],
    ['a signing object without secret', { url: 'https://example.com', signing: {} }, 'secret'],
    ['a secret without whsec_', { url: 'https://example.com', signing: { secret: 'abc' } }, '/signing/secret'],
    ['a response type it does not know', { url: 'https://example.com', response: { fields: { a: 'int' } } }, '/a'],
    ['too many attempts', { url: 'https://example.com', retry: { maximumAttempts: 101 } }, '/retry/maximumAttempts'],
    ['a backoff below 1', { url: 'https://example.com', retry: { backoffCoefficient: 0.5 } }, '/retry'],
    ['an idempotency key with a space', { url: 'https://example.com', idempotencyKey: 'a b' }, '/idempotencyKey'],
  ])('rejects %s, as StepSchema does, pointing at the field', (_what, step, where) => {
    expect(StepSchema.safeParse(step).success).toBe(false);
    expect(validateStep(step)).toBe(false);
    const pointers = (validateStep.errors ?? []).map((e) => [e.instancePath, JSON.stringify(e.params)].join(' '));
    expect(pointers.join('\n')).toContain(where);
  });
});

describe('the automation schema', () => {
  const items = () => (automationSchema.properties.steps.items as { oneOf: Schema[] }).oneOf;

  it('requires id and steps; trigger has a default, so it is optional', () => {
    expect(automationSchema.required).toEqual(['id', 'steps']);
    expect(automationSchema.properties.trigger).toMatchObject({ type: 'object', default: {} });
  });

  it('bounds the number of steps', () => {
    expect(automationSchema.properties.steps).toMatchObject({ type: 'array', minItems: 1, maxItems: MAX_STEPS });
  });

  it('offers exactly the two step types, each with its own required fields', () => {
    const [sendWebhook, delay] = items();
    expect(sendWebhook.properties.type).toMatchObject({ const: 'sendWebhook' });
    expect(sendWebhook.required).toEqual(['id', 'type', 'with']);
    expect(sendWebhook.properties.onFailure).toMatchObject({ default: 'stop', enum: ['stop', 'continue'] });
    expect(delay.properties.type).toMatchObject({ const: 'delay' });
    expect(delay.required).toEqual(['id', 'type', 'for']);
    expect(items()).toHaveLength(2);
  });

  it("describes a step's url as templated, not as a plain http(s) URL", () => {
    const [sendWebhook] = items();
    const url = (sendWebhook.properties.with as Schema).properties.url;
    expect(url).toMatchObject({ type: 'string', minLength: 1 });
    expect(url.description).toMatch(/may hold templates/);
  });

  it('validates a sample automation, as validateAutomation does', () => {
    expect(validateAutomationSchema(AUTOMATION_OK)).toBe(true);
    expect(validateAutomationSchema.errors ?? null).toBeNull();
    expect(validateAutomation(AUTOMATION_OK)).toMatchObject({ ok: true });
  });

  it('accepts any JSON in the trigger, at any depth', () => {
    const trigger = { a: [1, 'two', null, { b: [true, { c: 1.5 }] }], d: {} };
    expect(validateAutomationSchema({ ...AUTOMATION_OK, trigger })).toBe(true);
  });

  const withSteps = (steps: unknown[]) => ({ id: 'order-sync', steps });
  const delay = (id: string) => ({ id, type: 'delay', for: '1s' });

  it('accepts exactly MAX_STEPS steps', () => {
    expect(validateAutomationSchema(withSteps(Array.from({ length: MAX_STEPS }, (_, i) => delay(`d${i}`))))).toBe(true);
  });

  it.each([
    ['a missing id', { steps: [delay('a')] }],
    ['no steps', withSteps([])],
    ['more than MAX_STEPS steps', withSteps(Array.from({ length: MAX_STEPS + 1 }, (_, i) => delay(`d${i}`)))],
    ['a trigger that is an array', { ...withSteps([delay('a')]), trigger: [1] }],
    ['an unknown top-level key', { ...withSteps([delay('a')]), stpes: [] }],
    ['an unknown step type', withSteps([{ id: 'a', type: 'sendEmail' }])],
    ['a step id starting with a digit', withSteps([delay('1st')])],
    ['a step id of 65 characters', withSteps([delay(`a${'b'.repeat(64)}`)])],
    ['a delay step without for', withSteps([{ id: 'a', type: 'delay' }])],
    ['a delay step with a sendWebhook field', withSteps([{ ...delay('a'), with: { url: 'https://x' } }])],
    ['a sendWebhook step without with', withSteps([{ id: 'a', type: 'sendWebhook' }])],
    ['a sendWebhook step with an empty url', withSteps([{ id: 'a', type: 'sendWebhook', with: { url: '' } }])],
    [
      'a sendWebhook step with a nested body',
      withSteps([{ id: 'a', type: 'sendWebhook', with: { url: 'https://x', body: { o: { id: 1 } } } }]),
    ],
    ['an unknown onFailure', withSteps([{ id: 'a', type: 'sendWebhook', onFailure: 'retry', with: { url: 'x' } }])],
  ])('rejects %s, as validateAutomation does', (_what, automation) => {
    expect(validateAutomation(automation).ok).toBe(false);
    expect(validateAutomationSchema(automation)).toBe(false);
  });
});
