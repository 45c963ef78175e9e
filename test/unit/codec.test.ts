// The payload codec: AES-256-GCM round trips, rotation (encrypt with the first key, decrypt with any), payloads from
// before encryption pass through, tampering fails, and key configuration errors name the variable, never the key.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultPayloadConverter } from '@temporalio/common';
import {
  ENCRYPTED_ENCODING,
  EncryptionCodec,
  KEY_ID_METADATA,
  PayloadDecryptionError,
  encryptionNotice,
  generateKeyFile,
  loadKeyring,
  parseKeyList,
} from '../../src/codec';
import { ConfigError } from '../../src/contract';

const keyA = randomBytes(32).toString('base64');
const keyB = randomBytes(32).toString('base64');
const ringA = parseKeyList(`a:${keyA}`, 'test');
const ringBA = parseKeyList(`b:${keyB},a:${keyA}`, 'test');
const secretStep = { url: 'https://api.example.com/h', signing: { secret: 'whsec_c2VjcmV0LXNpZ25pbmcta2V5' } };

test('a payload round-trips, and its encrypted form holds neither the value nor its encoding', async () => {
  const payload = defaultPayloadConverter.toPayload(secretStep);
  const [encrypted] = await new EncryptionCodec(ringA).encode([payload]);
  expect(Buffer.from(encrypted.metadata!.encoding).toString()).toBe(ENCRYPTED_ENCODING);
  expect(Buffer.from(encrypted.metadata![KEY_ID_METADATA]).toString()).toBe('a');
  expect(Buffer.from(encrypted.data!).toString('latin1')).not.toContain('whsec_');
  expect(Buffer.from(encrypted.data!).toString('latin1')).not.toContain('json/plain');
  const [decoded] = await new EncryptionCodec(ringA).decode([encrypted]);
  expect(defaultPayloadConverter.fromPayload(decoded)).toEqual(secretStep);
});

test('two encryptions of one payload differ (a fresh nonce each)', async () => {
  const payload = defaultPayloadConverter.toPayload('same');
  const [one, two] = await new EncryptionCodec(ringA).encode([payload, payload]);
  expect(Buffer.from(one.data!).equals(Buffer.from(two.data!))).toBe(false);
});

test('after rotation the new key encrypts and the old key still decrypts old payloads', async () => {
  const [old] = await new EncryptionCodec(ringA).encode([defaultPayloadConverter.toPayload('old run')]);
  const rotated = new EncryptionCodec(ringBA);
  const [fresh] = await rotated.encode([defaultPayloadConverter.toPayload('new run')]);
  expect(Buffer.from(fresh.metadata![KEY_ID_METADATA]).toString()).toBe('b');
  const decoded = await rotated.decode([old, fresh]);
  expect(decoded.map((p) => defaultPayloadConverter.fromPayload(p))).toEqual(['old run', 'new run']);
});

test('a payload under a key this process lacks fails naming the key id and what to do', async () => {
  const [old] = await new EncryptionCodec(ringA).encode([defaultPayloadConverter.toPayload('x')]);
  const onlyB = new EncryptionCodec(parseKeyList(`b:${keyB}`, 'HOOKSTEP_PAYLOAD_KEYS'));
  const failure = onlyB.decode([old]);
  await expect(failure).rejects.toBeInstanceOf(PayloadDecryptionError);
  await expect(failure).rejects.toThrow(/key "a".*HOOKSTEP_PAYLOAD_KEYS/);
});

test('altered data, or an envelope relabelled with another key id, does not decrypt', async () => {
  const [encrypted] = await new EncryptionCodec(ringBA).encode([defaultPayloadConverter.toPayload('x')]);
  const data = Buffer.from(encrypted.data!);
  data[20] ^= 1;
  await expect(new EncryptionCodec(ringBA).decode([{ ...encrypted, data }])).rejects.toThrow(/does not decrypt/);
  const relabelled = { ...encrypted, metadata: { ...encrypted.metadata, [KEY_ID_METADATA]: Buffer.from('a') } };
  await expect(new EncryptionCodec(ringBA).decode([relabelled])).rejects.toThrow(/does not decrypt/);
});

test('payloads stored before encryption was turned on pass through decode unchanged', async () => {
  const clear = defaultPayloadConverter.toPayload(secretStep);
  const [decoded] = await new EncryptionCodec(ringA).decode([clear]);
  expect(decoded).toBe(clear);
});

test.each([
  ['no entry', ' , ', /holds no key/],
  ['no id', `:${keyA}`, /entry 1 must be keyId:base64key/],
  ['a short key', `a:${randomBytes(16).toString('base64')}`, /key "a" must be 32 bytes/],
  ['not base64', 'a:!!!!not-base64-at-all-but-long-enough-to-be-32-bytes!!', /key "a" must be 32 bytes/],
  ['a duplicate id', `a:${keyA},a:${keyB}`, /listed twice/],
])('HOOKSTEP_PAYLOAD_KEYS with %s is refused naming the variable, never echoing a key', (_what, value, message) => {
  let error: unknown;
  try {
    loadKeyring({ HOOKSTEP_PAYLOAD_KEYS: value }, { devKeyFile: false });
  } catch (err) {
    error = err;
  }
  expect(error).toBeInstanceOf(ConfigError);
  expect((error as Error).message).toMatch(message);
  expect((error as Error).message).toContain('HOOKSTEP_PAYLOAD_KEYS');
  for (const key of [keyA, keyB]) expect((error as Error).message).not.toContain(key);
});

test('both variables at once, or an unreadable key file, are refused naming them', () => {
  const both = { HOOKSTEP_PAYLOAD_KEYS: `a:${keyA}`, HOOKSTEP_PAYLOAD_KEY_FILE: '/nope' };
  expect(() => loadKeyring(both)).toThrow(/HOOKSTEP_PAYLOAD_KEYS or HOOKSTEP_PAYLOAD_KEY_FILE, not both/);
  expect(() => loadKeyring({ HOOKSTEP_PAYLOAD_KEY_FILE: '/nope/keys' })).toThrow(
    /HOOKSTEP_PAYLOAD_KEY_FILE: cannot read \/nope\/keys \(ENOENT\)/,
  );
});

test('a generated key file is private, and HOOKSTEP_PAYLOAD_KEY_FILE or the dev fallback reads it', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'hookstep-keys-')), 'sub', 'payload-keys');
  const generated = generateKeyFile(file, new Date('2026-11-23T00:00:00Z'));
  expect(generated.currentId).toBe('dev-2026-11-23');
  expect(statSync(file).mode & 0o777).toBe(0o600);
  expect(readFileSync(file, 'utf8')).toMatch(/^#/);
  expect(loadKeyring({ HOOKSTEP_PAYLOAD_KEY_FILE: file })?.currentId).toBe('dev-2026-11-23');
  expect(loadKeyring({}, { devKeyFile: file })?.source).toBe(file);
  expect(loadKeyring({}, { devKeyFile: join(file, 'absent') })).toBeUndefined();
  expect(() => generateKeyFile(file)).toThrow(/EEXIST/);
});

test('without a key the notice warns loudly, and --require-encryption makes it a refusal', () => {
  expect(encryptionNotice(undefined, 'hookstep worker')).toMatch(/WARNING: hookstep worker has no payload key/);
  expect(() => encryptionNotice(undefined, 'hookstep worker', true)).toThrow(ConfigError);
  expect(encryptionNotice(ringBA, 'hookstep worker')).toBe('payloads encrypted with key "b" (2 key(s) from test)');
});
