// sentSecrets and redact: every secret a request carried is cut out of what the receiver says back, in the encodings
// receivers echo it in; names and plain values stay readable.
import { buildRequest } from '../../activities/request';
import { toFailure } from '../../activities/outcomes';
import { REDACTED, StepSchema, redact, sentSecrets, type DeliveryFailureDetails } from '../../src/contract';

const TOKEN = 'tok_4f9a/Bc+12"xyz';
const SECRET = `whsec_${Buffer.from('a-very-secret-signing-key!').toString('base64')}`;
const request = () =>
  buildRequest(
    StepSchema.parse({
      url: 'https://h.example/in?api_key=querysecret99&page=2',
      query: { signature: 'added-sig-value' },
      headers: { Authorization: `Bearer ${TOKEN}`, 'X-Tenant': 'acme', Accept: 'application/json' },
      cookies: { session: 'José-cookie-1' },
      body: { password: 'body-pass-123', note: 'hello there' },
      signing: { secret: SECRET },
    }),
    'msg_1',
    1_700_000_000_000,
  );

describe('sentSecrets', () => {
  it('lists header values, credentials, cookies, the signature, the secret, and named query and body values', () => {
    const req = request();
    const secrets = sentSecrets({
      url: 'https://h.example/in?api_key=querysecret99&page=2',
      query: { signature: 'added-sig-value' },
      headers: req.headers,
      cookies: { session: 'José-cookie-1' },
      body: { password: 'body-pass-123', note: 'hello there' },
      signingSecrets: [SECRET],
    });
    expect(secrets).toEqual(expect.arrayContaining([`Bearer ${TOKEN}`, TOKEN, 'José-cookie-1', SECRET]));
    expect(secrets).toEqual(expect.arrayContaining(['querysecret99', 'added-sig-value', 'body-pass-123']));
    expect(secrets).toContain(req.headers['webhook-signature'].slice(3));
    expect(req.secrets()).toEqual(secrets);
    // Plain headers, short values, names, other query and body values are not secrets.
    for (const plain of ['application/json', 'acme', '2', 'hello there', 'msg_1', 'page', 'password']) {
      expect(secrets).not.toContain(plain);
    }
  });

  it("thumper#33: adds a token in the URL's path, so a reply quoting the URL is cut", () => {
    const url = 'https://discord.com/api/webhooks/1487200889859997746/mT9-xQ2_vLk8ZrWbN4yPd7Hs0uJcE1aF6g';
    const secrets = sentSecrets({ url, headers: {} });
    expect(secrets).toContain('mT9-xQ2_vLk8ZrWbN4yPd7Hs0uJcE1aF6g');
    expect(secrets).not.toContain('1487200889859997746');
    expect(redact(`{"error":"unknown webhook ${url}"}`, secrets)).toBe(
      `{"error":"unknown webhook https://discord.com/api/webhooks/1487200889859997746/${REDACTED}"}`,
    );
  });

  it('adds the user:password and the password of a Basic credential', () => {
    const basic = Buffer.from('master:hunter22').toString('base64');
    const secrets = sentSecrets({ url: 'https://h.example/', headers: { authorization: `Basic ${basic}` } });
    expect(secrets).toEqual(expect.arrayContaining([`Basic ${basic}`, basic, 'master:hunter22', 'hunter22']));
  });
});

describe('redact', () => {
  const secrets = [TOKEN, 'José-cookie-1'];
  it.each([
    ['as written', TOKEN],
    ['percent-encoded', encodeURIComponent(TOKEN)],
    ['percent-encoded, lower-case hex', encodeURIComponent(TOKEN).toLowerCase()],
    ['form-encoded', new URLSearchParams({ t: TOKEN }).toString().slice(2)],
    ['JSON-escaped', JSON.stringify(TOKEN).slice(1, -1)],
    ['JSON-escaped with \\/ (PHP)', JSON.stringify(TOKEN).slice(1, -1).replace(/\//g, '\\/')],
    ['as \\u escapes (Python ensure_ascii)', 'Jos\\u00e9-cookie-1'],
    ['as HTML character references', 'tok_4f9a&#x2f;Bc+12&quot;xyz'],
  ])('%s', (_how, echoed) => {
    expect(redact(`{"echo":"${echoed}","ok":1}`, secrets)).toBe(`{"echo":"${REDACTED}","ok":1}`);
  });

  it.each([0, 1, 2])('base64-encoded inside a longer base64 text, at offset %i', (lead) => {
    const text = Buffer.from(`${'x'.repeat(lead)}Cookie: ${TOKEN}; other`).toString('base64');
    const out = redact(text, secrets);
    expect(out).toContain(REDACTED);
    expect(Buffer.from(out.split(REDACTED)[0], 'base64').toString()).not.toContain(TOKEN.slice(0, 4));
  });

  it('leaves a reply without secrets as it is', () => {
    expect(redact('{"error":"invalid page 2"}', secrets)).toBe('{"error":"invalid page 2"}');
  });
});

describe('a failure from toFailure', () => {
  // opensearch-project/opensearch-java#1218: a 403 body quoting the Basic Authorization header became the message.
  it('opensearch-java#1218: a 403 quoting Authorization: Basic keeps no credential in details or message', () => {
    const req = request();
    const body = `{"message":"bad header Authorization: ${req.headers.authorization}","cookie":"${req.headers.cookie}","sig":"${req.headers['webhook-signature']}","secret":"${SECRET}"}`;
    const failure = toFailure(
      { kind: 'status', status: 403, body },
      {
        method: 'POST',
        url: 'https://h.example/in',
        attempt: 1,
        maxAttempts: 3,
        durationMs: 1,
        maxRetryDelayMs: 1,
        secrets: req.secrets(),
      },
    );
    const snippet = (failure.details?.[0] as DeliveryFailureDetails).bodySnippet!;
    for (const secret of [TOKEN, 'Jos%C3%A9-cookie-1', req.headers['webhook-signature'].slice(3), SECRET]) {
      expect(snippet).not.toContain(secret);
    }
    expect(snippet).toContain('bad header Authorization: [redacted]');
  });

  it('redacts before cutting, so a secret across the 2 KiB cut leaves no readable prefix', () => {
    const req = request();
    const body = `${'.'.repeat(2040)}${TOKEN}`;
    const failure = toFailure(
      { kind: 'status', status: 400, body },
      {
        method: 'POST',
        url: 'https://h.example/in',
        attempt: 1,
        maxAttempts: 1,
        durationMs: 1,
        maxRetryDelayMs: 1,
        secrets: req.secrets(),
      },
    );
    expect((failure.details?.[0] as DeliveryFailureDetails).bodySnippet).not.toContain(TOKEN.slice(0, 8));
  });
});
