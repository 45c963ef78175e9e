// The CLI as a user runs it: `hookstep dev` (own dev server, Web UI, worker), then `hookstep send` against it.
import { freePort, runCli, spawnCli, type CliProcess } from '../helpers/cli';
import { json, startReceiver, type Receiver } from '../helpers/receiver';

let devProcess: CliProcess;
let receiver: Receiver;
let env: Record<string, string>;

beforeAll(async () => {
  const [port, uiPort] = [await freePort(), await freePort()];
  env = { TEMPORAL_ADDRESS: `127.0.0.1:${port}`, HOOKSTEP_ALLOWED_NETWORKS: '127.0.0.0/8,::1/128' };
  devProcess = spawnCli(['dev', '--ephemeral', '--port', String(port), '--ui-port', String(uiPort)], env);
  await devProcess.waitFor(/Press Ctrl-C to stop/);
  receiver = await startReceiver((req, res) =>
    req.url.startsWith('/missing') ? json(res, 404, { error: 'no' }) : json(res, 200, { ticketId: 'T-7', priority: 2 }),
  );
}, 60_000);

afterAll(async () => {
  await receiver?.close();
  devProcess?.child.kill('SIGKILL');
});

test('hookstep dev prints the Temporal address, the Web UI URL and the task queue', async () => {
  const out = devProcess.output();
  expect(out).toContain(`Temporal address  ${env.TEMPORAL_ADDRESS}`);
  expect(out).toMatch(/Web UI\s+http:\/\/127\.0\.0\.1:\d+/);
  expect(out).toMatch(/task queue\s+webhooks/);
  const uiUrl = /Web UI\s+(\S+)/.exec(out)![1];
  expect((await fetch(uiUrl)).status).toBe(200);
});

test('send delivers and prints the typed result as JSON, exit 0', async () => {
  const { code, stdout, stderr } = await runCli(
    [
      'send',
      `${receiver.url}/tickets`,
      '--field',
      'orderId=AG-1',
      '--field',
      'total:=53',
      '--query',
      'page=2',
      '--header',
      'X-Api-Key=k-1',
      '--cookie',
      'session=a b',
      '--expect',
      'ticketId:string',
      '--expect',
      'priority:number',
      '--json',
    ],
    env,
  );
  expect(code).toBe(0);
  expect(stderr).toMatch(/workflow ID: hookstep-/);
  const result = JSON.parse(stdout);
  expect(result).toMatchObject({ status: 200, attempts: 1, body: { ticketId: 'T-7', priority: 2 } });
  const req = receiver.requests.find((r) => r.url === '/tickets?page=2')!;
  expect(JSON.parse(req.body)).toEqual({ orderId: 'AG-1', total: 53 });
  expect(req.headers['x-api-key']).toBe('k-1');
  expect(req.headers.cookie).toBe('session=a%20b');
});

test('send exits 1 when delivery fails, naming the failure type', async () => {
  const { code, stderr } = await runCli(['send', `${receiver.url}/missing`], env);
  expect(code).toBe(1);
  expect(stderr).toContain('delivery failed (HttpClientError)');
});

test('send exits 2 on bad input, naming the field, and sends nothing', async () => {
  const before = receiver.requests.length;
  const { code, stderr } = await runCli(['send', receiver.url, '--field', 'items:=[1]', '--timeout', '0s'], env);
  expect(code).toBe(2);
  expect(stderr).toContain('--field items');
  const bad = await runCli(['send', receiver.url, '--timeout', '0s'], env);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toContain('step.timeout');
  expect(receiver.requests.length).toBe(before);
});

test('dev shuts down cleanly on Ctrl-C', async () => {
  devProcess.child.kill('SIGINT');
  expect(await devProcess.exited).toBe(0);
  expect(devProcess.output()).toContain('hookstep dev stopped');
});
