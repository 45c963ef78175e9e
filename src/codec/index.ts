// `hookstep/codec`: payload encryption for every client, worker and server that talks to Temporal for hookstep,
// and the codec server that lets the Web UI and the temporal CLI show decrypted payloads to those allowed. Loads
// node:crypto, @temporalio/common and zod: no worker runtime, no HTTP client.
import type { DataConverter } from '@temporalio/common';
import { ConfigError } from '../contract';
import { EncryptionCodec } from './codec';
import { loadKeyring, type KeyringOptions, type PayloadKeyring } from './keys';

export { ENCRYPTED_ENCODING, EncryptionCodec, KEY_ID_METADATA, PayloadDecryptionError } from './codec';
export { DEV_KEY_FILE, KEY_BYTES, generateKeyFile, loadKeyring, parseKeyList, type PayloadKeyring } from './keys';
export { startCodecServer, type CodecServer, type CodecServerOptions } from './server';

/** A data converter that encrypts with the keyring; the SDK's default (payloads in clear) without one. */
export function dataConverterFor(keyring: PayloadKeyring | undefined): DataConverter {
  return keyring ? { payloadCodecs: [new EncryptionCodec(keyring)] } : {};
}

export interface EncryptionSetup {
  dataConverter: DataConverter;
  /** Undefined when no key is configured: payloads are stored in clear. */
  keyring?: PayloadKeyring;
}

/**
 * The data converter every hookstep process builds its Client, Connection or Worker with, from HOOKSTEP_PAYLOAD_KEYS
 * or HOOKSTEP_PAYLOAD_KEY_FILE (or the key `hookstep dev` generated). An API server or any other process that starts
 * or reads hookstep runs passes `dataConverter` to `new Client(...)`.
 */
export function dataConverterFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  options: KeyringOptions = {},
): EncryptionSetup {
  const keyring = loadKeyring(env, options);
  return { dataConverter: dataConverterFor(keyring), keyring };
}

/**
 * What a long-running process says at start-up about encryption: the key in use, or a loud warning that payloads are
 * stored in clear; with `require`, no key is a ConfigError instead (`--require-encryption`).
 */
export function encryptionNotice(keyring: PayloadKeyring | undefined, what: string, require = false): string {
  if (keyring)
    return `payloads encrypted with key "${keyring.currentId}" (${keyring.keys.size} key(s) from ${keyring.source})`;
  if (require) {
    throw new ConfigError([
      `${what}: --require-encryption is set and no payload key is configured: set HOOKSTEP_PAYLOAD_KEYS or HOOKSTEP_PAYLOAD_KEY_FILE`,
    ]);
  }
  return [
    '!'.repeat(100),
    `!! WARNING: ${what} has no payload key: step inputs (signing secrets, Authorization and Cookie values, bodies)`,
    '!! and results are stored in clear in Temporal, readable by anyone with Web UI or API access, and webhooks\'',
    '!! signing secrets are stored in clear in the registry, readable in any dump of its database.',
    '!! Set HOOKSTEP_PAYLOAD_KEYS (keyId:base64key) or HOOKSTEP_PAYLOAD_KEY_FILE; --require-encryption refuses to start.',
    '!'.repeat(100),
  ].join('\n');
}
