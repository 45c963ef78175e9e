// StepSchema: what it rejects (each message naming the field, never echoing a secret), what it accepts and the
// defaults it applies; duration parsing (toMs).
import { checkStep, displayUrl, formatIssues, MAX_BODY_BYTES, StepSchema, toMs } from '../../src/contract';

const URL_OK = 'https://api.example.com/hooks';

/** The formatted issues of an input StepSchema must reject. */
function issuesOf(input: unknown): string[] {
  const result = StepSchema.safeParse(input);
  if (result.success) throw new Error(`expected a rejection of ${JSON.stringify(input).slice(0, 200)}`);
  return formatIssues(result.error, 'step');
}

describe('StepSchema rejects', () => {
  it('an unknown scheme', () => {
    const issues = issuesOf({ url: 'ftp://files.example.com/x' });
    expect(issues).toEqual(['step.url: must use http or https, not ftp']);
  });

  it('a URL that is not absolute', () => {
    expect(issuesOf({ url: '/hooks' })).toEqual(['step.url: must be an absolute http or https URL']);
  });

  it('credentials in the URL', () => {
    const issues = issuesOf({ url: 'https://user:pw123@api.example.com/' });
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatch(/^step\.url: must not contain credentials/);
    expect(issues[0]).not.toContain('pw123');
  });

  it('a missing url', () => {
    expect(issuesOf({ method: 'POST' })).toEqual(['step.url: is required and must be a string']);
  });

  it('a nested object in the body, naming body.<key>', () => {
    const issues = issuesOf({ url: URL_OK, body: { ok: 1, customer: { id: 1 } } });
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatch(/^step\.body\.customer: must be a string, number, boolean or null/);
    expect(issues[0]).toContain('nested objects and arrays are not supported');
  });

  it('an array in the body, naming body.<key>', () => {
    const issues = issuesOf({ url: URL_OK, body: { items: [1, 2] } });
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatch(/^step\.body\.items: /);
  });

  it('CR/LF in a header value, without echoing the value', () => {
    const issues = issuesOf({ url: URL_OK, headers: { 'X-Evil': 'a\r\nInjected: yes' } });
    expect(issues).toEqual(['step.headers.X-Evil: must not contain CR, LF or other control characters']);
  });

  it('a non-ASCII header value, saying why (not "control characters")', () => {
    expect(issuesOf({ url: URL_OK, headers: { 'X-Name': 'José' } })).toEqual([
      'step.headers.X-Name: must be ASCII: a header value cannot carry other characters as written; percent-encode them (RFC 8187)',
    ]);
  });

  it('a lone surrogate in a cookie value, which has no UTF-8 encoding to percent-encode', () => {
    expect(issuesOf({ url: URL_OK, cookies: { sid: 'a\ud800b' } })).toEqual([
      'step.cookies.sid: must not contain a lone UTF-16 surrogate: it has no UTF-8 encoding',
    ]);
  });

  it('an invalid header name', () => {
    const issues = issuesOf({ url: URL_OK, headers: { 'Bad Header': 'x' } });
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatch(/^step\.headers\."Bad Header": header names must be HTTP tokens/);
  });

  it.each(['Cookie', 'webhook-signature', 'Webhook-Id', 'Host', 'Content-Length'])('reserved header %s', (name) => {
    const issues = issuesOf({ url: URL_OK, headers: { [name]: 'x' } });
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatch(new RegExp(`^step\\.headers\\.${name}: this header is set by hookstep`));
  });

  it.each([0, '0s', -5, 1.5, '0ms', '16m', 900_001, 'soon', '5 s', '1.5.2s'])('timeout %j', (timeout) => {
    const issues = issuesOf({ url: URL_OK, timeout });
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatch(/^step\.timeout: must be /);
  });

  it('a delay that is not a duration is an issue, not a thrown error', () => {
    expect(issuesOf({ url: URL_OK, delay: 'later' })).toHaveLength(1);
  });

  it('more than 64 headers', () => {
    const headers = Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`x-h${i}`, 'v']));
    expect(issuesOf({ url: URL_OK, headers })).toEqual(['step.headers: at most 64 headers']);
  });

  it('a body over 256 KiB once encoded', () => {
    // 100k characters of 3-byte UTF-8: under the limit in characters, over it in bytes.
    const issues = issuesOf({ url: URL_OK, body: { big: '☃'.repeat(100_000) } });
    expect(issues).toEqual(['step.body: must be at most 256 KiB once encoded']);
  });

  it('an unknown top-level key', () => {
    const issues = issuesOf({ url: URL_OK, tiemout: '5s' });
    expect(issues).toHaveLength(1);
    expect(issues).toEqual(['step.tiemout: is not a known field']);
  });

  it('an unknown method', () => {
    expect(issuesOf({ url: URL_OK, method: 'GET' })[0]).toMatch(/^step\.method: /);
  });

  it('a bad signing secret, without echoing it', () => {
    const secret = 'not-a-whsec-supersecretvalue';
    const issues = issuesOf({ url: URL_OK, signing: { secret } });
    expect(issues).toEqual(['step.signing.secret: must be whsec_ followed by base64']);
    expect(issues.join('\n')).not.toContain('supersecretvalue');
  });

  it('a signing secret with invalid base64, without echoing it', () => {
    const issues = issuesOf({ url: URL_OK, signing: { secret: 'whsec_abc def!!' } });
    expect(issues).toEqual(['step.signing.secret: must be whsec_ followed by base64']);
  });

  it('response.fields with a bad type', () => {
    const issues = issuesOf({ url: URL_OK, response: { fields: { id: 'string', total: 'integer' } } });
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatch(/^step\.response\.fields\.total: /);
  });

  it('retry settings out of range', () => {
    const issues = issuesOf({ url: URL_OK, retry: { maximumAttempts: 0, backoffCoefficient: 11 } });
    expect(issues.map((i) => i.split(':')[0]).sort()).toEqual([
      'step.retry.backoffCoefficient',
      'step.retry.maximumAttempts',
    ]);
  });

  // Issue 8: each of these passed validation, then hung the run or could never be sent.
  it.each(['0s', '0.4ms', 0, '0ms'])('a retry interval of %j, which Temporal refuses', (initialInterval) => {
    const issues = issuesOf({ url: URL_OK, retry: { initialInterval } });
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatch(/^step\.retry\.initialInterval: must be (a duration of )?at least 1/);
  });

  it('a retry interval over a year', () => {
    expect(issuesOf({ url: URL_OK, retry: { maximumInterval: '366d' } })[0]).toMatch(/^step\.retry\.maximumInterval: /);
  });

  it.each(['Expect', 'expect', 'Upgrade', 'Keep-Alive', 'Transfer-Encoding', 'TE', 'Webhook-Version', 'webhook-x'])(
    'the header %s, which undici refuses or hookstep sets',
    (name) => {
      expect(issuesOf({ url: URL_OK, headers: { [name]: 'v' } })[0]).toMatch(/this header is set by hookstep/);
    },
  );

  it.each([
    ['body', '{"url":"https://a.example/","body":{"__proto__":{"deep":{"x":1}}}}', 'step.body.__proto__'],
    ['headers', '{"url":"https://a.example/","headers":{"__proto__":"x"}}', 'step.headers.__proto__'],
    ['query', '{"url":"https://a.example/","query":{"__proto__":"x"}}', 'step.query.__proto__'],
    ['top level', '{"url":"https://a.example/","__proto__":{}}', 'step.__proto__'],
  ])('a __proto__ key in %s, which copies would drop silently', (_where, json, path) => {
    const check = checkStep(JSON.parse(json));
    expect(check).toEqual({ ok: false, issues: [`${path}: "__proto__" is not allowed as a key`] });
  });

  it('nesting past the limit, without recursing', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = { a: deep };
    const check = checkStep({ url: URL_OK, body: deep });
    expect(check.ok).toBe(false);
    expect(!check.ok && check.issues).toEqual([expect.stringMatching(/nested more than 16 levels deep$/)]);
  });

  it('thousands of bad values: at most 20 issues of bounded length, and a count of the rest', () => {
    const body = Object.fromEntries(Array.from({ length: 30_000 }, (_, i) => [`k${i}`, [1]]));
    const check = checkStep({ url: URL_OK, body });
    expect(check.ok).toBe(false);
    const issues = check.ok ? [] : check.issues;
    expect(issues).toHaveLength(21);
    expect(issues[20]).toBe('…and 29980 more issues');
    expect(issues.join('; ').length).toBeLessThan(21 * 300);
  });

  it('a key thousands of characters long is cut in the message', () => {
    const check = checkStep({ url: URL_OK, body: { ['k'.repeat(5000)]: [1] } });
    expect(check.ok).toBe(false);
    expect(!check.ok && check.issues[0].length).toBeLessThanOrEqual(300);
  });

  it('an idempotencyKey with spaces', () => {
    expect(issuesOf({ url: URL_OK, idempotencyKey: 'a b' })).toEqual([
      'step.idempotencyKey: must be printable ASCII without spaces',
    ]);
  });
});

describe('StepSchema accepts', () => {
  const full = {
    url: 'https://api.example.com/orders?source=hookstep',
    method: 'PUT',
    query: { page: 2, dry: false, tag: 'a b' },
    headers: { Authorization: 'Bearer token', 'X-Trace': 'abc' },
    cookies: { session: 'abc 123' },
    body: { orderId: 'o-1', amount: 12.5, paid: true, note: null },
    response: { fields: { id: 'string', total: 'number', items: 'array?', meta: 'object?', ok: 'boolean' } },
    timeout: '60s',
    delay: '10m',
    retry: { initialInterval: '1s', backoffCoefficient: 1.5, maximumInterval: '5m', maximumAttempts: 5 },
    signing: { secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' },
    idempotencyKey: 'order-o-1-paid',
  } as const;

  it('the full example step, unchanged', () => {
    expect(StepSchema.parse(full)).toEqual(full);
  });

  it('a minimal step, applying defaults', () => {
    expect(StepSchema.parse({ url: URL_OK })).toEqual({ url: URL_OK, method: 'POST', timeout: '60s' });
  });

  it('a body string holding JSON, as a string', () => {
    const step = StepSchema.parse({ url: URL_OK, body: { payload: '{"a":[1,2]}' } });
    expect(step.body).toEqual({ payload: '{"a":[1,2]}' });
    expect(typeof step.body?.payload).toBe('string');
  });

  it('exactly 64 headers, and a millisecond timeout', () => {
    const headers = Object.fromEntries(Array.from({ length: 64 }, (_, i) => [`x-h${i}`, 'v']));
    expect(StepSchema.safeParse({ url: URL_OK, headers, timeout: 1500 }).success).toBe(true);
  });

  it('a body just under the size limit', () => {
    // {"b":"…"} is 8 bytes of framing.
    const body = { b: 'x'.repeat(MAX_BODY_BYTES - 8) };
    expect(StepSchema.safeParse({ url: URL_OK, body }).success).toBe(true);
    expect(StepSchema.safeParse({ url: URL_OK, body: { b: 'x'.repeat(MAX_BODY_BYTES - 7) } }).success).toBe(false);
  });
});

describe('displayUrl', () => {
  it('keeps scheme, host and path only', () => {
    expect(displayUrl('https://u:p@api.example.com:8443/a/b?token=x#frag')).toBe('https://api.example.com:8443/a/b');
  });

  it.each([
    // fetcharr#45: a Discord webhook URL's last segment is its token.
    [
      'https://discord.com/api/webhooks/1487200889859997746/mT9-xQ2_vLk8ZrWbN4yPd7Hs0uJcE1aF6gIo3KtRnVqYw5XzBe',
      'https://discord.com/api/webhooks/1487200889859997746/[token]',
    ],
    // thumper#33: Slack's incoming webhooks carry three opaque segments.
    [
      'https://hooks.slack.com/services/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',
      'https://hooks.slack.com/services/[token]/[token]/[token]',
    ],
    // luthien-proxy#622: a token in the path of any receiver, a UUID, a Make hook id.
    ['https://example.com/hooks/3f2b8c1e-9d4a-4b7e-8f21-6c0d5e9a7b13', 'https://example.com/hooks/[token]'],
    ['https://hook.eu1.make.com/abcdefghijklmnopqrstuvwxyzabcdef', 'https://hook.eu1.make.com/[token]'],
  ])('never shows a token in the path: %s', (url, shown) => {
    expect(displayUrl(url)).toBe(shown);
  });

  it('keeps words, versions and plain numbers in the path', () => {
    expect(displayUrl('https://api.example.com/v2/orders/12345/order-status-changed')).toBe(
      'https://api.example.com/v2/orders/12345/order-status-changed',
    );
  });
});

describe('toMs', () => {
  it.each<[string | number, number]>([
    ['500ms', 500],
    ['30s', 30_000],
    ['10m', 600_000],
    ['2h', 7_200_000],
    ['10d', 864_000_000],
    ['1.5s', 1500],
    [1500, 1500],
  ])('%j → %i ms', (duration, ms) => {
    expect(toMs(duration)).toBe(ms);
  });

  it('throws on a string that is not a duration', () => {
    expect(() => toMs('5 minutes')).toThrow(TypeError);
  });
});
