// The automation contract: what validateAutomation rejects (each issue naming the step index, the field and the
// template), the defaults it applies, and resolveStep rendering a templated step into a plain step input.
import {
  type AutomationInput,
  MAX_STEPS,
  resolveStep,
  type SendWebhookAction,
  StepSchema,
  type TemplateContext,
  TemplateResolutionError,
  TemplateSyntaxError,
  validateAutomation,
} from '../../src/contract';

const URL_OK = 'https://api.example.com/hooks';

type StepIn = AutomationInput['steps'][number];

const send = (id: string, withFields: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): StepIn => ({
  id,
  type: 'sendWebhook',
  ...extra,
  with: { url: URL_OK, ...withFields },
});

const delayStep = (id: string): StepIn => ({ id, type: 'delay', for: 1 });

/** A first step whose response declares `id` and `total`, so later steps may use them. */
const create = send('create', { response: { fields: { id: 'string', total: 'number?' } } });

const automationOf = (...steps: StepIn[]): AutomationInput => ({ id: 'order-sync', steps });

/** The issues of an automation validateAutomation must reject. */
function issuesOf(input: unknown): string[] {
  const result = validateAutomation(input);
  if (result.ok) throw new Error(`expected a rejection of ${JSON.stringify(input).slice(0, 200)}`);
  return result.issues;
}

describe('validateAutomation accepts', () => {
  it('a chain of steps using the trigger and earlier steps, applying defaults', () => {
    const result = validateAutomation({
      id: 'order-sync',
      trigger: { order: { id: 7 } },
      steps: [
        create,
        { id: 'wait', type: 'delay', for: '10m' },
        send(
          'notify',
          {
            url: 'https://api.example.com/orders/{{steps.create.body.id}}?o={{trigger.order.id}}',
            method: 'PUT',
            query: { status: '{{steps.create.status}}', n: 3 },
            headers: { 'X-Order': '{{trigger.order.id}}' },
            cookies: { order: '{{steps.create.body.total}}' },
            body: { id: '{{steps.create.body.id}}', ok: true, none: null },
          },
          { onFailure: 'continue' },
        ),
        send('report', { body: { error: '{{steps.notify.error.message}}', status: '{{steps.notify.error.status}}' } }),
      ],
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const [first, wait, notify, report] = result.automation.steps;
    expect(first).toMatchObject({ type: 'sendWebhook', onFailure: 'stop', with: { method: 'POST', timeout: '60s' } });
    expect(wait).toEqual({ id: 'wait', type: 'delay', for: '10m' });
    expect(notify).toMatchObject({ onFailure: 'continue', with: { method: 'PUT', timeout: '60s' } });
    expect(report).toMatchObject({ onFailure: 'stop' });
    expect(result.automation.trigger).toEqual({ order: { id: 7 } });
  });

  it('a missing trigger as {}', () => {
    const result = validateAutomation(automationOf(send('a')));
    expect(result).toMatchObject({ ok: true, automation: { id: 'order-sync', trigger: {} } });
  });

  it('references to trigger fields that the trigger does not hold (they are resolved when the step runs)', () => {
    expect(validateAutomation(automationOf(send('a', { body: { x: '{{trigger.not.there}}' } })))).toMatchObject({
      ok: true,
    });
  });

  it('steps.<id>.status of an earlier step without declared fields', () => {
    expect(
      validateAutomation(automationOf(send('a'), send('b', { query: { s: '{{steps.a.status}}' } }))),
    ).toMatchObject({ ok: true });
  });

  it('a body field declared optional ("number?")', () => {
    expect(validateAutomation(automationOf(create, send('b', { body: { t: '{{steps.create.body.total}}' } }))).ok).toBe(
      true,
    );
  });

  it('exactly MAX_STEPS steps, and a 64-character step id', () => {
    const steps = Array.from({ length: MAX_STEPS }, (_, i) => delayStep(`d${i}`));
    expect(validateAutomation(automationOf(...steps)).ok).toBe(true);
    expect(validateAutomation(automationOf(send(`a${'b'.repeat(63)}`))).ok).toBe(true);
  });

  it('a delay of exactly 365d', () => {
    expect(validateAutomation(automationOf({ id: 'w', type: 'delay', for: '365d' })).ok).toBe(true);
  });
});

describe('validateAutomation rejects, naming the field', () => {
  it('a trigger nested 6,000 levels deep, as an issue rather than a stack overflow', () => {
    let trigger: Record<string, unknown> = { leaf: 1 };
    for (let i = 0; i < 6_000; i++) trigger = { a: trigger };
    const issues = issuesOf({ ...automationOf(create), trigger });
    expect(issues).toEqual([expect.stringMatching(/^trigger(\.a)+: nested more than 64 levels deep$/)]);
  });

  it('a __proto__ key in the trigger or a step', () => {
    const input = JSON.parse(
      `{"id":"x","trigger":{"__proto__":{"a":1}},"steps":[{"id":"s","type":"sendWebhook","with":{"url":"${URL_OK}","body":{"__proto__":"x"}}}]}`,
    ) as unknown;
    expect(issuesOf(input).sort()).toEqual([
      'steps[0].with.body.__proto__: "__proto__" is not allowed as a key',
      'trigger.__proto__: "__proto__" is not allowed as a key',
    ]);
  });

  it.each([null, 'order-sync', 42, []])('input that is not an object: %j', (input) => {
    const issues = issuesOf(input);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatch(/^\(input\): /);
  });

  it('a missing id', () => {
    expect(issuesOf({ steps: [send('a')] })).toEqual(['id: is required']);
  });

  it('an empty id or one over 200 characters', () => {
    expect(issuesOf({ id: '', steps: [send('a')] })[0]).toMatch(/^id: /);
    expect(issuesOf({ id: 'x'.repeat(201), steps: [send('a')] })[0]).toMatch(/^id: /);
  });

  it('no steps', () => {
    expect(issuesOf(automationOf())).toEqual(['steps: must hold at least one step']);
  });

  it('more than MAX_STEPS steps', () => {
    const steps = Array.from({ length: MAX_STEPS + 1 }, (_, i) => delayStep(`d${i}`));
    expect(issuesOf(automationOf(...steps))).toEqual([`steps: must hold at most ${MAX_STEPS} steps`]);
  });

  it('a trigger that is not an object', () => {
    expect(issuesOf({ ...automationOf(send('a')), trigger: [1] })[0]).toMatch(/^trigger: /);
  });

  it('an unknown top-level key', () => {
    const issues = issuesOf({ ...automationOf(send('a')), stpes: [] });
    expect(issues).toHaveLength(1);
    expect(issues).toEqual(['stpes: is not a known field']);
  });

  it('an unknown step type', () => {
    expect(issuesOf(automationOf({ id: 'a', type: 'sendEmail' } as unknown as StepIn))).toEqual([
      'steps[0].type: type must be "sendWebhook" or "delay"',
    ]);
  });

  it('a missing step id', () => {
    expect(issuesOf(automationOf({ type: 'delay', for: '1s' } as StepIn))).toEqual(['steps[0].id: is required']);
  });

  it.each(['1st', '', 'has space', 'a.b', `a${'b'.repeat(64)}`])('step id %j', (id) => {
    expect(issuesOf(automationOf(send('ok'), send(id)))).toEqual([
      'steps[1].id: must start with a letter and hold only letters, digits, _ and - (at most 64)',
    ]);
  });

  it.each([0, '0s', '366d', 'soon'])('a delay step with for: %j', (value) => {
    const issues = issuesOf(automationOf({ id: 'w', type: 'delay', for: value }));
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatch(/^steps\[0\]\.for: must be /);
  });

  it('a delay step without for', () => {
    expect(issuesOf(automationOf({ id: 'w', type: 'delay' } as StepIn))[0]).toMatch(/^steps\[0\]\.for: /);
  });

  it('an unknown key on a step, naming the key', () => {
    const issues = issuesOf(automationOf({ id: 'w', type: 'delay', for: '1s', with: {} } as StepIn));
    expect(issues).toHaveLength(1);
    expect(issues).toEqual(['steps[0].with: is not a known field']);
  });

  it('an unknown onFailure', () => {
    expect(issuesOf(automationOf(send('a', {}, { onFailure: 'retry' })))[0]).toMatch(/^steps\[0\]\.onFailure: /);
  });

  it('a sendWebhook step without url, or with an empty one', () => {
    expect(issuesOf(automationOf(send('a', { url: undefined })))).toEqual([
      'steps[0].with.url: is required and must be a string',
    ]);
    expect(issuesOf(automationOf(send('a', { url: '' })))[0]).toMatch(/^steps\[0\]\.with\.url: /);
  });

  it.each([
    ['ftp://files.example.com/in', 'must use http or https, not ftp'],
    ['ftp://files.example.com/{{trigger.path}}', 'must use http or https, not ftp'],
    ['/relative/{{trigger.id}}', 'must be an absolute http or https URL, or start with a template'],
    ['not a url', 'must be an absolute http or https URL'],
    ['https://user:pw@example.com/hooks', 'must not contain credentials; send them in headers instead'],
  ])('a URL that can never be sent (%s), before any step runs', (url, message) => {
    expect(issuesOf(automationOf(send('a'), send('b', { url })))).toEqual([`steps[1].with.url: ${message}`]);
  });

  it('accepts a URL that is a template, or an http(s) URL holding templates', () => {
    expect(validateAutomation(automationOf(send('a', { url: '{{trigger.callbackUrl}}' }))).ok).toBe(true);
    expect(validateAutomation(automationOf(send('a', { url: 'HTTPS://api.example.com/{{trigger.id}}' }))).ok).toBe(
      true,
    );
  });

  it('step fields checked by the step contract, under steps[i].with', () => {
    expect(issuesOf(automationOf(send('a', { headers: { Cookie: 'x' } })))[0]).toMatch(
      /^steps\[0\]\.with\.headers\.Cookie: this header is set by hookstep/,
    );
    expect(issuesOf(automationOf(send('a', { body: { nested: { id: 1 } } })))[0]).toMatch(
      /^steps\[0\]\.with\.body\.nested: must be a string, number, boolean or null/,
    );
    expect(issuesOf(automationOf(send('a', { timeout: '16m' })))[0]).toMatch(/^steps\[0\]\.with\.timeout: /);
  });

  it('a bad signing secret without echoing it', () => {
    const issues = issuesOf(automationOf(send('a', { signing: { secret: 'topsecret-value' } })));
    expect(issues).toEqual(['steps[0].with.signing.secret: must be whsec_ followed by base64']);
  });

  it('a duplicate step id, naming both steps', () => {
    expect(issuesOf(automationOf(send('a'), send('b'), { id: 'a', type: 'delay', for: '1s' }))).toEqual([
      'steps[2].id: "a" is already the id of steps[0]',
    ]);
  });

  it('every later duplicate, each against the first', () => {
    expect(issuesOf(automationOf(send('a'), send('a'), send('a')))).toEqual([
      'steps[1].id: "a" is already the id of steps[0]',
      'steps[2].id: "a" is already the id of steps[0]',
    ]);
  });

  describe('templates', () => {
    it('a reference to a step that does not exist', () => {
      expect(issuesOf(automationOf(send('a', { url: `${URL_OK}/{{steps.nope.status}}` })))).toEqual([
        'steps[0].with.url: {{steps.nope.status}}: there is no step "nope"',
      ]);
    });

    it('a step referring to itself', () => {
      expect(issuesOf(automationOf(create, send('b', { body: { s: '{{steps.b.status}}' } })))).toEqual([
        'steps[1].with.body.s: {{steps.b.status}}: a step cannot refer to itself',
      ]);
    });

    it('a reference to a later step', () => {
      expect(issuesOf(automationOf(send('a', { headers: { 'X-Id': '{{steps.create.body.id}}' } }), create))).toEqual([
        'steps[0].with.headers.X-Id: {{steps.create.body.id}}: "create" is a later step (steps[1]); a step can only use earlier steps',
      ]);
    });

    it('a reference to a delay step', () => {
      expect(
        issuesOf(
          automationOf({ id: 'wait', type: 'delay', for: '1s' }, send('b', { query: { s: '{{steps.wait.status}}' } })),
        ),
      ).toEqual(['steps[1].with.query.s: {{steps.wait.status}}: "wait" is a delay step, which has no output']);
    });

    it('a body field the earlier step does not declare', () => {
      expect(issuesOf(automationOf(create, send('b', { cookies: { c: '{{steps.create.body.email}}' } })))).toEqual([
        'steps[1].with.cookies.c: {{steps.create.body.email}}: "create" does not declare "email" in with.response.fields',
      ]);
    });

    it('a body field named like an inherited property ("constructor")', () => {
      expect(
        issuesOf(automationOf(create, send('b', { cookies: { c: '{{steps.create.body.constructor}}' } }))),
      ).toEqual([
        'steps[1].with.cookies.c: {{steps.create.body.constructor}}: "create" does not declare "constructor" in with.response.fields',
      ]);
    });

    it('a body field of a step that declares no response at all', () => {
      expect(issuesOf(automationOf(send('a'), send('b', { body: { id: '{{steps.a.body.id}}' } })))).toEqual([
        'steps[1].with.body.id: {{steps.a.body.id}}: "a" does not declare "id" in with.response.fields',
      ]);
    });

    it.each(['type', 'message', 'status'])('the error.%s of a step that stops the automation on failure', (field) => {
      expect(issuesOf(automationOf(send('a'), send('b', { body: { e: `{{steps.a.error.${field}}}` } })))).toEqual([
        `steps[1].with.body.e: {{steps.a.error.${field}}}: "a" has onFailure: stop, so its error is never seen by later steps`,
      ]);
    });

    it('a malformed template, naming the field', () => {
      expect(issuesOf(automationOf(send('a', { headers: { 'X-Id': '{{ order.id }}' } })))).toEqual([
        `steps[0].with.headers.X-Id: {{ order.id }}: expected trigger.<field>, steps.<id>.body.<field>, steps.<id>.status or steps.<id>.error.<type|message|status>`,
      ]);
    });

    it('unbalanced braces, naming the field', () => {
      expect(issuesOf(automationOf(send('a', { url: `${URL_OK}/{{trigger.id` })))).toEqual([
        'steps[0].with.url: "{{": is not closed, or a template is nested inside another',
      ]);
    });

    it('quotes odd keys in the field path', () => {
      expect(issuesOf(automationOf(send('a', { body: { 'order id': '{{steps.q.status}}' } })))).toEqual([
        'steps[0].with.body."order id": {{steps.q.status}}: there is no step "q"',
      ]);
    });

    it('reports every problem: each template of each field of each step', () => {
      const issues = issuesOf(
        automationOf(
          send('a', { url: `${URL_OK}/{{steps.x.status}}/{{steps.y.status}}` }),
          send('b', { query: { q: '{{bad}}' }, body: { e: '{{steps.a.error.type}}', later: '{{steps.c.status}}' } }),
          send('c'),
          send('a'),
        ),
      );
      expect(issues).toEqual([
        'steps[3].id: "a" is already the id of steps[0]',
        'steps[0].with.url: {{steps.x.status}}: there is no step "x"',
        'steps[0].with.url: {{steps.y.status}}: there is no step "y"',
        expect.stringMatching(/^steps\[1\]\.with\.query\.q: \{\{bad\}\}: expected /),
        'steps[1].with.body.e: {{steps.a.error.type}}: "a" has onFailure: stop, so its error is never seen by later steps',
        'steps[1].with.body.later: {{steps.c.status}}: "c" is a later step (steps[2]); a step can only use earlier steps',
      ]);
    });

    it('reports shape problems alone: templates are checked only once the shape is valid', () => {
      expect(issuesOf(automationOf(send('a', { url: '{{steps.nope.status}}', method: 'GET' })))).toEqual([
        expect.stringMatching(/^steps\[0\]\.with\.method: /),
      ]);
    });

    it('ignores templates in values that are not strings and in keys', () => {
      expect(validateAutomation(automationOf(send('a', { body: { '{{steps.zz.status}}': 1 } }))).ok).toBe(true);
    });
  });
});

describe('resolveStep', () => {
  const ctx: TemplateContext = {
    trigger: { order: { id: 7, ref: 'a b/c', customer: { name: 'Ada' } }, note: null, paid: true },
    steps: {
      create: { status: 201, body: { id: 'o_1', total: 19.5 }, attempts: 1 },
      notify: { error: { type: 'HttpClientError', message: 'got HTTP 404', status: 404 } },
    },
  };

  /** A parsed sendWebhook step, defaults applied, as the automation workflow holds it. */
  function parsedStep(withFields: Record<string, unknown>): SendWebhookAction {
    const result = validateAutomation(
      automationOf(
        send('create', { response: { fields: { id: 'string', total: 'number' } } }),
        send('notify', {}, { onFailure: 'continue' }),
        send('s', withFields),
      ),
    );
    if (!result.ok) throw new Error(result.issues.join('\n'));
    const step = result.automation.steps[2];
    if (step.type !== 'sendWebhook') throw new Error('expected a sendWebhook step');
    return step;
  }

  it('percent-encodes values rendered into the URL, and only them', () => {
    const step = parsedStep({
      url: 'https://api.example.com/o/{{trigger.order.ref}}?id={{steps.create.body.id}}&x=a%20b',
    });
    expect(resolveStep(step, ctx).url).toBe('https://api.example.com/o/a%20b%2Fc?id=o_1&x=a%20b');
  });

  it('renders a whole-value URL template as the value, unencoded', () => {
    const step = parsedStep({ url: '{{trigger.target}}' });
    expect(resolveStep(step, { ...ctx, trigger: { target: 'https://x.example/a b' } }).url).toBe(
      'https://x.example/a b',
    );
  });

  it('keeps the type of whole-value query and body templates, and renders null as "" in query', () => {
    const step = parsedStep({
      query: {
        id: '{{trigger.order.id}}',
        paid: '{{trigger.paid}}',
        note: '{{trigger.note}}',
        n: 3,
        t: 'x{{trigger.order.id}}',
      },
      body: {
        id: '{{trigger.order.id}}',
        total: '{{steps.create.body.total}}',
        note: '{{trigger.note}}',
        status: '{{steps.notify.error.status}}',
        label: 'order {{trigger.order.id}} for {{trigger.order.customer.name}}',
        literal: false,
      },
    });
    const resolved = resolveStep(step, ctx);
    expect(resolved.query).toEqual({ id: 7, paid: true, note: '', n: 3, t: 'x7' });
    expect(resolved.body).toEqual({
      id: 7,
      total: 19.5,
      note: null,
      status: 404,
      label: 'order 7 for Ada',
      literal: false,
    });
  });

  it('renders header and cookie values as text, null as ""', () => {
    const step = parsedStep({
      headers: {
        'X-Order': '{{trigger.order.id}}',
        'X-Note': '{{trigger.note}}',
        'X-Err': '{{steps.notify.error.type}}',
      },
      cookies: { paid: '{{trigger.paid}}', ref: '{{trigger.order.ref}}' },
    });
    const resolved = resolveStep(step, ctx);
    expect(resolved.headers).toEqual({ 'X-Order': '7', 'X-Note': '', 'X-Err': 'HttpClientError' });
    expect(resolved.cookies).toEqual({ paid: 'true', ref: 'a b/c' });
  });

  it('passes the other fields through unchanged and leaves absent maps absent', () => {
    const step = parsedStep({
      method: 'PATCH',
      timeout: '5s',
      delay: '1m',
      retry: { maximumAttempts: 3 },
      response: { fields: { ok: 'boolean' } },
      idempotencyKey: 'order-7',
      signing: { secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' },
    });
    const resolved = resolveStep(step, ctx);
    expect(resolved).toMatchObject({
      url: URL_OK,
      method: 'PATCH',
      timeout: '5s',
      delay: '1m',
      retry: { maximumAttempts: 3 },
      response: { fields: { ok: 'boolean' } },
      idempotencyKey: 'order-7',
      signing: { secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' },
    });
    expect(resolved.query).toBeUndefined();
    expect(resolved.headers).toBeUndefined();
    expect(resolved.cookies).toBeUndefined();
    expect(resolved.body).toBeUndefined();
  });

  it('does not modify the step it was given', () => {
    const step = parsedStep({ body: { id: '{{trigger.order.id}}' } });
    const before = structuredClone(step);
    resolveStep(step, ctx);
    expect(step).toEqual(before);
  });

  it('yields a step the step contract accepts', () => {
    const step = parsedStep({
      url: 'https://api.example.com/o/{{trigger.order.ref}}',
      query: { id: '{{trigger.order.id}}' },
      headers: { 'X-Order': '{{trigger.order.id}}' },
      body: { id: '{{steps.create.body.id}}', note: '{{trigger.note}}' },
    });
    expect(StepSchema.safeParse(resolveStep(step, ctx)).success).toBe(true);
  });

  // Each reference passes validateAutomation; the value is missing only in this run.
  it.each([
    ['url', { url: 'https://api.example.com/{{trigger.missing}}' }, 'trigger.missing', {}],
    [
      'query',
      { query: { q: '{{steps.create.body.total}}' } },
      'steps.create.body.total',
      { create: { status: 200, body: { id: 'o_1' }, attempts: 1 } },
    ],
    ['headers', { headers: { 'X-A': '{{steps.notify.status}}' } }, 'steps.notify.status', {}],
    ['cookies', { cookies: { c: '{{trigger.order.missing}}' } }, 'trigger.order.missing', {}],
    [
      'body',
      { body: { b: '{{steps.notify.error.message}}' } },
      'steps.notify.error.message',
      { notify: { status: 200, body: {}, attempts: 1 } },
    ],
  ])('fails on a %s reference without a value, naming the template', (_field, withFields, path, steps) => {
    let caught: unknown;
    try {
      resolveStep(parsedStep(withFields), { ...ctx, steps: { ...ctx.steps, ...steps } });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(TemplateResolutionError);
    expect((caught as TemplateResolutionError).path).toBe(path);
    expect((caught as Error).message).toBe(`{{${path}}} has no value in this run`);
  });

  it.each([
    ['query', { query: { c: '{{trigger.order.customer}}' } }],
    ['headers', { headers: { 'X-C': '{{ trigger.order.customer }}' } }],
    ['cookies', { cookies: { c: '{{trigger.order}}' } }],
    ['body', { body: { c: '{{trigger.order.customer}}' } }],
  ])('rejects an object for a whole %s value, naming the template', (_field, withFields) => {
    let caught: unknown;
    try {
      resolveStep(parsedStep(withFields), ctx);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(TemplateResolutionError);
    expect((caught as Error).message).toMatch(
      /^\{\{trigger\.order(\.customer)?\}\} is an object or array; only text, numbers, booleans and null fit here$/,
    );
  });

  it('rejects an array for a whole body value, and renders it as JSON inside text', () => {
    const withTags = { ...ctx, trigger: { ...ctx.trigger, tags: ['a', 'b'] } };
    expect(() => resolveStep(parsedStep({ body: { t: '{{trigger.tags}}' } }), withTags)).toThrow(
      '{{trigger.tags}} is an object or array',
    );
    expect(resolveStep(parsedStep({ body: { t: 'tags: {{trigger.tags}}' } }), withTags).body).toEqual({
      t: 'tags: ["a","b"]',
    });
  });

  it('throws TemplateSyntaxError for a template validateAutomation would have rejected', () => {
    const parsed = parsedStep({});
    const step = { ...parsed, with: { ...parsed.with, url: 'https://x/{{nope}}' } };
    expect(() => resolveStep(step, ctx)).toThrow(TemplateSyntaxError);
  });
});
