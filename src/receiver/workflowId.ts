// The workflow ID a webhook's run gets: derived from webhook-id alone, so every redelivery of one webhook names the
// same run and Temporal starts it at most once.
import { createHash } from 'node:crypto';
import { MAX_ID_LENGTH } from '../contract';

/** What may appear in an ID as is: visible ASCII, as Temporal's CLI and Web UI show it without escaping. */
const PLAIN = /^[\x21-\x7e]+$/;

/**
 * `<prefix><webhook-id>` when that is visible ASCII and fits MAX_ID_LENGTH (255, what every hookstep server accepts and PostgreSQL stores); otherwise
 * `<prefix>sha256-<hex of webhook-id>`, which is as stable and always fits.
 */
export function workflowIdFor(prefix: string, webhookId: string): string {
  const plain = `${prefix}${webhookId}`;
  if (PLAIN.test(webhookId) && plain.length <= MAX_ID_LENGTH) return plain;
  return `${prefix}sha256-${createHash('sha256').update(webhookId, 'utf8').digest('hex')}`;
}
