// What a Standard Webhooks signer and verifier share (https://www.standardwebhooks.com): the headers, the whsec_
// secret format and its decoding. Pure: the HMAC itself needs node:crypto, so the activity signs and the receiver
// verifies, each with this.

/** The three headers of a signed webhook, lower-case as HTTP/2 and Node's parser give them. */
export const WEBHOOK_ID_HEADER = 'webhook-id';
export const WEBHOOK_TIMESTAMP_HEADER = 'webhook-timestamp';
export const WEBHOOK_SIGNATURE_HEADER = 'webhook-signature';

/** The only signature scheme (HMAC-SHA256) this spec version defines; others in a header are skipped, not errors. */
export const SIGNATURE_VERSION = 'v1';

export const SECRET_PREFIX = 'whsec_';
/** whsec_ followed by standard base64 with optional padding: what a step and a receiver accept as a secret. */
export const SIGNING_SECRET_PATTERN = /^whsec_[A-Za-z0-9+/]+={0,2}$/;
export const SIGNING_SECRET_MESSAGE = 'must be whsec_ followed by base64';

/** The HMAC key in a whsec_ secret. Decode once and reuse the key: secrets are checked at the boundary. */
export function decodeSecret(secret: string): Uint8Array {
  if (!secret.startsWith(SECRET_PREFIX)) throw new TypeError('signing secret must start with whsec_');
  return Buffer.from(secret.slice(SECRET_PREFIX.length), 'base64');
}
