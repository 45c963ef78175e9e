// Resend and recover, until the TypeScript client has them (issue 20 item 3, the "resend" branch): the same routes
// and Idempotency-Key the client methods `resendDelivery` and `recoverWebhook` will call. At merge this file goes and
// the page calls those methods. A server without the routes answers 404 with no detail: said as "not available".
import { ApiError } from '../contract';
import type { Session } from './session';

async function post(session: Session, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${location.origin}${path}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${session.key}`,
      'idempotency-key': crypto.randomUUID(),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json().catch(() => ({}))) as ApiError['problem'];
  if (res.status === 404 && json.detail === undefined)
    throw new ApiError(404, { title: 'Not available', detail: 'this API does not resend yet' });
  if (!res.ok) throw new ApiError(res.status, json);
  return json;
}

/** A delivery sent again as a new delivery (`resendOf` links it to this one). */
export function resendDelivery(session: Session, deliveryId: string): Promise<unknown> {
  const path = deliveryId.split('/').map(encodeURIComponent).join('/');
  return post(session, `/v1/deliveries/${path}/resend`);
}

/** Every failed delivery of the webhook since `since` sent again. */
export function recoverWebhook(session: Session, webhookId: string, since: string): Promise<unknown> {
  return post(session, `/v1/webhooks/${encodeURIComponent(webhookId)}/recover`, { since });
}
