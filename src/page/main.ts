// The webhooks page's entry: bundled by the API (src/api/page.ts) and served at /ui/.
import { App } from './app';
import { html, render } from './html';

render(html`<${App} />`, document.getElementById('app')!);
