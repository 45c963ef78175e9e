// buildRequest: URL + query merging, headers and their defaults, the Cookie header, the JSON body, webhook-id and
// Standard Webhooks signing headers.
import { buildRequest } from '../../activities/request';
import { type StepInput, StepSchema, VERSION } from '../../src/contract';

const NOW_MS = 1_700_000_000_123;
const build = (input: StepInput, id = 'msg_test', nowMs = NOW_MS) => buildRequest(StepSchema.parse(input), id, nowMs);
/** What went out on the request line, read back as a URL. */
const sent = (req: { target: string }) => new URL(req.target, 'http://sent.invalid');

describe('buildRequest', () => {
  it("merges the step's query into the URL's own query, the step winning", () => {
    const req = build({ url: 'https://api.example.com/hooks?a=1&keep=yes', query: { a: 2, b: 'x' } });
    expect(sent(req).searchParams.get('a')).toBe('2');
    expect(sent(req).searchParams.getAll('a')).toEqual(['2']);
    expect(sent(req).searchParams.get('b')).toBe('x');
    expect(sent(req).searchParams.get('keep')).toBe('yes');
    expect(req.url.pathname).toBe('/hooks');
  });

  it('stringifies numbers and booleans in the query', () => {
    const req = build({ url: 'https://api.example.com/', query: { n: 1.5, t: true, f: false, z: 0 } });
    expect(Object.fromEntries(sent(req).searchParams)).toEqual({ n: '1.5', t: 'true', f: 'false', z: '0' });
  });

  it('encodes spaces, &, = and unicode in query values', () => {
    const req = build({ url: 'https://api.example.com/h', query: { q: 'a b&c=d', u: 'é☃' } });
    const search = sent(req).search;
    expect(search).not.toContain(' ');
    expect(search).not.toContain('b&c');
    expect(search).not.toContain('c=d');
    expect(search).toContain('u=%C3%A9%E2%98%83');
    // Round-trips to the original values.
    expect(sent(req).searchParams.get('q')).toBe('a b&c=d');
    expect(sent(req).searchParams.get('u')).toBe('é☃');
    expect([...sent(req).searchParams.keys()]).toEqual(['q', 'u']);
  });

  it('sends cookies as one Cookie header with percent-encoded values', () => {
    const req = build({ url: 'https://api.example.com/', cookies: { a: '1', b: 'x y' } });
    expect(req.headers.cookie).toBe('a=1; b=x%20y');
    expect(Object.keys(req.headers).filter((h) => h.toLowerCase() === 'cookie')).toHaveLength(1);
  });

  it('has no cookie header without cookies', () => {
    expect(build({ url: 'https://api.example.com/' }).headers).not.toHaveProperty('cookie');
  });

  it('lowercases user headers and lets them override the content-type default', () => {
    const req = build({
      url: 'https://api.example.com/',
      headers: { 'X-Api-Key': 'k1', 'Content-Type': 'application/vnd.custom+json' },
    });
    expect(req.headers['x-api-key']).toBe('k1');
    expect(req.headers['content-type']).toBe('application/vnd.custom+json');
    for (const name of Object.keys(req.headers)) expect(name).toBe(name.toLowerCase());
    expect(req.headers).not.toHaveProperty('Content-Type');
    expect(req.headers).not.toHaveProperty('X-Api-Key');
  });

  it('sets user-agent, content-type and webhook-id defaults', () => {
    const req = build({ url: 'https://api.example.com/' }, 'msg_abc');
    expect(req.headers['user-agent']).toBe(`hookstep/${VERSION}`);
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers['webhook-id']).toBe('msg_abc');
    expect(req.headers).not.toHaveProperty('webhook-signature');
    expect(req.headers).not.toHaveProperty('webhook-timestamp');
  });

  it('sends the flat body as JSON, and {} when absent', () => {
    const body = { s: 'x', n: 2, b: false, nul: null, json: '{"a":1}' };
    expect(JSON.parse(build({ url: 'https://api.example.com/', body }).body)).toEqual(body);
    expect(build({ url: 'https://api.example.com/' }).body).toBe('{}');
  });

  it.each(['POST', 'PUT', 'PATCH', 'DELETE'] as const)('passes method %s through', (method) => {
    expect(build({ url: 'https://api.example.com/', method }).method).toBe(method);
  });

  it('defaults the method to POST', () => {
    expect(build({ url: 'https://api.example.com/' }).method).toBe('POST');
  });

  it('adds the Standard Webhooks headers when signing', () => {
    const req = build(
      {
        url: 'https://api.example.com/',
        body: { a: 1 },
        signing: { secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' },
      },
      'msg_signed',
      NOW_MS,
    );
    expect(req.headers['webhook-id']).toBe('msg_signed');
    expect(req.headers['webhook-timestamp']).toBe(String(Math.floor(NOW_MS / 1000)));
    expect(req.headers['webhook-timestamp']).toBe('1700000000');
    expect(req.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
  });

  it('changes the signature with the timestamp', () => {
    const step = { url: 'https://api.example.com/', signing: { secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' } };
    const a = build(step, 'msg_1', 1_000_000_000_000);
    const b = build(step, 'msg_1', 1_000_000_001_000);
    expect(a.headers['webhook-signature']).not.toBe(b.headers['webhook-signature']);
  });
});
