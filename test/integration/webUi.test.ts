// The Web UI as an operator sees it, in a real headless browser (Debian's chromium): a failed step's list row shows
// its host, status and failure type (Hookstep search attribute columns), its page leads with the reason, and its
// payloads decode through the codec server the UI is wired to. Screenshots go to docs/ for the README and docs/inspecting.md (HOOKSTEP_SCREENSHOTS=docs). Skipped, with
// a message, where no browser is installed (apt-get install -y chromium).
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { chromium, type Browser } from 'playwright-core';
import { startSendWebhook } from '../../src/client';
import { createWorker, startDevServer, type DevServer } from '../../src/worker';
import { freePort } from '../helpers/cli';
import { startTestCodecServer, type TestCodecServer } from '../helpers/codec';
import { expectFailure } from '../helpers/failures';
import { json, startReceiver, type Receiver } from '../helpers/receiver';
import { LOOPBACK, testDataConverter } from '../helpers/temporal';

const CHROMIUM = process.env.HOOKSTEP_CHROMIUM ?? '/usr/bin/chromium';
// The docs' screenshots are refreshed only when asked (HOOKSTEP_SCREENSHOTS=docs), so a test run leaves the
// tree clean; otherwise they go to a temporary directory, still taken, so the page rendered.
const DOCS =
  process.env.HOOKSTEP_SCREENSHOTS === 'docs'
    ? join(__dirname, '..', '..', 'docs')
    : mkdtempSync(join(tmpdir(), 'hookstep-screens-'));
const haveBrowser = existsSync(CHROMIUM);
if (!haveBrowser) console.warn(`webUi.test.ts skipped: no browser at ${CHROMIUM} (apt-get install -y chromium)`);
const browserTest = haveBrowser ? test : test.skip;

/** The list columns an operator adds with the table's gear: Hookstep search attributes beside the defaults. */
const COLUMNS = ['Status', 'Workflow ID', 'Type', 'HookstepHost', 'HookstepStatus', 'HookstepFailureType', 'End'];

let server: DevServer;
let codec: TestCodecServer;
let receiver: Receiver;
let browser: Browser;
let stop: () => Promise<void>;

beforeAll(async () => {
  if (!haveBrowser) return;
  const [port, uiPort] = [await freePort(), await freePort()];
  codec = await startTestCodecServer([`http://127.0.0.1:${uiPort}`]);
  // The UI decodes through the codec server; a browser cannot send a header, so the token is the path's first segment.
  server = await startDevServer({ port, uiPort, uiCodecEndpoint: `${codec.url}/${codec.token}` });
  const native = await NativeConnection.connect({ address: server.address });
  const worker = await createWorker({
    connection: native,
    taskQueue: 'webhooks',
    allowedNetworks: LOOPBACK,
    dataConverter: testDataConverter(),
    attemptLog: false,
    workflowBundle: { codePath: process.env.HOOKSTEP_TEST_WORKFLOW_BUNDLE! },
  });
  const running = worker.run();
  receiver = await startReceiver((_req, res) => json(res, 404, { error: 'no such hook' }));
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      ...['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run'],
      ...['--disable-background-networking', '--disable-component-update', '--disable-sync'],
    ],
  });
  stop = async () => {
    worker.shutdown();
    await running;
    await native.close();
  };
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await stop?.();
  await receiver?.close();
  await server?.stop();
  await codec?.close();
});

browserTest("a failed step's reason shows in its list row and page, and its payloads decode", async () => {
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection, dataConverter: testDataConverter() });
  const url = `${receiver.url}/hooks/orders`;
  const handle = await startSendWebhook(
    client,
    { url, body: { orderId: 'AG-1:ORD-9' } },
    { workflowId: 'order-9-created' },
  );
  await expectFailure(handle.result());
  const { runId } = await handle.describe();
  // The list reads visibility, which is eventually consistent: wait until it knows the failure.
  const deadline = Date.now() + 20_000;
  while ((await client.workflow.count('HookstepFailureType="HttpClientError"')).count === 0) {
    if (Date.now() > deadline) throw new Error('the failed step never reached visibility');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await connection.close();

  const page = await browser.newPage({ viewport: { width: 1280, height: 640 } });
  await page.addInitScript((columns) => {
    const headers = columns.map((label, i) => ({ label, pinned: i < 2 }));
    // Runs in the page: the browser's localStorage, where the UI keeps each namespace's columns.
    (globalThis as unknown as { localStorage: { setItem(k: string, v: string): void } }).localStorage.setItem(
      'namespace-workflow-table-columns',
      JSON.stringify({ default: headers }),
    );
  }, COLUMNS);
  await page.goto(`${server.uiUrl}/namespaces/default/workflows`);
  const row = page.locator('tr', { hasText: 'order-9-created' });
  await row.waitFor();
  const rowText = await row.innerText();
  for (const shown of ['Failed', `127.0.0.1:${receiver.port}`, '404', 'HttpClientError'])
    expect(rowText).toContain(shown);
  await page.screenshot({ path: join(DOCS, 'web-ui-list.png') });

  await page.goto(`${server.uiUrl}/namespaces/default/workflows/order-9-created/${runId}/history`);
  const reason = `HttpClientError: POST ${url} got HTTP 404 on attempt 1; not retried (4xx)`;
  await page.getByText(reason).first().waitFor();
  // The input is ciphertext on the server: reading it here means the UI decoded it through the codec server.
  await page.getByText('AG-1:ORD-9').first().waitFor();
  await page.screenshot({ path: join(DOCS, 'web-ui-run.png') });
  await page.close();
});
