/** @cluster */
// A worker process killed mid-delivery: the step's first attempt runs as a local activity inside a workflow task, so
// the workflow task timeout (10 s) notices the dead worker and a new worker sends again, with the same webhook-id.
import { startSendWebhook } from '../../src/client';
import { HEARTBEAT_TIMEOUT_MS } from '../../workflows/sendWebhook';
import { json, startReceiver } from '../helpers/receiver';
import { connectClient, spawnWorkerProcess, startWorker, uniqueQueue } from '../helpers/temporal';

/** Temporal's default workflow task timeout, which hookstep's starts keep. */
const WORKFLOW_TASK_TIMEOUT_MS = 10_000;

test('the worker process is killed mid-delivery; a new worker completes the step', async () => {
  const taskQueue = uniqueQueue('durable');
  const temporal = await connectClient();
  // The first request is held open (the worker dies while waiting on it); the second is answered.
  const receiver = await startReceiver((_req, res, i) => {
    if (i > 0) json(res, 200, { ok: true });
  });
  const first = await spawnWorkerProcess(taskQueue);
  try {
    const handle = await startSendWebhook(
      temporal.client,
      { url: receiver.url, timeout: '60s', retry: { initialInterval: '100ms' } },
      { taskQueue },
    );
    await receiver.waitFor(1);
    first.child.kill('SIGKILL');
    await first.exited;

    const killedAt = Date.now();
    const second = await startWorker(taskQueue);
    try {
      const result = await handle.result();
      // The interrupted attempt never reported, so it is not counted; the receiver saw it, with the same webhook-id.
      expect(result).toMatchObject({ status: 200, attempts: 1 });
      expect(receiver.requests).toHaveLength(2);
      // Noticed through the workflow task timeout, long before the 60 s step timeout.
      expect(receiver.requests[1].at - killedAt).toBeLessThan(WORKFLOW_TASK_TIMEOUT_MS + 5_000);
      expect(receiver.requests[1].headers['webhook-id']).toBe(receiver.requests[0].headers['webhook-id']);
    } finally {
      await second.stop();
    }
  } finally {
    first.child.kill('SIGKILL');
    await receiver.close();
    await temporal.close();
  }
});

test('a worker killed during a retry (a regular activity): the heartbeat timeout notices, same webhook-id', async () => {
  const taskQueue = uniqueQueue('durable-retry');
  const temporal = await connectClient();
  // Attempt 1 fails with 500; attempt 2 is held open while its worker dies; attempt 3 is answered.
  const receiver = await startReceiver((_req, res, i) => {
    if (i === 0) json(res, 500, { error: 'busy' });
    else if (i > 1) json(res, 200, { ok: true });
  });
  const first = await spawnWorkerProcess(taskQueue);
  try {
    const handle = await startSendWebhook(
      temporal.client,
      { url: receiver.url, timeout: '60s', retry: { initialInterval: '100ms', maximumInterval: '100ms' } },
      { taskQueue },
    );
    await receiver.waitFor(2);
    first.child.kill('SIGKILL');
    await first.exited;
    const killedAt = Date.now();
    const second = await startWorker(taskQueue);
    try {
      expect(await handle.result()).toMatchObject({ status: 200, attempts: 3 });
      expect(receiver.requests).toHaveLength(3);
      expect(receiver.requests[2].at - killedAt).toBeLessThan(HEARTBEAT_TIMEOUT_MS + 5_000);
      expect(new Set(receiver.requests.map((r) => r.headers['webhook-id'])).size).toBe(1);
    } finally {
      await second.stop();
    }
  } finally {
    first.child.kill('SIGKILL');
    await receiver.close();
    await temporal.close();
  }
});
