// How a hookstep process reaches Temporal: plain by default, TLS and an API key from Temporal's own environment
// variables, and a bad setting refused at start with the variable's name (never a key's value).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../src/contract';
import { loadConfig } from '../../src/worker/config';
import { describeConnection, temporalConnectionOptions } from '../../src/worker/temporalConnection';

const dir = mkdtempSync(join(tmpdir(), 'hookstep-tls-unit-'));
const file = (name: string, text: string) => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};
// No TOML profile of the machine's user may leak into these cases.
const base = { TEMPORAL_CONFIG_FILE: file('empty.toml', '[profile.default]\n') };
const options = (env: Record<string, string>) =>
  temporalConnectionOptions(loadConfig({ ...base, ...env }), { ...base, ...env });

test('without TLS settings the connection is plain, to TEMPORAL_ADDRESS', () => {
  const plain = options({ TEMPORAL_ADDRESS: 'temporal.internal:7233' });
  expect(plain).toEqual({ address: 'temporal.internal:7233' });
  expect(describeConnection(plain)).toBe('plain (no TLS)');
});

test('certificate paths give mTLS with the files read at start', () => {
  const tls = options({
    TEMPORAL_TLS_SERVER_CA_CERT_PATH: file('ca.pem', 'CA'),
    TEMPORAL_TLS_CLIENT_CERT_PATH: file('c.pem', 'CERT'),
    TEMPORAL_TLS_CLIENT_KEY_PATH: file('k.pem', 'KEY'),
    TEMPORAL_TLS_SERVER_NAME: 'temporal.internal',
  });
  expect(tls.tls).toMatchObject({
    serverNameOverride: 'temporal.internal',
    serverRootCACertificate: Buffer.from('CA'),
    clientCertPair: { crt: Buffer.from('CERT'), key: Buffer.from('KEY') },
  });
  expect(describeConnection(tls)).toBe('TLS, client certificate, own server CA');
});

test('an API key (Temporal Cloud) turns TLS on and is never described', () => {
  const cloud = options({ TEMPORAL_API_KEY: 'secret-api-key-value' });
  expect(cloud).toMatchObject({ apiKey: 'secret-api-key-value', tls: true });
  expect(describeConnection(cloud)).toBe('TLS, API key');
  expect(options({ TEMPORAL_API_KEY: 'k', TEMPORAL_TLS: 'false' }).tls).toBe(false);
});

test.each([
  [{ TEMPORAL_TLS: 'yes' }, 'TEMPORAL_TLS must be true or false'],
  [
    { TEMPORAL_TLS_CLIENT_CERT_PATH: '/c.pem' },
    'TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH go together',
  ],
  [
    { TEMPORAL_TLS_CLIENT_KEY_PATH: '/k.pem' },
    'TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH go together',
  ],
])('%j is refused naming the variable', (env, message) => {
  expect(() => options(env)).toThrow(ConfigError);
  expect(() => options(env)).toThrow(message);
});

test('a certificate file that cannot be read stops start-up with a ConfigError', () => {
  const env = { TEMPORAL_TLS_SERVER_CA_CERT_PATH: join(dir, 'missing.pem') };
  expect(() => options(env)).toThrow(ConfigError);
  expect(() => options(env)).toThrow(/TEMPORAL_TLS/);
});
