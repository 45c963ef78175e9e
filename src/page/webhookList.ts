// The list: label, event, URL, active, health, and the last delivery's state and time; from each row Edit, its
// deliveries, Re-enable (when disabled), Rotate secret and Delete (asked twice).
import type { Delivery, Webhook } from '../contract';
import { StateBadge, Url, health, when } from './format';
import { html, useEffect, useState } from './html';
import { clientOf, type Session } from './session';

export interface ListProps {
  session: Session;
  /** An operator's tenant filter; empty: every tenant. */
  tenant: string;
  onEdit: (w: Webhook) => void;
  onDeliveries: (w: Webhook) => void;
  onSecret: (secret: string) => void;
  onError: (err: unknown) => void;
}

interface Row {
  webhook: Webhook;
  last?: Delivery;
}

async function load(session: Session, tenant: string): Promise<Row[]> {
  const client = clientOf(session);
  const webhooks = await client.webhooks.list(tenant ? { tenant } : {});
  const lasts = await Promise.all(
    webhooks.map((w) => client.deliveries.list({ webhookId: w.id, limit: 1 }).then((l) => l.deliveries[0])),
  );
  return webhooks.map((webhook, i) => ({ webhook, last: lasts[i] }));
}

export function WebhookList(p: ListProps) {
  const [rows, setRows] = useState<Row[] | undefined>(undefined);
  const reload = () => void load(p.session, p.tenant).then(setRows, p.onError);
  useEffect(reload, [p.session, p.tenant]);
  if (!rows) return html`<p aria-busy="true">Loading webhooks…</p>`;
  if (rows.length === 0) return html`<p>No webhooks yet: add one.</p>`;
  return html`<table>
    <thead><tr>
      <th scope="col">Label</th><th scope="col">Event</th><th scope="col">URL</th><th scope="col">Active</th>
      <th scope="col">Health</th><th scope="col">Last delivery</th><th scope="col">Actions</th>
    </tr></thead>
    <tbody>${rows.map((row) => html`<${WebhookRow} key=${row.webhook.id} ...${p} row=${row} reload=${reload} />`)}</tbody>
  </table>`;
}

function WebhookRow(p: ListProps & { row: Row; reload: () => void }) {
  const { webhook: w, last } = p.row;
  const [confirming, setConfirming] = useState(false);
  const client = clientOf(p.session);
  const act = (fn: () => Promise<unknown>) => () => void fn().then(p.reload, p.onError);
  const rotate = act(() => client.webhooks.rotateSecret(w.id).then((r) => p.onSecret(r.secret)));
  const named = (verb: string) => `${verb} ${w.label}`;
  return html`<tr class=${last?.state === 'failed' ? 'failed' : ''}>
    <th scope="row">${w.label}${p.session.tenant ? null : html`<br /><small>${w.tenant}</small>`}</th>
    <td>${w.event}</td><td><${Url} url=${w.url} /></td><td>${w.active ? 'yes' : 'no'}</td><td>${health(w)}</td>
    <td>${last ? html`<${StateBadge} state=${last.state} /><br /><small>${when(last.updatedAt)}</small>` : '—'}</td>
    <td>
      <button class="link" aria-label=${named('Edit')} onClick=${() => p.onEdit(w)}>Edit</button>
      <button class="link" aria-label=${named('Deliveries of')} onClick=${() => p.onDeliveries(w)}>Deliveries</button>
      ${
        w.disabledAt
          ? html`<button class="link" aria-label=${named('Re-enable')}
        onClick=${act(() => client.webhooks.enable(w.id))}>Re-enable</button>`
          : null
      }
      <button class="link secondary" aria-label=${named('Rotate the secret of')} onClick=${rotate}>Rotate secret</button>
      ${
        confirming
          ? html`<button class="link danger" aria-label=${named('Confirm: delete')} onClick=${act(() => client.webhooks.delete(w.id))}>
            Confirm delete</button>
          <button class="link secondary" onClick=${() => setConfirming(false)}>Keep it</button>`
          : html`<button class="link danger outline" aria-label=${named('Delete')} onClick=${() => setConfirming(true)}>
            Delete</button>`
      }
    </td>
  </tr>`;
}
