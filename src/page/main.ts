// The webhooks page's entry: bundled by the API (src/api/page.ts) and served at /ui/.
import { App } from './app';
import { html, render } from './html';

const root = document.getElementById('app')!;
// The shell's "Loading…" goes: Preact renders beside what it did not make.
root.textContent = '';
render(html`<${App} />`, root);
