// A workflow task that fails after a delivery's local first attempt: the attempt is sent at most once more, never
// once per task retry. Arranged on a namespace of the test's own without hookstep's search attributes, where the
// server refuses every run's last task (its outcome upsert), through an SDK worker made without hookstep's start
// check (hookstep's own worker refuses such a namespace: setup.test.ts). Against the real dev server.
import { randomUUID } from 'node:crypto';
import { Client, Connection, WorkflowFailedError } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import Long from 'long';
import { createActivities } from '../../activities';
import { DestinationPolicy } from '../../activities/destination';
import { createAgent } from '../../activities/http';
import { bundleAltered } from '../../scripts/histories/alteredBundle';
import { startAutomation } from '../../src/client';
import { stepAttemptSignal } from '../../src/contract';
import { json, startReceiver, type Receiver } from '../helpers/receiver';
import {
  LOOPBACK,
  connectClient,
  quietRuntime,
  startWorker,
  temporalAddress,
  testDataConverter,
  uniqueQueue,
} from '../helpers/temporal';
import { until } from '../helpers/until';

const namespace = `bare-${randomUUID().slice(0, 8)}`;
const taskQueue = uniqueQueue('task-failure');
let connection: Connection;
let client: Client;
let native: NativeConnection;
let worker: Worker;
let running: Promise<void>;
const agent = createAgent({ policy: new DestinationPolicy(LOOPBACK), connectionsPerOrigin: 10 });

beforeAll(async () => {
  connection = await Connection.connect({ address: temporalAddress() });
  await connection.workflowService.registerNamespace({
    namespace,
    workflowExecutionRetentionPeriod: { seconds: Long.fromNumber(86_400) },
  });
  client = new Client({ connection, namespace, dataConverter: testDataConverter() });
  // A namespace is served once the frontend's namespace cache has it.
  await until(() => client.workflowService.describeNamespace({ namespace }).then(() => true), 'the new namespace');
  quietRuntime();
  native = await NativeConnection.connect({ address: temporalAddress() });
  worker = await Worker.create({
    connection: native,
    namespace,
    taskQueue,
    workflowBundle: { codePath: process.env.HOOKSTEP_TEST_WORKFLOW_BUNDLE! },
    activities: createActivities({ agent }),
    dataConverter: testDataConverter(),
  });
  running = worker.run();
});

afterAll(async () => {
  worker?.shutdown();
  await running;
  await native?.close();
  await connection?.close();
  await agent.close();
});

/** The run's pending workflow task attempt, once it reaches `attempt` (the server retries a failed task). */
async function taskAttempt(workflowId: string, attempt: number): Promise<number> {
  return until(
    async () => {
      const { pendingWorkflowTask } = await client.workflowService.describeWorkflowExecution({
        namespace,
        execution: { workflowId },
      });
      const now = pendingWorkflowTask?.attempt ?? 0;
      return now >= attempt ? now : undefined;
    },
    `workflow task attempt ${attempt} of ${workflowId}`,
    60_000,
  );
}

/** Started by name, as another SDK would: no start attributes, which the namespace could not hold. */
async function startByName(receiver: Receiver): Promise<string> {
  const workflowId = `task-failure-${randomUUID()}`;
  await client.workflow.start('sendWebhook', { taskQueue, workflowId, args: [{ url: receiver.url }] });
  return workflowId;
}

test('temporalio/sdk-rust#521: a task the server refuses after the local first attempt sends it once more, not per retry', async () => {
  const receiver = await startReceiver((_req, res) => json(res, 200, { ok: true }));
  try {
    const workflowId = await startByName(receiver);
    // The pending task's fourth attempt: three have failed, so a local attempt re-sent on each retry would show 3.
    await taskAttempt(workflowId, 4);
    expect(receiver.requests).toHaveLength(2);
    // The second is the same delivery sent once more, as after a worker crash: the same webhook-id.
    expect(receiver.requests[1].headers['webhook-id']).toBe(receiver.requests[0].headers['webhook-id']);
    const history = await client.workflow.getHandle(workflowId).fetchHistory();
    const failed = history.events?.filter((e) => e.workflowTaskFailedEventAttributes) ?? [];
    expect(failed[0]?.workflowTaskFailedEventAttributes?.failure?.message).toContain(
      'no mapping defined for search attribute',
    );
    // The second send is a regular activity, recorded in the history once scheduled.
    expect(history.events?.filter((e) => e.activityTaskCompletedEventAttributes)).toHaveLength(1);
  } finally {
    await receiver.close();
  }
});

test('cadence-workflow/cadence-go-client#333: an automation in flight across a nondeterministic deploy fails visibly, sending nothing again', async () => {
  const queue = uniqueQueue('deploy');
  const temporal = await connectClient();
  const receiver = await startReceiver((_req, res) => json(res, 200, { ok: true }));
  // The deploy: child IDs always from the run ID, without patched(), as the change of commit b9f69d8 shipped.
  const altered = await bundleAltered('automation.ts', (source) =>
    source.replace('parentIdFits(info.workflowId, step.id)', 'false'),
  );
  const before = await startWorker(queue);
  try {
    const handle = await startAutomation(
      temporal.client,
      {
        id: 'deploy',
        steps: [
          { id: 'sent', type: 'sendWebhook', with: { url: receiver.url } },
          { id: 'later', type: 'delay', for: '10d' },
        ],
      },
      { taskQueue: queue },
    );
    await until(async () => {
      const { events } = await handle.fetchHistory();
      return events?.some((e) => e.timerStartedEventAttributes) || undefined;
    }, 'the automation waiting on its delay step');
    await before.stop();
    const after = await startWorker(queue, { workflowBundle: { code: altered } });
    try {
      // Any new workflow task makes the new worker replay the run: here a signal the automation accepts.
      await handle.signal(stepAttemptSignal, { workflowId: 'none', attempt: 1 });
      const err = await handle.result().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(WorkflowFailedError);
      expect(String((err as WorkflowFailedError).cause?.message)).toMatch(/[Nn]ondetermini/);
      expect((await handle.describe()).status.name).toBe('FAILED');
      expect(receiver.requests).toHaveLength(1);
    } finally {
      await after.stop();
    }
  } finally {
    await receiver.close();
    await temporal.close();
  }
});
