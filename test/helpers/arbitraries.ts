// Random step and automation inputs for property-based tests: each field valid or invalid at random, so a run mixes
// deliverable steps with every kind of bad input. Valid durations are short, so every valid run ends in seconds.
import fc from 'fast-check';

/** How many runs each property makes; HOOKSTEP_PROPERTY_RUNS=500 for a longer search than CI's. */
export function propertyRuns(ciDefault: number): number {
  const asked = Number(process.env.HOOKSTEP_PROPERTY_RUNS);
  return Number.isInteger(asked) && asked > 0 ? asked : ciDefault;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,24}$/;

const key = fc.oneof(
  { weight: 8, arbitrary: fc.string({ minLength: 1, maxLength: 12 }) },
  { weight: 1, arbitrary: fc.constantFrom('constructor', 'toString', 'a'.repeat(300)) },
);

const scalar = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
);

/** Random tokens, and now and then a header the transport owns: whether a step may set it is for checkStep to say. */
const headerName = fc.oneof(
  { weight: 12, arbitrary: fc.stringMatching(TOKEN) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      ...['Expect', 'Upgrade', 'Keep-Alive', 'TE', 'Trailer', 'Transfer-Encoding', 'Connection', 'Host'],
      ...[
        'Content-Length',
        'Content-Type',
        'Accept',
        'Authorization',
        'Date',
        'Proxy-Authorization',
        'Webhook-Version',
      ],
    ),
  },
);
const headerValue = fc.stringMatching(/^[\t\x20-\x7e]{0,40}$/);
const validDuration = fc.oneof(fc.integer({ min: 1, max: 2_000 }), fc.constantFrom('1ms', '50ms', '1s', '1.5s'));
const invalidDuration = fc.constantFrom('0s', '0.4ms', 0, -1, 1.5, 'soon', '5 s', '1.5.2s', '366d', null, {});

/** A step every field of which is valid; `url` is the receiver's. */
function validStep(url: string) {
  return fc.record(
    {
      url: fc.constant(url),
      method: fc.constantFrom('POST', 'PUT', 'PATCH', 'DELETE'),
      query: fc.dictionary(key, scalar, { maxKeys: 3 }),
      headers: fc.dictionary(headerName, headerValue, { maxKeys: 3 }),
      cookies: fc.dictionary(fc.stringMatching(TOKEN), headerValue, { maxKeys: 2 }),
      body: fc.dictionary(key, fc.oneof(scalar, fc.constant(null)), { maxKeys: 5 }),
      response: fc.record({
        fields: fc.dictionary(fc.constantFrom('ok', 'ticketId', 'constructor'), fc.constantFrom('boolean', 'string?')),
      }),
      // Long enough for a receiver on 127.0.0.1 to answer: a timeout of 1 ms would retry for minutes by default.
      timeout: fc.oneof(fc.integer({ min: 1_000, max: 5_000 }), fc.constantFrom('1s', '2.5s')),
      delay: fc.constantFrom('1ms', 20),
      retry: fc.record(
        {
          initialInterval: fc.constantFrom('1ms', '10ms', 50),
          backoffCoefficient: fc.double({ min: 1, max: 10, noNaN: true }),
          maximumInterval: fc.constantFrom('1ms', '100ms', '1s'),
          maximumAttempts: fc.integer({ min: 1, max: 3 }),
        },
        { requiredKeys: [] },
      ),
      signing: fc.constant({ secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' }),
      idempotencyKey: fc.stringMatching(/^[\x21-\x7e]{1,40}$/),
    },
    { requiredKeys: ['url'] },
  );
}

/** One way to make a step invalid: a field path and the bad value put there. */
const mutation: fc.Arbitrary<[string[], unknown]> = fc.oneof(
  fc.constantFrom<[string[], unknown]>(
    [['url'], 'ftp://127.0.0.1/x'],
    [['url'], '/relative'],
    [['url'], 'http://user:pw@127.0.0.1/'],
    [['url'], 42],
    [['method'], 'GET'],
    [['body', 'nested'], { a: 1 }],
    [
      ['body', 'list'],
      [1, 2],
    ],
    [['body'], JSON.parse('{"__proto__":{"x":1}}')],
    [['headers'], JSON.parse('{"__proto__":"x"}')],
    [['headers', 'Expect'], '100-continue'],
    [['headers', 'webhook-version'], '1'],
    [['headers', 'Bad Name'], 'x'],
    [['headers', 'X-Ok'], 'a\r\nInjected: 1'],
    [['cookies', 'a b'], 'x'],
    [['query', 'q'], null],
    [['response', 'fields', 'f'], 'int'],
    [['signing', 'secret'], 'not-a-secret'],
    [['idempotencyKey'], 'has space'],
    [['extra'], 'an unknown field'],
    [['retry', 'backoffCoefficient'], 0.5],
    [['retry', 'maximumAttempts'], 101],
  ),
  fc.tuple(
    fc.constantFrom<string[]>(['timeout'], ['delay'], ['retry', 'initialInterval'], ['retry', 'maximumInterval']),
    invalidDuration as fc.Arbitrary<unknown>,
  ),
);

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const part of path.slice(0, -1)) {
    if (typeof node[part] !== 'object' || node[part] === null) node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  node[path[path.length - 1]] = value;
}

/** A step aimed at `url` (a receiver on 127.0.0.1): valid, or made invalid in one or two places. */
export function stepArbitrary(url: string) {
  return fc
    .tuple(validStep(url), fc.option(fc.array(mutation, { minLength: 1, maxLength: 2 }), { freq: 2 }))
    .map(([step, mutations]) => {
      const out = structuredClone(step) as Record<string, unknown>;
      for (const [path, value] of mutations ?? []) setPath(out, path, value);
      return out;
    });
}

/** An automation of one to three steps aimed at `url`, with templates right and wrong. */
export function automationArbitrary(url: string) {
  const template = fc.oneof(
    {
      weight: 6,
      arbitrary: fc.constantFrom('{{trigger.orderId}}', '{{trigger.missing}}', 'id {{trigger.orderId}} done', 'plain'),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '{{steps.s0.status}}',
        '{{steps.s0.body.ok}}',
        '{{steps.s1.error.type}}',
        '{{steps.nope.status}}',
        '{{ unclosed',
        '{{trigger.}}',
      ),
    },
  );
  const sendStep = (i: number) =>
    fc.record(
      {
        id: fc.oneof(
          { weight: 8, arbitrary: fc.constant(`s${i}`) },
          { weight: 1, arbitrary: fc.constantFrom('1bad', 's0') },
        ),
        type: fc.constant('sendWebhook'),
        onFailure: fc.constantFrom('stop', 'continue'),
        with: fc.record(
          {
            url: fc.oneof(
              { weight: 4, arbitrary: fc.constantFrom(url, `${url}/{{trigger.orderId}}`) },
              { weight: 1, arbitrary: fc.constant('ftp://x') },
            ),
            body: fc.dictionary(fc.constantFrom('a', 'b', 'c'), fc.oneof(scalar, template), { maxKeys: 3 }),
            headers: fc.dictionary(fc.constantFrom('X-A', 'X-B'), template, { maxKeys: 1 }),
            response: fc.constant({ fields: { ok: 'boolean' } }),
            retry: fc.constant({ initialInterval: '10ms', maximumAttempts: 2 }),
          },
          { requiredKeys: ['url'] },
        ),
      },
      { requiredKeys: ['id', 'type', 'with'] },
    );
  const delayStep = (i: number) =>
    fc.record({
      id: fc.constant(`s${i}`),
      type: fc.constant('delay'),
      for: fc.oneof({ weight: 4, arbitrary: validDuration }, { weight: 1, arbitrary: invalidDuration }),
    });
  const step = (i: number) => fc.oneof({ weight: 3, arbitrary: sendStep(i) }, { weight: 1, arbitrary: delayStep(i) });
  return fc.record({
    id: fc.oneof({ weight: 8, arbitrary: fc.constant('prop') }, { weight: 1, arbitrary: fc.constantFrom('', 7) }),
    trigger: fc.oneof(fc.constant({ orderId: 'AG-1' }), fc.dictionary(key, scalar, { maxKeys: 2 })),
    steps: fc.integer({ min: 1, max: 3 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => step(i)))),
  });
}
