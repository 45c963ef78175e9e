// `hookstep dev` (what `npm start` runs) prints the webhooks page's URL and serves the page there, bundled from the
// checkout's source at the first request: nothing built is needed on a fresh clone.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, spawnCli } from '../helpers/cli';

test('hookstep dev prints the webhooks page URL and serves the page', async () => {
  const cwd = mkdtempSync(join(tmpdir(), 'hookstep-dev-page-'));
  const [port, uiPort, codecPort, apiPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const args = ['dev', '--ephemeral', '--port', String(port), '--ui-port', String(uiPort)];
  const dev = spawnCli([...args, '--codec-port', String(codecPort), '--api-port', String(apiPort)], {}, cwd);
  try {
    await dev.waitFor(/Press Ctrl-C to stop/);
    const url = /webhooks page\s+(\S+)/.exec(dev.output())?.[1];
    expect(url).toBe(`http://127.0.0.1:${apiPort}/ui/`);
    const page = await fetch(url!);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('/ui/app.js');
    const script = await fetch(`http://127.0.0.1:${apiPort}/ui/app.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/javascript/);
  } finally {
    dev.child.kill('SIGINT');
    await dev.exited;
  }
}, 120_000);
