// One delivery's attempts: when, the status, how long, the failure type and message, and the reply's start (the API
// has redacted every secret the request carried from it).
import type { DeliveryDetail } from '../contract';
import { StateBadge, when } from './format';
import { html } from './html';

export function Attempts({ detail, onClose }: { detail: DeliveryDetail; onClose: () => void }) {
  const d = detail.delivery;
  return html`<article aria-labelledby="attempts-title">
    <h3 id="attempts-title">Attempts of ${d.eventId} <${StateBadge} state=${d.state} /></h3>
    <div class="scroll">
      <table>
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">At</th>
            <th scope="col">Status</th>
            <th scope="col">Duration</th>
            <th scope="col">Failure type</th>
            <th scope="col">Message</th>
            <th scope="col">Reply</th>
          </tr>
        </thead>
        <tbody>
          ${detail.attempts.map(
            (a) =>
              html`<tr key=${a.attempt} class=${a.failureType ? 'failed' : ''}>
                <th scope="row">${a.attempt}</th>
                <td>${when(a.at)}</td>
                <td>${a.status ?? '—'}</td>
                <td>${a.durationMs} ms</td>
                <td>${a.failureType ?? '—'}</td>
                <td>${a.message ?? '—'}</td>
                <td class="reply">${a.bodySnippet ? html`<pre>${a.bodySnippet}</pre>` : '—'}</td>
              </tr>`,
          )}
        </tbody>
      </table>
    </div>
    <button class="secondary" onClick=${onClose}>Close the attempts</button>
  </article>`;
}
