// `hookstep run` with the README tour's worked example (examples/order-sync.json and examples/receiver.mjs), against the
// test dev server and a worker on a queue of this file's own.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, runCli } from '../helpers/cli';
import { WorkflowNotFoundError } from '@temporalio/client';
import { connectClient, startWorker, temporalAddress, uniqueQueue, type RunningWorker } from '../helpers/temporal';

const root = join(__dirname, '..', '..');
const taskQueue = uniqueQueue('cli-run');
let worker: RunningWorker;
let receiver: ChildProcess;
let receiverLog = '';
let port: number;
let env: Record<string, string>;
const dir = mkdtempSync(join(tmpdir(), 'hookstep-run-'));

beforeAll(async () => {
  worker = await startWorker(taskQueue);
  port = await freePort();
  receiver = spawn(process.execPath, [join(root, 'examples', 'receiver.mjs')], {
    env: { ...process.env, PORT: String(port) },
  });
  await new Promise<void>((resolve) =>
    receiver.stdout!.on('data', (d: Buffer) => {
      receiverLog += d.toString();
      if (receiverLog.includes('listening')) resolve();
    }),
  );
  env = { TEMPORAL_ADDRESS: temporalAddress(), HOOKSTEP_TASK_QUEUE: taskQueue };
});

afterAll(async () => {
  receiver?.kill();
  await worker?.stop();
});

function exampleFile(edit: (definition: { steps: { for?: string }[] }) => void = () => undefined): string {
  const text = readFileSync(join(root, 'examples', 'order-sync.json'), 'utf8').replaceAll(
    '127.0.0.1:8787',
    `127.0.0.1:${port}`,
  );
  const definition = JSON.parse(text) as { steps: { for?: string }[] };
  edit(definition);
  const file = join(dir, `order-sync-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(definition));
  return file;
}

test('runs the worked example: progress lines per step, then the outputs; exit 0', async () => {
  const file = exampleFile((d) => (d.steps[1].for = '1s'));
  const { code, stdout, stderr } = await runCli(['run', file], env);
  expect(code).toBe(0);
  expect(stderr).toMatch(/workflow ID: automation-order-sync-/);
  expect(stderr).toMatch(/\[2\/3\] wait \(delay\) waiting until \d{4}-/);
  expect(stderr).toMatch(/\[3\/3\] notify \(sendWebhook\) succeeded after 1 attempt\(s\)/);
  const outputs = JSON.parse(stdout) as { steps: Record<string, { body: Record<string, unknown> }> };
  const ticketId = outputs.steps.createTicket.body.ticketId as string;
  expect(ticketId).toMatch(/^T-\d+$/);
  expect(receiverLog).toContain(`POST /chat/${ticketId}`);
  expect(receiverLog).toContain(`"x-priority":"2"`);
  expect(receiverLog).toContain(`{"text":"Ticket ${ticketId} opened for AG-1:ORD-9"}`);
});

test('--trigger replaces the trigger; --json prints the outputs as JSON', async () => {
  const trigger = join(dir, 'trigger.json');
  writeFileSync(trigger, JSON.stringify({ orderId: 'AG-2:ORD-1', total: 7 }));
  const file = exampleFile((d) => (d.steps[1].for = '1ms'));
  const { code, stdout } = await runCli(['run', file, '--trigger', trigger, '--json'], env);
  expect(code).toBe(0);
  expect(JSON.parse(stdout)).toMatchObject({ workflowId: expect.any(String), steps: { notify: { status: 200 } } });
  expect(receiverLog).toContain('{"orderId":"AG-2:ORD-1","total":7}');
});

test('an invalid definition exits 2 listing the errors, and starts nothing', async () => {
  const file = exampleFile((d) => d.steps.reverse());
  const { code, stderr } = await runCli(['run', file], env);
  expect(code).toBe(2);
  expect(stderr).toMatch(
    /steps\[0\]\.with\.url: \{\{steps\.createTicket\.body\.ticketId\}\}: "createTicket" is a later step/,
  );
  expect(stderr).not.toContain('workflow ID');
});

test('a file that is not JSON exits 2 naming the file', async () => {
  const file = join(dir, 'broken.json');
  writeFileSync(file, '{ nope');
  const { code, stderr } = await runCli(['run', file], env);
  expect(code).toBe(2);
  expect(stderr).toContain(`${file}: not valid JSON`);
});

test('a trigger nested 2,000 levels exits 2 naming the limit, and starts nothing', async () => {
  const trigger = join(dir, 'deep-trigger.json');
  writeFileSync(trigger, `${'{"a":'.repeat(2_000)}1${'}'.repeat(2_000)}`);
  const workflowId = uniqueQueue('deep-run');
  const { code, stderr } = await runCli(['run', exampleFile(), '--trigger', trigger, '--workflow-id', workflowId], env);
  expect(code).toBe(2);
  expect(stderr).toContain('nested more than 64 levels deep');
  expect(stderr).not.toContain('Maximum call stack');
  expect(await exists(workflowId)).toBe(false);
});

test('--workflow-id names the run', async () => {
  const workflowId = uniqueQueue('named-run');
  const file = exampleFile((d) => (d.steps[1].for = '1ms'));
  const { code, stderr } = await runCli(['run', file, '--workflow-id', workflowId], env);
  expect(code).toBe(0);
  expect(stderr).toContain(`workflow ID: ${workflowId}`);
  expect(await exists(workflowId)).toBe(true);
});

async function exists(workflowId: string): Promise<boolean> {
  const temporal = await connectClient();
  try {
    await temporal.client.workflow.getHandle(workflowId).describe();
    return true;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return false;
    throw err;
  } finally {
    await temporal.close();
  }
}
