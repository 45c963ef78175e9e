// `npm start` (hookstep dev) and `hookstep receive`, both with their default ports, run side by side: the receiver
// once defaulted to the API's port 8788, so the offload example did not run beside `npm start` without a flag
// (issue 19, item 4). This test needs the default ports themselves: when another process holds one on this machine,
// it fails naming the port and its holder's role rather than skipping.
import { createServer } from 'node:net';
import {
  DEFAULT_API_PORT,
  DEFAULT_RECEIVER_PORT,
  DEFAULT_RECEIVER_TASK_QUEUE,
  DEV_SERVER_PORT,
  DEV_UI_PORT_OFFSET,
} from '../../src/contract';
import { spawnCli } from '../helpers/cli';
import { connectClient, type TestTemporal } from '../helpers/temporal';
import { SECRET, post, signedDelivery, webhookId } from '../helpers/webhooks';

const UI_PORT = DEV_SERVER_PORT + DEV_UI_PORT_OFFSET;
/** Every port `npm start` serves by default (Temporal, Web UI, codec server = UI + 1, API), and the receiver's. */
const DEFAULTS: Record<string, number> = {
  'the Temporal dev server (hookstep dev)': DEV_SERVER_PORT,
  'the Web UI (hookstep dev)': UI_PORT,
  'the codec server (hookstep dev)': UI_PORT + 1,
  'the HTTP API (hookstep dev, hookstep api)': DEFAULT_API_PORT,
  'hookstep receive': DEFAULT_RECEIVER_PORT,
};

async function expectFree(port: number, role: string): Promise<void> {
  const server = createServer();
  const busy = await new Promise<NodeJS.ErrnoException | undefined>((resolve) => {
    server.once('error', resolve);
    server.listen(port, '127.0.0.1', () => resolve(undefined));
  });
  if (busy) {
    throw new Error(
      `port ${port}, the default of ${role}, is in use on this machine (${busy.code}): this test runs the defaults ` +
        'themselves, so stop what holds it (another hookstep dev?) and run it again',
    );
  }
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

test('every default port of npm start and of hookstep receive is its own', () => {
  expect(new Set(Object.values(DEFAULTS)).size).toBe(Object.keys(DEFAULTS).length);
});

test('hassio-addons/app-glances#487 (two servers of one tool on one default port): npm start and hookstep receive run side by side with their defaults, and a webhook reaches Temporal', async () => {
  for (const [role, port] of Object.entries(DEFAULTS)) await expectFree(port, role);
  // Nothing of the test run's own setup: the defaults are what is tested.
  const env = { TEMPORAL_ADDRESS: '', HOOKSTEP_API_KEY: '', HOOKSTEP_API_URL: '', HOOKSTEP_CODEC_TOKEN: '' };
  const dev = spawnCli(['dev'], env);
  await dev.waitFor(/Press Ctrl-C to stop/);
  expect(dev.output()).toContain(`API               http://127.0.0.1:${DEFAULT_API_PORT}`);
  const receiver = spawnCli(['receive', '--workflow', 'fulfilOrder', '--secret', SECRET], env);
  await receiver.waitFor(/hookstep receiver listening/);
  expect(receiver.output()).toContain(`http://127.0.0.1:${DEFAULT_RECEIVER_PORT}/`);

  expect((await fetch(`http://127.0.0.1:${DEFAULT_API_PORT}/openapi.json`)).status).toBe(200);
  const id = webhookId();
  const answer = await post(`http://127.0.0.1:${DEFAULT_RECEIVER_PORT}/`, signedDelivery({ orderId: 'P-1' }, id));
  expect(answer).toMatchObject({ status: 202, json: { workflowId: `fulfilOrder-${id}` } });
  // The run is on the dev server npm start serves: the receiver found it at the default address.
  let temporal: TestTemporal | undefined;
  try {
    temporal = await connectClient({ address: `127.0.0.1:${DEV_SERVER_PORT}` });
    const run = await temporal.client.workflow.getHandle(`fulfilOrder-${id}`).describe();
    expect(run.taskQueue).toBe(DEFAULT_RECEIVER_TASK_QUEUE);
  } finally {
    await temporal?.close();
  }
});
