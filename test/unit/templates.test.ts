// Templates: which references parse (and the message for those that do not), how a reference finds its value in
// the trigger and earlier steps' outputs, and how a value renders: whole-value templates keep their type, templates
// inside text render as text through `encode`.
import {
  lookup,
  parseReference,
  resolveValue,
  templatesIn,
  TemplateResolutionError,
  TemplateSyntaxError,
  type TemplateContext,
} from '../../src/contract';

const ctx: TemplateContext = {
  trigger: {
    orderId: 1042,
    name: 'Ada Lovelace',
    path: 'a b/c?d',
    paid: true,
    zero: 0,
    empty: '',
    note: null,
    customer: { id: 'c_9', address: { city: 'Paris' } },
    tags: ['new', 'vip'],
  },
  steps: {
    create: { status: 201, body: { id: 'o_1', total: 19.5, ok: false, meta: { a: 1 }, none: null }, attempts: 2 },
    notify: { error: { type: 'HttpClientError', message: 'POST https://x/y got HTTP 404', status: 404 } },
    ping: { error: { type: 'TimeoutError', message: 'no answer within 60s' } },
  },
};

const EXPECTED_FORMS =
  'expected trigger.<field>, steps.<id>.body.<field>, steps.<id>.status or steps.<id>.error.<type|message|status>';

/** The error a call must throw, so its fields can be asserted. */
function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    if (err instanceof Error) return err;
    throw new Error(`threw a non-Error: ${String(err)}`);
  }
  throw new Error('expected a throw');
}

describe('parseReference', () => {
  it.each([
    ['trigger.orderId', { kind: 'trigger', path: ['orderId'] }],
    ['trigger.customer.address.city', { kind: 'trigger', path: ['customer', 'address', 'city'] }],
    ['trigger.a_b.$c.d-e.0', { kind: 'trigger', path: ['a_b', '$c', 'd-e', '0'] }],
    ['steps.create.body.id', { kind: 'body', step: 'create', field: 'id' }],
    ['steps.step-2_b.body.order_id', { kind: 'body', step: 'step-2_b', field: 'order_id' }],
    ['steps.create.status', { kind: 'status', step: 'create' }],
    ['steps.notify.error.type', { kind: 'error', step: 'notify', field: 'type' }],
    ['steps.notify.error.message', { kind: 'error', step: 'notify', field: 'message' }],
    ['steps.notify.error.status', { kind: 'error', step: 'notify', field: 'status' }],
  ])('%s', (path, ref) => {
    expect(parseReference(path, `{{${path}}}`)).toEqual(ref);
  });

  it.each([
    'trigger',
    'trigger.',
    'trigger..a',
    'trigger.a b',
    'Trigger.a',
    'steps.create',
    'steps.create.body',
    'steps.create.body.customer.id',
    'steps.1st.status',
    'steps.create.error',
    'steps.create.error.stack',
    'steps.create.headers.x',
    'env.SECRET',
    '',
  ])('rejects %j, naming the template as written', (path) => {
    const err = thrown(() => parseReference(path, `{{ ${path} }}`));
    expect(err).toBeInstanceOf(TemplateSyntaxError);
    expect(err.name).toBe('TemplateSyntaxError');
    expect(err.message).toBe(`{{ ${path} }}: ${EXPECTED_FORMS}`);
    expect((err as TemplateSyntaxError).template).toBe(`{{ ${path} }}`);
  });
});

describe('templatesIn', () => {
  it('finds none in plain text, single braces included', () => {
    expect(templatesIn('plain text')).toEqual([]);
    expect(templatesIn('{"json": { "a": 1 } }')).toEqual([]);
    expect(templatesIn('')).toEqual([]);
  });

  it('finds each template in order, trimming the path but keeping the source as written', () => {
    const parts = templatesIn('https://x/{{ trigger.orderId }}/{{steps.create.body.id}}?s={{steps.create.status}}');
    expect(parts).toEqual([
      { source: '{{ trigger.orderId }}', path: 'trigger.orderId', ref: { kind: 'trigger', path: ['orderId'] } },
      {
        source: '{{steps.create.body.id}}',
        path: 'steps.create.body.id',
        ref: { kind: 'body', step: 'create', field: 'id' },
      },
      { source: '{{steps.create.status}}', path: 'steps.create.status', ref: { kind: 'status', step: 'create' } },
    ]);
  });

  it('reports a malformed reference by its source', () => {
    const err = thrown(() => templatesIn('id={{trigger.id}}&x={{ nope }}'));
    expect(err).toBeInstanceOf(TemplateSyntaxError);
    expect(err.message).toBe(`{{ nope }}: ${EXPECTED_FORMS}`);
  });

  it('rejects an empty template', () => {
    expect(() => templatesIn('a{{}}b')).toThrow(`{{}}: ${EXPECTED_FORMS}`);
  });

  it.each(['{{trigger.id', 'a {{trigger.id}} b {{', '{{ {{trigger.id}} }}', '{{{{trigger.id}}'])(
    'rejects an unclosed or nested "{{" in %j',
    (value) => {
      const err = thrown(() => templatesIn(value));
      expect(err).toBeInstanceOf(TemplateSyntaxError);
      expect(err.message).toBe('"{{": is not closed, or a template is nested inside another');
    },
  );

  it('never quotes the value around a bad template, which may hold a secret', () => {
    const err = thrown(() => templatesIn('https://x/?token=s3cr3t-value&id={{trigger.id'));
    expect(err.message).not.toContain('s3cr3t-value');
  });

  it.each(['trigger.id}}', '{"order":{"id":1}}', '}}{{trigger.id}}'])(
    'reads a "}}" without "{{" as text: %j',
    (value) => {
      expect(() => templatesIn(value)).not.toThrow();
    },
  );
});

describe('lookup', () => {
  const find = (path: string) => lookup(parseReference(path, `{{${path}}}`), path, ctx);

  it('reads trigger fields at any depth', () => {
    expect(find('trigger.orderId')).toBe(1042);
    expect(find('trigger.customer.address.city')).toBe('Paris');
    expect(find('trigger.customer')).toEqual({ id: 'c_9', address: { city: 'Paris' } });
  });

  it('keeps falsy values that are present: 0, false, "" and null', () => {
    expect(find('trigger.zero')).toBe(0);
    expect(find('trigger.empty')).toBe('');
    expect(find('trigger.note')).toBeNull();
    expect(find('steps.create.body.ok')).toBe(false);
    expect(find('steps.create.body.none')).toBeNull();
  });

  it("reads a step's body field, status and error", () => {
    expect(find('steps.create.body.total')).toBe(19.5);
    expect(find('steps.create.status')).toBe(201);
    expect(find('steps.notify.error.type')).toBe('HttpClientError');
    expect(find('steps.notify.error.message')).toBe('POST https://x/y got HTTP 404');
    expect(find('steps.notify.error.status')).toBe(404);
  });

  it.each([
    ['trigger.missing', 'a missing trigger field'],
    ['trigger.customer.missing', 'a missing nested field'],
    ['trigger.orderId.value', 'a path through a number'],
    ['trigger.note.value', 'a path through null'],
    ['trigger.name.length', 'a path through a string'],
    ['steps.later.status', 'a step with no output yet'],
    ['steps.later.body.id', 'the body of a step with no output yet'],
    ['steps.create.body.missing', 'a field the body does not hold'],
    ['steps.create.error.type', 'the error of a step that succeeded'],
    ['steps.notify.status', 'the status of a step that failed'],
    ['steps.notify.body.id', 'the body of a step that failed'],
    ['steps.ping.error.status', 'an error status that a failure without HTTP status lacks'],
  ])('%s (%s) has no value, naming the path', (path) => {
    const err = thrown(() => find(path));
    expect(err).toBeInstanceOf(TemplateResolutionError);
    expect(err.name).toBe('TemplateResolutionError');
    expect(err.message).toBe(`{{${path}}} has no value in this run`);
    expect((err as TemplateResolutionError).path).toBe(path);
  });
});

describe('resolveValue', () => {
  it('returns a string without templates as it is', () => {
    expect(resolveValue('https://api.example.com/hooks', ctx)).toBe('https://api.example.com/hooks');
  });

  it('does not call encode for text without templates', () => {
    const encode = jest.fn((t: string) => t);
    resolveValue('a b/c', ctx, encode);
    expect(encode).not.toHaveBeenCalled();
  });

  describe('a whole-value template keeps the type of its value', () => {
    it.each([
      ['{{trigger.orderId}}', 1042],
      ['{{ trigger.orderId }}', 1042],
      ['{{trigger.paid}}', true],
      ['{{trigger.zero}}', 0],
      ['{{trigger.note}}', null],
      ['{{trigger.empty}}', ''],
      ['{{steps.create.status}}', 201],
      ['{{steps.create.body.ok}}', false],
      ['{{steps.notify.error.status}}', 404],
    ])('%s', (template, value) => {
      expect(resolveValue(template, ctx)).toBe(value);
    });

    it('objects and arrays included', () => {
      expect(resolveValue('{{trigger.customer}}', ctx)).toEqual({ id: 'c_9', address: { city: 'Paris' } });
      expect(resolveValue('{{trigger.tags}}', ctx)).toEqual(['new', 'vip']);
    });

    it('and is not passed through encode', () => {
      const encode = jest.fn(encodeURIComponent);
      expect(resolveValue('{{trigger.path}}', ctx, encode)).toBe('a b/c?d');
      expect(encode).not.toHaveBeenCalled();
    });
  });

  describe('templates inside text render as text', () => {
    it('numbers and booleans as themselves', () => {
      expect(resolveValue('order {{trigger.orderId}} paid={{trigger.paid}}', ctx)).toBe('order 1042 paid=true');
      expect(resolveValue('{{steps.create.status}}/{{steps.create.body.total}}', ctx)).toBe('201/19.5');
      expect(resolveValue('n={{trigger.zero}} ok={{steps.create.body.ok}}', ctx)).toBe('n=0 ok=false');
    });

    it('null as nothing', () => {
      expect(resolveValue('note=[{{trigger.note}}]', ctx)).toBe('note=[]');
    });

    it('objects and arrays as JSON, never [object Object]', () => {
      expect(resolveValue('c={{trigger.customer}}', ctx)).toBe('c={"id":"c_9","address":{"city":"Paris"}}');
      expect(resolveValue('t={{trigger.tags}}', ctx)).toBe('t=["new","vip"]');
      expect(resolveValue('m={{steps.create.body.meta}}', ctx)).toBe('m={"a":1}');
    });

    it('a single template with surrounding whitespace is text, not a whole value', () => {
      expect(resolveValue(' {{trigger.orderId}}', ctx)).toBe(' 1042');
      expect(resolveValue('{{trigger.orderId}} ', ctx)).toBe('1042 ');
    });

    it('two adjacent templates concatenate as text', () => {
      expect(resolveValue('{{trigger.orderId}}{{trigger.paid}}', ctx)).toBe('1042true');
    });

    it('errors from earlier steps can be embedded in text', () => {
      expect(resolveValue('{{steps.notify.error.type}}: {{steps.notify.error.message}}', ctx)).toBe(
        'HttpClientError: POST https://x/y got HTTP 404',
      );
    });

    it('passes each rendered value, and only it, through encode', () => {
      const out = resolveValue(
        'https://x/{{trigger.path}}?c={{trigger.customer.address.city}}',
        ctx,
        encodeURIComponent,
      );
      expect(out).toBe('https://x/a%20b%2Fc%3Fd?c=Paris');
    });

    it('encodes JSON and null renderings too', () => {
      expect(resolveValue('q={{trigger.tags}}&n={{trigger.note}}', ctx, encodeURIComponent)).toBe(
        'q=%5B%22new%22%2C%22vip%22%5D&n=',
      );
    });

    it('keeps single braces around a template as text', () => {
      expect(resolveValue('{ {{trigger.orderId}} }', ctx)).toBe('{ 1042 }');
    });
  });

  it('fails on the first reference without a value, naming it, whether whole or embedded', () => {
    expect(() => resolveValue('{{trigger.missing}}', ctx)).toThrow(
      new TemplateResolutionError('trigger.missing', 'has no value in this run'),
    );
    const err = thrown(() => resolveValue('a={{trigger.orderId}}&b={{ steps.later.status }}', ctx));
    expect(err).toBeInstanceOf(TemplateResolutionError);
    expect(err.message).toBe('{{steps.later.status}} has no value in this run');
    expect((err as TemplateResolutionError).path).toBe('steps.later.status');
  });

  it('throws TemplateSyntaxError, not a resolution error, for a malformed template', () => {
    expect(() => resolveValue('x={{trigger}}', ctx)).toThrow(TemplateSyntaxError);
    expect(() => resolveValue('x={{trigger.id', ctx)).toThrow(TemplateSyntaxError);
  });

  it('is deterministic: the same input renders the same output', () => {
    const value = 'https://x/{{trigger.customer.id}}?t={{trigger.tags}}';
    expect(resolveValue(value, ctx, encodeURIComponent)).toBe(resolveValue(value, ctx, encodeURIComponent));
  });

  it('passes stringified JSON through as plain text', () => {
    expect(resolveValue('{"order":{"id":1}}', ctx)).toBe('{"order":{"id":1}}');
    expect(resolveValue('{"order":{"id":{{trigger.orderId}}}}', ctx)).toBe('{"order":{"id":1042}}');
  });

  it.each(['trigger.toString', 'trigger.constructor', 'trigger.__proto__', 'trigger.customer.hasOwnProperty'])(
    'reads own fields only: {{%s}} has no value in this run',
    (path) => {
      const error = new TemplateResolutionError(path, 'has no value in this run');
      expect(() => resolveValue(`x={{${path}}}`, ctx)).toThrow(error);
      expect(() => resolveValue(`{{${path}}}`, ctx)).toThrow(error);
    },
  );

  it('reads own fields of a step body only: {{steps.<id>.body.constructor}} has no value in this run', () => {
    const withStep = { ...ctx, steps: { ...ctx.steps, done: { status: 200, body: {}, attempts: 1 } } };
    expect(() => resolveValue('{{steps.done.body.constructor}}', withStep)).toThrow(TemplateResolutionError);
    expect(() => resolveValue('{{steps.toString.status}}', withStep)).toThrow(TemplateResolutionError);
  });
});
