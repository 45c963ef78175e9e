/** @cluster */
// A worker process killed mid-delivery: the heartbeat timeout notices within seconds and a new worker completes it.
import { startSendWebhook } from '../../src/client';
import { HEARTBEAT_TIMEOUT_MS } from '../../workflows/sendWebhook';
import { spawnCli } from '../helpers/cli';
import { json, startReceiver } from '../helpers/receiver';
import { connectClient, startWorker, temporalAddress, uniqueQueue } from '../helpers/temporal';

test('the worker process is killed mid-delivery; a new worker completes the step', async () => {
  const taskQueue = uniqueQueue('durable');
  const temporal = await connectClient();
  // The first request is held open (the worker dies while waiting on it); the second is answered.
  const receiver = await startReceiver((_req, res, i) => {
    if (i > 0) json(res, 200, { ok: true });
  });
  const first = spawnCli(['worker'], {
    TEMPORAL_ADDRESS: temporalAddress(),
    HOOKSTEP_TASK_QUEUE: taskQueue,
    HOOKSTEP_ALLOWED_NETWORKS: '127.0.0.0/8',
  });
  try {
    await first.waitFor(/hookstep worker polling/);
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
      expect(result).toMatchObject({ status: 200, attempts: 2 });
      expect(receiver.requests).toHaveLength(2);
      // Noticed through the heartbeat timeout, long before the 60 s step timeout.
      expect(receiver.requests[1].at - killedAt).toBeLessThan(HEARTBEAT_TIMEOUT_MS + 10_000);
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
