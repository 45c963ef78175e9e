// A webhook's delivery log, newest first, filtered by state, event type and time, refreshed every few seconds; a
// delivery opens its attempts (status, duration, failure type, message, the reply's start). Resend on a delivery,
// Recover since on the webhook, Re-enable when it was disabled.
import { DELIVERY_STATES, type Delivery, type DeliveryDetail, type Webhook } from '../contract';
import { Attempts } from './attempts';
import { Filters, type Filter } from './filters';
import { StateBadge, Url, health, when } from './format';
import { html, useEffect, useState } from './html';
import { clientOf, type Session } from './session';

export interface DeliveriesProps {
  session: Session;
  webhook: Webhook;
  onBack: () => void;
  onError: (err: unknown) => void;
  onNotice: (text: string) => void;
}

const REFRESH_MS = 2_000;

export function Deliveries(p: DeliveriesProps) {
  const client = clientOf(p.session);
  const [webhook, setWebhook] = useState(p.webhook);
  const [filter, setFilter] = useState<Filter>({});
  const [list, setList] = useState<Delivery[] | undefined>(undefined);
  const [open, setOpen] = useState<DeliveryDetail | undefined>(undefined);
  // The webhook too: its health changes as deliveries fail.
  const load = () =>
    Promise.all([
      client.webhooks.get(webhook.id),
      client.deliveries.list({ webhookId: webhook.id, ...filter, limit: 50 }),
    ]).then(([w, l]) => (setWebhook(w), setList(l.deliveries)), p.onError);
  useEffect(() => {
    void load();
    const timer = setInterval(() => void load(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [webhook.id, filter]);
  const show = (id: string) => void client.deliveries.get(id).then(setOpen, p.onError);
  // One Idempotency-Key per press: the client's own retry of that press never resends twice.
  const resend = (id: string) =>
    void client
      .resendDelivery(id, { idempotencyKey: crypto.randomUUID() })
      .then((d) => (p.onNotice(`Resent ${id} as ${d.id}`), load()), p.onError);
  const recover = (since: string) =>
    client
      .recoverWebhook(webhook.id, since, { idempotencyKey: crypto.randomUUID() })
      .then((r) => p.onNotice(`Recover: ${r.resent} resent${r.more ? ' (more left: press again)' : ''}`), p.onError);
  const enable = () => client.webhooks.enable(webhook.id).then(setWebhook, p.onError);
  return html`<section aria-labelledby="deliveries-title">
    <h2 id="deliveries-title">Deliveries of ${webhook.label}</h2>
    <p>
      ${webhook.event} → <${Url} url=${webhook.url} /> · ${health(webhook)}
      ${webhook.disabledAt ? html` <button class="link" onClick=${enable}>Re-enable</button>` : null}
    </p>
    <${Filters} states=${DELIVERY_STATES} onFilter=${setFilter} onRecover=${recover} />
    ${list === undefined ? html`<p aria-busy="true">Loading deliveries…</p>` : DeliveryTable({ list, show, resend })}
    ${open ? html`<${Attempts} detail=${open} onClose=${() => setOpen(undefined)} />` : null}
    <button class="secondary" onClick=${p.onBack}>Back to the list</button>
  </section>`;
}

function DeliveryTable(t: { list: Delivery[]; show: (id: string) => void; resend: (id: string) => void }) {
  if (t.list.length === 0) return html`<p>No deliveries match.</p>`;
  // An original whose resend is in the list is marked "resent"; a resend names the delivery it resent.
  const resent = new Set(t.list.map((d) => d.resendOf).filter(Boolean));
  return html`<table>
    <thead>
      <tr>
        <th scope="col">Event</th>
        <th scope="col">Type</th>
        <th scope="col">State</th>
        <th scope="col">Attempts</th>
        <th scope="col">Last status</th>
        <th scope="col">Failure</th>
        <th scope="col">Updated</th>
        <th scope="col">Actions</th>
      </tr>
    </thead>
    <tbody>
      ${t.list.map(
        (d) =>
          html`<tr key=${d.id} class=${d.state === 'failed' ? 'failed' : ''} data-delivery=${d.id}>
            <th scope="row">
              ${d.eventId}
              ${d.resendOf ? html`<br /><small class="resend-of">↻ resend of ${ownId(d.resendOf, d)}</small>` : null}
            </th>
            <td>${d.eventType}</td>
            <td>
              <${StateBadge} state=${d.state} />
              ${resent.has(d.id) ? html` <small class="resent">resent</small>` : null}
            </td>
            <td>${d.attempts}</td>
            <td>${d.lastStatus ?? '—'}</td>
            <td>${d.lastFailureType ?? '—'}</td>
            <td>${when(d.updatedAt)}</td>
            <td>
              <button class="link" aria-label=${`Attempts of ${d.eventId}`} onClick=${() => t.show(d.id)}>
                Attempts
              </button>
              <button class="link secondary" aria-label=${`Resend ${d.eventId}`} onClick=${() => t.resend(d.id)}>
                Resend
              </button>
            </td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

/** A delivery's ID without its webhook's (`<webhook id>/`): for a first delivery, its event's ID. */
const ownId = (id: string, d: Delivery) => (id.startsWith(`${d.webhookId}/`) ? id.slice(d.webhookId.length + 1) : id);
