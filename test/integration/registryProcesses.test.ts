// `hookstep api` and `hookstep worker` as processes of their own share the registry of event webhooks through
// PostgreSQL, or refuse (the API) and fail visibly (the worker's event runs): an embedded registry is reachable only
// inside one process, and two of them made every event fan out to no one without a word (issue 19, item 3).
import { randomUUID } from 'node:crypto';
import { FailureType } from '../../src/contract';
import { createApiClient } from '../../src/client/api';
import { freePort, runCli, spawnCli } from '../helpers/cli';
import { expectFailure } from '../helpers/failures';
import { createDatabase } from '../helpers/postgres';
import { json, startReceiver } from '../helpers/receiver';
import {
  connectClient,
  spawnWorkerProcess,
  temporalAddress,
  uniqueQueue,
  type TestTemporal,
} from '../helpers/temporal';

const API_KEY = `test-key-${randomUUID()}`;
let temporal: TestTemporal;
beforeAll(async () => {
  temporal = await connectClient();
});
afterAll(() => temporal.close());

test('hookstep api without HOOKSTEP_DATABASE_URL refuses to start, naming it and hookstep dev', async () => {
  const { code, stderr } = await runCli(['api', '--port', String(await freePort())], {
    TEMPORAL_ADDRESS: temporalAddress(),
    HOOKSTEP_API_KEY: API_KEY,
    HOOKSTEP_DATABASE_URL: '',
  });
  expect(code).toBe(2);
  expect(stderr).toContain('HOOKSTEP_DATABASE_URL must be set');
  expect(stderr).toContain('run `hookstep dev`');
});

test('hookstep worker without HOOKSTEP_DATABASE_URL says so at start; an event it fans out fails RegistryUnavailable', async () => {
  const taskQueue = uniqueQueue('noregistry');
  const worker = await spawnWorkerProcess(taskQueue, { HOOKSTEP_DATABASE_URL: '' });
  // stderr, while the polling line is on stdout: the two pipes need not arrive in order.
  await worker.waitFor(/WARNING: hookstep worker has no registry of event webhooks/);
  const handle = await temporal.client.workflow.start('eventFanOut', {
    taskQueue,
    workflowId: `noregistry-${randomUUID()}`,
    args: [{ eventId: `ev-${randomUUID()}`, type: 'order.created' }],
  });
  const { failure } = await expectFailure(handle.result());
  expect(failure.type).toBe(FailureType.RegistryUnavailable);
  expect(failure.nonRetryable).toBe(true);
  expect(failure.message).toContain('HOOKSTEP_DATABASE_URL');
});

const postgres = process.env.HOOKSTEP_TEST_POSTGRES_URL;
(postgres ? test : test.skip)(
  'hookstep api and hookstep worker on one HOOKSTEP_DATABASE_URL: a webhook registered through the API is delivered',
  async () => {
    const url = await createDatabase(postgres!);
    const taskQueue = uniqueQueue('shared');
    const env = { TEMPORAL_ADDRESS: temporalAddress(), HOOKSTEP_DATABASE_URL: url, HOOKSTEP_TASK_QUEUE: taskQueue };
    const port = await freePort();
    const api = spawnCli(['api', '--port', String(port)], { ...env, HOOKSTEP_API_KEY: API_KEY });
    await api.waitFor(/hookstep api listening/);
    const worker = await spawnWorkerProcess(taskQueue, env);
    const receiver = await startReceiver((_req, res) => json(res, 200, {}));
    try {
      const client = createApiClient({ url: `http://127.0.0.1:${port}`, apiKey: API_KEY });
      const type = `order.created.${randomUUID().slice(0, 8)}`;
      await client.webhooks.create({ label: 'shared', event: type, url: receiver.url });
      await client.events.publish({ id: `ev-${randomUUID()}`, type, entity: { id: 1, type: 'order' } });
      await receiver.waitFor(1);
      expect(receiver.requests).toHaveLength(1);
      expect(worker.output()).not.toContain('no registry');
    } finally {
      await receiver.close();
    }
  },
);
