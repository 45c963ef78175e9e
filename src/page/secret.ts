// A signing secret, shown this once (after Add or Rotate) with a copy button; the page keeps it nowhere else and it
// is gone when this panel is closed.
import { html, useState } from './html';

export function SecretOnce({ secret, onDone }: { secret: string; onDone: () => void }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    await navigator.clipboard.writeText(secret);
    setCopied(true);
  };
  return html`<article role="status" aria-labelledby="secret-title">
    <h3 id="secret-title">Signing secret</h3>
    <p>Shown this once: copy it to the receiver now. Rotate it to get a new one.</p>
    <p><code id="secret">${secret}</code></p>
    <div role="group">
      <button type="button" onClick=${copy}>${copied ? 'Copied' : 'Copy'}</button>
      <button type="button" class="secondary" onClick=${onDone}>Done</button>
    </div>
  </article>`;
}
