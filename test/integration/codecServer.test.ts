// The codec server over real HTTP: the token is required (header or first path segment), CORS answers only the Web
// UI's origin, bad requests are named, and `hookstep codec-server` refuses bad configuration naming it. The temporal
// CLI's --codec-endpoint/--codec-auth against it is exercised in inspect.test.ts and sendWebhook.test.ts.
import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { EncryptionCodec, parseKeyList, startCodecServer, type CodecServer } from '../../src/codec';
import { freePort, runCli, spawnCli } from '../helpers/cli';

const KEY = randomBytes(32).toString('base64');
const TOKEN = randomBytes(16).toString('hex');
const UI = 'http://127.0.0.1:8233';
const codec = new EncryptionCodec(parseKeyList(`k1:${KEY}`, 'test'));
let server: CodecServer;

beforeAll(async () => {
  server = await startCodecServer({ codec, token: TOKEN, allowedOrigins: [UI], maxBodyBytes: 64 * 1024 });
});
afterAll(() => server.close());

const Payloads = temporal.api.common.v1.Payloads;
const asJson = (payloads: temporal.api.common.v1.IPayload[]) =>
  JSON.stringify(Payloads.toObject(Payloads.create({ payloads }), { bytes: String }));

async function call(path: string, body: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${server.url}${path}`, { method: 'POST', body, headers });
  return { status: res.status, headers: res.headers, json: (await res.json()) as Record<string, unknown> };
}

test('decode with the bearer token gives the payload back; the path token works the same for the Web UI', async () => {
  const encrypted = await codec.encode([defaultPayloadConverter.toPayload({ secret: 's3cret' })]);
  for (const [path, headers] of [
    ['/decode', { authorization: `Bearer ${TOKEN}` }],
    [`/${TOKEN}/decode`, {}],
  ] as const) {
    const answer = await call(path, asJson(encrypted), { ...headers, 'content-type': 'application/json' });
    expect(answer.status).toBe(200);
    const [payload] = Payloads.fromObject(answer.json).payloads;
    expect(defaultPayloadConverter.fromPayload(payload)).toEqual({ secret: 's3cret' });
  }
});

test('encode gives ciphertext that decode reads back', async () => {
  const plain = asJson([defaultPayloadConverter.toPayload('hello')]);
  const encoded = await call('/encode', plain, { authorization: `Bearer ${TOKEN}` });
  expect(JSON.stringify(encoded.json)).not.toContain(Buffer.from('"hello"').toString('base64'));
  const decoded = await call('/decode', JSON.stringify(encoded.json), { authorization: `Bearer ${TOKEN}` });
  expect(defaultPayloadConverter.fromPayload(Payloads.fromObject(decoded.json).payloads[0])).toBe('hello');
});

test.each([
  ['no token', '/decode', {}],
  ['a wrong bearer token', '/decode', { authorization: 'Bearer wrong-token-wrong-token' }],
  ['a wrong path token', '/wrong-token-wrong-token/decode', {}],
])('%s gets 401 and nothing decoded', async (_what, path, headers) => {
  const encrypted = await codec.encode([defaultPayloadConverter.toPayload('x')]);
  const answer = await call(path, asJson(encrypted), headers);
  expect(answer.status).toBe(401);
  expect(JSON.stringify(answer.json)).not.toContain(TOKEN);
  expect(answer.json).not.toHaveProperty('payloads');
});

test("CORS answers the Web UI's origin and no other", async () => {
  const preflight = (origin: string) =>
    fetch(`${server.url}/decode`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'x-namespace' },
    });
  const allowed = await preflight(UI);
  expect(allowed.status).toBe(204);
  expect(allowed.headers.get('access-control-allow-origin')).toBe(UI);
  expect(allowed.headers.get('access-control-allow-headers')).toContain('x-namespace');
  const other = await preflight('http://evil.example');
  expect(other.headers.get('access-control-allow-origin')).toBeNull();
});

test('bad requests are named: not JSON 400, unknown key 400 naming the key id, too large 413, other paths 404', async () => {
  const auth = { authorization: `Bearer ${TOKEN}` };
  expect((await call('/decode', 'not json', auth)).status).toBe(400);
  const foreign = new EncryptionCodec(parseKeyList(`other:${randomBytes(32).toString('base64')}`, 'test'));
  const unknown = await call('/decode', asJson(await foreign.encode([defaultPayloadConverter.toPayload(1)])), auth);
  expect(unknown).toMatchObject({ status: 400, json: { message: expect.stringContaining('key "other"') } });
  expect((await call('/decode', 'x'.repeat(70 * 1024), auth)).status).toBe(413);
  expect((await call('/metrics', '{}', auth)).status).toBe(404);
});

test('hookstep codec-server refuses a missing token, a bad one, no keys and a bad origin, naming each', async () => {
  const keys = { HOOKSTEP_PAYLOAD_KEYS: `k1:${KEY}` };
  const noToken = await runCli(['codec-server'], { ...keys, HOOKSTEP_CODEC_TOKEN: '' });
  expect(noToken).toMatchObject({ code: 2, stderr: expect.stringContaining('HOOKSTEP_CODEC_TOKEN is required') });
  const short = await runCli(['codec-server'], { ...keys, HOOKSTEP_CODEC_TOKEN: 'short' });
  expect(short).toMatchObject({ code: 2, stderr: expect.stringContaining('HOOKSTEP_CODEC_TOKEN must be 16') });
  expect(short.stderr).not.toContain('short\n');
  const noKeys = await runCli(['codec-server'], { HOOKSTEP_PAYLOAD_KEYS: '', HOOKSTEP_CODEC_TOKEN: TOKEN });
  expect(noKeys).toMatchObject({ code: 2, stderr: expect.stringContaining('a codec server needs keys') });
  const origin = await runCli(['codec-server', '--ui-origin', 'http://x/path'], {
    ...keys,
    HOOKSTEP_CODEC_TOKEN: TOKEN,
  });
  expect(origin).toMatchObject({ code: 2, stderr: expect.stringContaining('--ui-origin must be an origin') });
});

test('hookstep codec-server serves until Ctrl-C and never prints its token or keys', async () => {
  const port = await freePort();
  const env = { HOOKSTEP_PAYLOAD_KEYS: `k1:${KEY}`, HOOKSTEP_CODEC_TOKEN: TOKEN };
  const cli = spawnCli(['codec-server', '--port', String(port), '--ui-origin', UI], env);
  await cli.waitFor(/hookstep codec server on http:\/\/127\.0\.0\.1:\d+/);
  const res = await fetch(`http://127.0.0.1:${port}/decode`, {
    method: 'POST',
    body: asJson([]),
    headers: { authorization: `Bearer ${TOKEN}` },
  });
  expect(res.status).toBe(200);
  cli.child.kill('SIGINT');
  expect(await cli.exited).toBe(0);
  expect(cli.output()).not.toContain(TOKEN);
  expect(cli.output()).not.toContain(KEY);
});
