// `hookstep setup` registers hookstep's search attributes through the operator service, idempotently, and refuses an
// attribute of the right name and the wrong type; `hookstep worker` warns without a payload key and, with
// --require-encryption, refuses to start. Against the real dev server, in namespaces of the test's own.
import { randomUUID } from 'node:crypto';
import { temporal as proto } from '@temporalio/proto';
import Long from 'long';
import { SEARCH_ATTRIBUTES } from '../../src/contract';
import { runCli, spawnCli } from '../helpers/cli';
import { connectClient, temporalAddress, uniqueQueue, type TestTemporal } from '../helpers/temporal';
import { until } from '../helpers/until';

let temporal: TestTemporal;
beforeAll(async () => {
  temporal = await connectClient();
});
afterAll(() => temporal.close());

async function newNamespace(): Promise<string> {
  const namespace = `setup-${randomUUID().slice(0, 8)}`;
  await temporal.client.workflowService.registerNamespace({
    namespace,
    workflowExecutionRetentionPeriod: { seconds: Long.fromNumber(86_400) },
  });
  return namespace;
}

const env = (namespace: string) => ({ TEMPORAL_ADDRESS: temporalAddress(), TEMPORAL_NAMESPACE: namespace });

test('setup registers every attribute with its type, and a second run changes nothing', async () => {
  const namespace = await newNamespace();
  const first = await runCli(['setup'], env(namespace));
  expect(first.stderr).toBe('');
  expect(first.code).toBe(0);
  expect(first.stdout).toContain(`registered on namespace ${namespace}`);
  const { customAttributes } = await temporal.client.connection.operatorService.listSearchAttributes({ namespace });
  for (const key of SEARCH_ATTRIBUTES) {
    expect([key.name, proto.api.enums.v1.IndexedValueType[customAttributes[key.name]]]).toEqual([
      key.name,
      `INDEXED_VALUE_TYPE_${key.type}`,
    ]);
  }
  const second = await runCli(['setup'], env(namespace));
  expect(second.code).toBe(0);
  expect(second.stdout).not.toMatch(/^registered on/m);
  expect(second.stdout).toContain(`already registered on namespace ${namespace} on ${temporalAddress()}: HookstepHost`);
});

test('an attribute of the right name and the wrong type is a clear error, exit 1', async () => {
  const namespace = await newNamespace();
  await temporal.client.connection.operatorService.addSearchAttributes({
    namespace,
    searchAttributes: { HookstepStatus: proto.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD },
  });
  const result = await runCli(['setup'], env(namespace));
  expect(result.code).toBe(1);
  expect(result.stderr).toContain('HookstepStatus is KEYWORD, hookstep needs INT');
});

test('hookstep worker without a key warns loudly; with --require-encryption it refuses, exit 2', async () => {
  const noKey = {
    TEMPORAL_ADDRESS: temporalAddress(),
    HOOKSTEP_PAYLOAD_KEYS: '',
    HOOKSTEP_TASK_QUEUE: uniqueQueue('nokey'),
  };
  const refused = await runCli(['worker', '--require-encryption'], noKey);
  expect(refused.code).toBe(2);
  expect(refused.stderr).toContain('--require-encryption is set and no payload key is configured');
  const viaEnv = await runCli(['worker'], { ...noKey, HOOKSTEP_REQUIRE_ENCRYPTION: 'yes' });
  expect(viaEnv).toMatchObject({
    code: 2,
    stderr: expect.stringContaining('HOOKSTEP_REQUIRE_ENCRYPTION must be true or false'),
  });
  const warned = spawnCli(['worker'], noKey);
  try {
    await warned.waitFor(/hookstep worker polling/);
    // On stderr, while the polling line is on stdout: the two pipes need not arrive in order.
    await warned.waitFor(/WARNING: hookstep worker has no payload key/);
  } finally {
    warned.child.kill('SIGTERM');
    await warned.exited;
  }
});

test('temporalio/sdk-go#1103: a worker on a namespace without the attributes refuses to start, naming hookstep setup', async () => {
  const namespace = await newNamespace();
  const queue = uniqueQueue('no-attributes');
  // Served once the frontend's namespace cache has the new namespace.
  await until(
    () => temporal.client.connection.operatorService.listSearchAttributes({ namespace }).then(() => true),
    'the new namespace',
  );
  const refused = await runCli(['worker'], { ...env(namespace), HOOKSTEP_TASK_QUEUE: queue });
  expect(refused.code).toBe(1);
  expect(refused.stdout).not.toContain('hookstep worker polling');
  expect(refused.stderr).toContain(`namespace ${namespace} has no search attribute HookstepHost, HookstepMethod`);
  expect(refused.stderr).toContain('Run `hookstep setup`');
  // No run can hang for it: nothing polled the queue.
  const { pollers } = await temporal.client.workflowService.describeTaskQueue({
    namespace,
    taskQueue: { name: queue },
  });
  expect(pollers).toHaveLength(0);
  // After setup, the same worker starts.
  expect((await runCli(['setup'], env(namespace))).code).toBe(0);
  const started = spawnCli(['worker'], { ...env(namespace), HOOKSTEP_TASK_QUEUE: queue });
  try {
    await started.waitFor(/hookstep worker polling/);
  } finally {
    started.child.kill('SIGTERM');
    await started.exited;
  }
});
