// `hookstep dev` (what `npm start` runs) prints the webhooks page's URL and serves the page there, bundled from the
// checkout's source at the first request: nothing built is needed on a fresh clone.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type AddressInfo } from 'node:net';
import { freePort, runCli, spawnCli } from '../helpers/cli';

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

// Found by a new user: `kill` of npm's pid left `hookstep dev` and its Temporal server running; the next npm start
// failed with a bare EADDRINUSE on one port, or, with only the Temporal server left behind, ran against that old
// server without a word. Every port is checked first, and the answer says which, why and what to do.
test('a second hookstep dev beside one still running on its ports is refused up front, naming the ports and flags', async () => {
  const cwd = mkdtempSync(join(tmpdir(), 'hookstep-dev-ports-'));
  const held = createServer();
  await new Promise<void>((resolve) => held.listen(0, '127.0.0.1', resolve));
  const taken = (held.address() as AddressInfo).port;
  try {
    const [uiPort, codecPort] = [await freePort(), await freePort()];
    const args = ['dev', '--ephemeral', '--port', String(taken), '--ui-port', String(uiPort)];
    const { code, stderr } = await runCli(
      [...args, '--codec-port', String(codecPort), '--api-port', String(taken)],
      {},
      cwd,
    );
    expect(code).toBe(2);
    expect(stderr).toContain(`127.0.0.1 ${taken} (Temporal, --port), ${taken} (HTTP API, --api-port) are in use`);
    expect(stderr).toContain('another `hookstep dev` (npm start) or Temporal server is probably still running');
    expect(stderr).not.toMatch(/EADDRINUSE|at .*\.ts:\d+/);
  } finally {
    held.close();
  }
}, 60_000);
