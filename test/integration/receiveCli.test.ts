// `hookstep receive` as a user runs it: a process listening on 127.0.0.1 that starts the named workflow once per
// webhook-id, prints a line per request (never a secret), exits 0 on Ctrl-C and 2 on bad flags.
import { freePort, runCli, spawnCli, type CliProcess } from '../helpers/cli';
import { connectClient, temporalAddress, uniqueQueue, type TestTemporal } from '../helpers/temporal';
import { SECRET, WRONG_SECRET, expectNoRun, post, signedDelivery, webhookId } from '../helpers/webhooks';

const taskQueue = uniqueQueue('receive-cli');
let temporal: TestTemporal;
let receiver: CliProcess;
let url: string;

beforeAll(async () => {
  temporal = await connectClient();
  const port = await freePort();
  url = `http://127.0.0.1:${port}/`;
  receiver = spawnCli(['receive', '--workflow', 'fulfilOrder', '--task-queue', taskQueue, '--port', String(port)], {
    TEMPORAL_ADDRESS: temporalAddress(),
    HOOKSTEP_RECEIVER_SECRET: `${WRONG_SECRET},${SECRET}`,
  });
  await receiver.waitFor(/hookstep receiver listening/);
}, 60_000);

afterAll(async () => {
  receiver?.child.kill('SIGKILL');
  await temporal?.close();
});

test('a signed webhook starts the workflow on the task queue, and the line names the run', async () => {
  const id = webhookId();
  const answer = await post(url, signedDelivery({ orderId: 'AG-1' }, id));
  expect(answer).toMatchObject({ status: 202, json: { workflowId: `fulfilOrder-${id}` } });
  const description = await temporal.client.workflow.getHandle(`fulfilOrder-${id}`).describe();
  expect(description).toMatchObject({ runId: answer.json.runId, taskQueue, type: 'fulfilOrder' });
  await receiver.waitFor(new RegExp(`202 ${id} → fulfilOrder-${id} \\(run ${answer.json.runId as string}\\)`));
});

test('a webhook signed with another secret gets 401, a line with the code, and no run', async () => {
  const id = webhookId();
  const third = `whsec_${Buffer.alloc(24, 3).toString('base64')}`;
  const answer = await post(url, signedDelivery({ orderId: 'AG-2' }, id, { secret: third }));
  expect(answer.status).toBe(401);
  await receiver.waitFor(/401 WEBHOOK_BAD_SIGNATURE/);
  await expectNoRun(temporal.client, `fulfilOrder-${id}`);
  for (const secret of [SECRET, WRONG_SECRET, third]) expect(receiver.output()).not.toContain(secret.slice(6));
});

test('Ctrl-C stops it with exit 0', async () => {
  receiver.child.kill('SIGINT');
  expect(await receiver.exited).toBe(0);
  expect(receiver.output()).toContain('hookstep receiver stopped');
});

test.each([
  ['no --workflow', ['receive', '--secret', SECRET], {}, "required option '--workflow <type>'"],
  [
    'no secret at all',
    ['receive', '--workflow', 'w'],
    {},
    '--secret whsec_... (or HOOKSTEP_RECEIVER_SECRET) is required',
  ],
  ['a bad --secret', ['receive', '--workflow', 'w', '--secret', 'hunter2'], {}, 'secrets[0]: must be whsec_'],
  ['a bad --port', ['receive', '--workflow', 'w', '--secret', SECRET, '--port', 'http'], {}, '--port must be'],
  [
    'a bad HOOKSTEP_RECEIVER_SECRET',
    ['receive', '--workflow', 'w'],
    { HOOKSTEP_RECEIVER_SECRET: 'hunter2' },
    'HOOKSTEP_RECEIVER_SECRET must be whsec_',
  ],
])('%s exits 2 naming it, never echoing a secret', async (_what, args, env, named) => {
  const { code, stderr } = await runCli(args, { TEMPORAL_ADDRESS: temporalAddress(), ...env });
  expect(code).toBe(2);
  expect(stderr).toContain(named);
  expect(stderr).not.toContain('hunter2');
});
