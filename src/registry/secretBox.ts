// Signing secrets at rest: sealed with AES-256-GCM under the payload keys (the same keyring that encrypts Temporal
// payloads), so a dump of the registry's database signs nothing. Each row keeps the id of the key that sealed it
// beside it; any key of the ring opens what it sealed, so rotating the payload keys keeps old rows readable.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { SecretUnreadableError } from '../contract';

/** The keys that seal secrets: the payload keyring's shape (src/codec/keys.ts), the first key sealing new rows. */
export interface SealingKeys {
  currentId: string;
  keys: ReadonlyMap<string, Uint8Array>;
  /** Where the keys came from (a variable or file name, never a key), for messages. */
  source: string;
}

/** A stored secret: `keyId` null means it was written in clear (before keys were configured, or without any). */
export interface StoredSecret {
  keyId: string | null;
  secret: string;
}

const NONCE_BYTES = 12;
const TAG_BYTES = 16;

/**
 * The authenticated data binds a sealed secret to its key id and its webhook: a row relabelled with another key id,
 * or copied onto another webhook, fails to open instead of signing for it.
 */
function aad(keyId: string, webhookId: string): Buffer {
  return Buffer.from(`hookstep-signing-secret\0${keyId}\0${webhookId}`, 'utf8');
}

/** Seals and opens signing secrets; without keys it stores them in clear (the encryption notice says so at start). */
export class SecretBox {
  constructor(private readonly keys: SealingKeys | undefined) {}

  get sealing(): boolean {
    return this.keys !== undefined;
  }

  /** `secret` as it goes into `webhook_secrets`: base64(nonce ‖ ciphertext ‖ tag) under the current key. */
  seal(secret: string, webhookId: string): StoredSecret {
    if (!this.keys) return { keyId: null, secret };
    const keyId = this.keys.currentId;
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.keys.keys.get(keyId)!, nonce);
    cipher.setAAD(aad(keyId, webhookId));
    const sealed = Buffer.concat([nonce, cipher.update(secret, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return { keyId, secret: sealed.toString('base64') };
  }

  /** The secret in clear; throws SecretUnreadableError when its key is not in the ring or the row was altered. */
  open(stored: StoredSecret, webhookId: string): string {
    if (stored.keyId === null) return stored.secret;
    const key = this.keys?.keys.get(stored.keyId);
    if (!key) throw new SecretUnreadableError(missingKeyMessage(stored.keyId, this.keys?.source));
    const data = Buffer.from(stored.secret, 'base64');
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, NONCE_BYTES));
      decipher.setAAD(aad(stored.keyId, webhookId));
      decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
      return Buffer.concat([
        decipher.update(data.subarray(NONCE_BYTES, data.length - TAG_BYTES)),
        decipher.final(),
      ]).toString('utf8');
    } catch (err) {
      throw new SecretUnreadableError(
        `a signing secret of webhook ${webhookId} sealed with key "${stored.keyId}" does not open: the row was ` +
          'altered, or the key with that id is not the one that sealed it',
        { cause: err },
      );
    }
  }

  /** True when a row should be sealed again: stored in clear, or under a key other than the current one. */
  stale(stored: StoredSecret): boolean {
    return this.keys !== undefined && stored.keyId !== this.keys.currentId;
  }
}

/** Names the key and the way out, never a key. */
export function missingKeyMessage(keyId: string, source: string | undefined): string {
  return source
    ? `signing secrets are sealed with payload key "${keyId}", which is not among this process's keys (${source}); ` +
        'list it after the current key in HOOKSTEP_PAYLOAD_KEYS or the key file'
    : `signing secrets are sealed with payload key "${keyId}", and this process has no payload keys: set ` +
        'HOOKSTEP_PAYLOAD_KEYS (or HOOKSTEP_PAYLOAD_KEY_FILE) to the keys the registry was written with';
}
