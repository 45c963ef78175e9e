// The CLI as a user runs it: `hookstep dev` (own dev server, Web UI, worker), then `hookstep send` against it.
import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import { Webhook } from 'standardwebhooks';
import { VERSION } from '../../src/contract';
import { freePort, runCli, spawnCli, type CliProcess } from '../helpers/cli';
import { json, startReceiver, type Receiver } from '../helpers/receiver';

let devProcess: CliProcess;
let receiver: Receiver;
let env: Record<string, string>;

beforeAll(async () => {
  const [port, uiPort, apiPort] = [await freePort(), await freePort(), await freePort()];
  env = { TEMPORAL_ADDRESS: `127.0.0.1:${port}`, HOOKSTEP_ALLOWED_NETWORKS: '127.0.0.0/8,::1/128' };
  const ports = ['--port', String(port), '--ui-port', String(uiPort), '--api-port', String(apiPort)];
  devProcess = spawnCli(['dev', '--ephemeral', ...ports], { ...env, HOOKSTEP_API_KEY: '' });
  await devProcess.waitFor(/Press Ctrl-C to stop/);
  receiver = await startReceiver((req, res) => {
    if (req.url.startsWith('/missing')) return json(res, 404, { error: 'no' });
    // A chat webhook's answer: text, not JSON.
    if (req.url.startsWith('/chat')) return void res.writeHead(200, { 'content-type': 'text/html' }).end('ok');
    json(res, 200, { ticketId: 'T-7', priority: 2 });
  });
}, 60_000);

afterAll(async () => {
  await receiver?.close();
  devProcess?.child.kill('SIGKILL');
});

test('hookstep dev prints the Temporal address, the Web UI URL, the task queue, and the API with a key', async () => {
  const out = devProcess.output();
  expect(out).toContain(`Temporal address  ${env.TEMPORAL_ADDRESS}`);
  expect(out).toMatch(/Web UI\s+http:\/\/127\.0\.0\.1:\d+/);
  expect(out).toMatch(/task queue\s+webhooks/);
  const uiUrl = /Web UI\s+(\S+)/.exec(out)![1];
  expect((await fetch(uiUrl)).status).toBe(200);
  const apiUrl = /API\s+(http\S+)/.exec(out)![1];
  const key = /API key\s+(hsk_\S+)/.exec(out)![1];
  expect((await fetch(`${apiUrl}/v1/webhooks`)).status).toBe(401);
  expect((await fetch(`${apiUrl}/v1/webhooks`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(200);
});

test('send prints what a reply held beyond its body: a text answer is shown, not printed as {}', async () => {
  const { code, stdout } = await runCli(['send', `${receiver.url}/chat`], env);
  expect(code).toBe(0);
  expect(stdout).toMatch(/^delivered: HTTP 200 on attempt 1 in \d+ ms\n\{\}\nreply: \{\n {2}"text": "ok"\n\}\n$/);
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

test('--method, --max-attempts, --idempotency-key, --workflow-id and --secret reach the request', async () => {
  const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
  const { code, stdout } = await runCli(
    [
      ...['send', `${receiver.url}/signed`, '--method', 'put', '--max-attempts', '1', '--field', 'a=1'],
      ...['--idempotency-key', 'order-9-paid', '--workflow-id', 'cli-flags-1', '--secret', secret, '--json'],
    ],
    env,
  );
  expect(code).toBe(0);
  expect(JSON.parse(stdout)).toMatchObject({ workflowId: 'cli-flags-1', status: 200 });
  const req = receiver.requests.find((r) => r.url === '/signed')!;
  expect(req.method).toBe('PUT');
  expect(req.headers['webhook-id']).toBe('order-9-paid');
  // The standardwebhooks package, as a receiver in any language would use it, accepts the signature.
  expect(new Webhook(secret).verify(req.body, req.headers as Record<string, string>)).toEqual({ a: '1' });
});

test('HOOKSTEP_SIGNING_SECRET signs when --secret is absent', async () => {
  const secret = 'whsec_c2Vjb25kLXNlY3JldC1mb3ItdGVzdHM=';
  const { code } = await runCli(['send', `${receiver.url}/env-signed`], { ...env, HOOKSTEP_SIGNING_SECRET: secret });
  expect(code).toBe(0);
  const req = receiver.requests.find((r) => r.url === '/env-signed')!;
  expect(() => new Webhook(secret).verify(req.body, req.headers as Record<string, string>)).not.toThrow();
});

test.each([
  ['a __proto__ field', ['--field', '__proto__=x'], 'step.body.__proto__'],
  // Three fields, as one argument may not pass 128 KiB.
  ['a body of 300 KiB', [0, 1, 2].flatMap((i) => ['--field', `f${i}=${'x'.repeat(100 * 1024)}`]), 'step.body: must be'],
  ['a reserved header', ['--header', 'webhook-version=2'], 'step.headers.webhook-version'],
  ['a zero --max-attempts', ['--max-attempts', '0'], 'step.retry.maximumAttempts'],
])('%s exits 2 naming the field, and starts nothing', async (_what, flags, named) => {
  const workflowId = `cli-bad-${Math.random().toString(36).slice(2)}`;
  const { code, stderr } = await runCli(['send', receiver.url, ...flags, '--workflow-id', workflowId], env);
  expect(code).toBe(2);
  expect(stderr).toContain(named);
  const connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS });
  try {
    await expect(new Client({ connection }).workflow.getHandle(workflowId).describe()).rejects.toBeInstanceOf(
      WorkflowNotFoundError,
    );
  } finally {
    await connection.close();
  }
});

test('schema, --version and --help answer without a server', async () => {
  const schema = await runCli(['schema', 'automation'], {});
  expect(schema.code).toBe(0);
  expect(JSON.parse(schema.stdout)).toMatchObject({ title: 'hookstep automation' });
  const version = await runCli(['--version'], {});
  expect(version).toMatchObject({ code: 0, stdout: `${VERSION}\n` });
  const help = await runCli(['send', '--help'], {});
  expect(help.code).toBe(0);
  expect(help.stdout).toContain('--secret <secret>');
});

test('dev shuts down cleanly on Ctrl-C', async () => {
  devProcess.child.kill('SIGINT');
  expect(await devProcess.exited).toBe(0);
  expect(devProcess.output()).toContain('hookstep dev stopped');
});
