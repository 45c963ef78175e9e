// Standard Webhooks signatures (https://www.standardwebhooks.com): HMAC-SHA256 over "{id}.{timestamp}.{body}"
// with the secret given as whsec_<base64>, sent as `webhook-signature: v1,<base64>`. The secret format and headers
// are the contract's (src/contract/signing.ts), shared with the receiver's verifier.
import { createHmac } from 'node:crypto';
import { SIGNATURE_VERSION } from '../src/contract';

export { decodeSecret } from '../src/contract';

export interface SignatureHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

export function sign(key: Uint8Array, id: string, timestampSeconds: number, body: string): SignatureHeaders {
  return signWithEach([key], id, timestampSeconds, body);
}

/**
 * One signature per key, space-separated in one header, as Standard Webhooks allows during a secret rotation: a
 * receiver that knows either secret verifies the message.
 */
export function signWithEach(keys: Uint8Array[], id: string, timestampSeconds: number, body: string): SignatureHeaders {
  const content = `${id}.${timestampSeconds}.${body}`;
  const signatures = keys.map(
    (key) => `${SIGNATURE_VERSION},${createHmac('sha256', key).update(content).digest('base64')}`,
  );
  return { 'webhook-id': id, 'webhook-timestamp': String(timestampSeconds), 'webhook-signature': signatures.join(' ') };
}
