// A worker's memory follows its deliveries bound: its sticky cache holds that many runs, and runs waiting on a retry's
// backoff past it are evicted and replayed when they wake (docs/_pending/memory.md).
import { endsWithin } from '../helpers/ending';
import { json, startReceiver } from '../helpers/receiver';
import { connectClient, startWorker, uniqueQueue } from '../helpers/temporal';

test('runs in backoff past the cache are evicted, replayed, and each delivered once on attempt 2', async () => {
  const bound = 2;
  const runs = 6;
  const taskQueue = uniqueQueue('memory');
  const temporal = await connectClient();
  const worker = await startWorker(taskQueue, { maxConcurrentDeliveries: bound });
  const attempts = new Map<string, number>();
  const r = await startReceiver((req, res) => {
    const id = String(req.headers['webhook-id']);
    attempts.set(id, (attempts.get(id) ?? 0) + 1);
    json(res, attempts.get(id) === 1 ? 503 : 200, { ok: true });
  });
  try {
    // The SDK's default would hold ~2,300 runs at a 4 GB heap, and every waiting run would stay in memory.
    expect(worker.worker.worker.options.maxCachedWorkflows).toBe(bound);
    const handles = await Promise.all(
      Array.from({ length: runs }, (_, i) =>
        temporal.client.workflow.start('sendWebhook', {
          taskQueue,
          workflowId: uniqueQueue(`memory-${i}`),
          args: [{ url: `${r.url}/run/${i}`, retry: { initialInterval: '2s' } }],
        }),
      ),
    );
    const results = await Promise.all(handles.map((h) => endsWithin(h, 60_000, h.result())));
    expect(results.map((result) => (result as { attempts: number }).attempts)).toEqual(Array(runs).fill(2));
    expect([...attempts.values()]).toEqual(Array(runs).fill(2));
    expect(new Set(r.requests.map((q) => q.url)).size).toBe(runs);
  } finally {
    await r.close();
    await worker.stop();
    await temporal.close();
  }
});
