// Small display helpers shared by the tables.
import type { Delivery, Webhook } from '../contract';
import { html } from './html';

export const when = (iso: string | undefined) => (iso ? new Date(iso).toLocaleString() : '—');

/** A delivery's state, failed ones marked so they stand out at a glance (not by colour alone: a sign and a word). */
export function StateBadge({ state }: { state: Delivery['state'] }) {
  const sign = { delivered: '✓', failed: '✗', pending: '…', scheduled: '◷', skipped: '–' }[state];
  return html`<span class=${`state state-${state}`}><span aria-hidden="true">${sign} </span>${state}</span>`;
}

export function health(w: Webhook): string {
  if (w.disabledAt) return `disabled: ${w.disabledReason ?? 'by its failures'}`;
  if (w.consecutiveFailures > 0) return `failing (${w.consecutiveFailures} in a row)`;
  return 'healthy';
}

/** A URL that wraps after a '/' (a <wbr> after each, not inside "://") rather than in the middle of a word. */
export function Url({ url }: { url: string }) {
  const parts = url.split(/(?<=\/)(?!\/)/);
  return html`<span class="url">${parts.map((part, i) => html`${i ? html`<wbr />` : null}${part}`)}</span>`;
}
