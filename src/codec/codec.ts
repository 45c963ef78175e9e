// The payload codec: AES-256-GCM over each whole Payload (its metadata and data), a fresh 96-bit nonce per payload,
// the key id in the envelope's metadata so any key of the ring decrypts what it encrypted. Payloads that arrive
// unencrypted (runs from before encryption was turned on) pass through, so they stay readable.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { HookstepError } from '../contract';
import type { PayloadKeyring } from './keys';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A payload could not be decrypted: a key this process lacks, or data that is not what this codec wrote. */
export class PayloadDecryptionError extends HookstepError {
  override readonly code = 'HOOKSTEP_PAYLOAD_UNREADABLE';
  override readonly name = 'PayloadDecryptionError';
}

export class EncryptionCodec implements PayloadCodec {
  constructor(private readonly keyring: PayloadKeyring) {}

  encode(payloads: Payload[]): Promise<Payload[]> {
    const id = this.keyring.currentId;
    const key = this.keyring.keys.get(id)!;
    return Promise.resolve(
      payloads.map((payload) => {
        const nonce = randomBytes(NONCE_BYTES);
        const cipher = createCipheriv('aes-256-gcm', key, nonce);
        // The key id is authenticated too: an envelope relabelled with another key id fails to decrypt.
        cipher.setAAD(encoder.encode(id));
        const plain = temporal.api.common.v1.Payload.encode(payload).finish();
        const data = Buffer.concat([nonce, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
        return {
          metadata: { encoding: encoder.encode(ENCRYPTED_ENCODING), [KEY_ID_METADATA]: encoder.encode(id) },
          data,
        };
      }),
    );
  }

  // async, so a payload that does not decrypt rejects rather than throws.
  async decode(payloads: Payload[]): Promise<Payload[]> {
    await Promise.resolve();
    return payloads.map((payload) => this.decodeOne(payload));
  }

  private decodeOne(payload: Payload): Payload {
    const encoding = payload.metadata?.encoding;
    if (!encoding || decoder.decode(encoding) !== ENCRYPTED_ENCODING) return payload;
    const idBytes = payload.metadata?.[KEY_ID_METADATA];
    const id = idBytes ? decoder.decode(idBytes) : '';
    const key = this.keyring.keys.get(id);
    if (!key) {
      throw new PayloadDecryptionError(
        `payload encrypted with key "${id}", which is not among this process's keys (${this.keyring.source}); ` +
          'add it to HOOKSTEP_PAYLOAD_KEYS or the key file after the current key',
      );
    }
    const data = payload.data ?? new Uint8Array();
    if (data.length < NONCE_BYTES + TAG_BYTES)
      throw new PayloadDecryptionError(`payload under key "${id}" is truncated`);
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, NONCE_BYTES));
      decipher.setAAD(encoder.encode(id));
      decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
      const plain = Buffer.concat([
        decipher.update(data.subarray(NONCE_BYTES, data.length - TAG_BYTES)),
        decipher.final(),
      ]);
      return temporal.api.common.v1.Payload.decode(plain);
    } catch {
      throw new PayloadDecryptionError(
        `payload under key "${id}" does not decrypt: a different key with that id, or altered data`,
      );
    }
  }
}
