// Standard Webhooks signatures (https://www.standardwebhooks.com): HMAC-SHA256 over "{id}.{timestamp}.{body}"
// with the secret given as whsec_<base64>, sent as `webhook-signature: v1,<base64>`.
import { createHmac } from 'node:crypto';

const SECRET_PREFIX = 'whsec_';

export interface SignatureHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

/** Decodes a whsec_ secret once, so a worker can reuse the key across attempts. */
export function decodeSecret(secret: string): Buffer {
  if (!secret.startsWith(SECRET_PREFIX)) throw new TypeError('signing secret must start with whsec_');
  return Buffer.from(secret.slice(SECRET_PREFIX.length), 'base64');
}

export function sign(key: Buffer, id: string, timestampSeconds: number, body: string): SignatureHeaders {
  const signature = createHmac('sha256', key).update(`${id}.${timestampSeconds}.${body}`).digest('base64');
  return { 'webhook-id': id, 'webhook-timestamp': String(timestampSeconds), 'webhook-signature': `v1,${signature}` };
}
