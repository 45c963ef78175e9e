// The attempt log line of an event delivery's first attempt, made by a worker's dispatcher outside any run (issue 23):
// it names its delivery, the way a run's attempt names its run. A fresh user's trial found it naming none
// (`"workflowId":""`), so a line could not be traced to its delivery.
import type { AttemptRecord } from '../../activities';
import { DEFAULT_TENANT } from '../../src/contract';
import { settled, unique, useEventStack } from '../helpers/events';
import { json } from '../helpers/receiver';
import { registryDatabases } from '../helpers/registry';
import { startWorker } from '../helpers/temporal';

const [pglite] = registryDatabases();
const stack = useEventStack('event-attempt-log', pglite, { worker: false });

test("a dispatcher's first attempt logs one line whose workflowId is its delivery's ID, with no runId", async () => {
  const lines: AttemptRecord[] = [];
  const worker = await startWorker(stack.taskQueue, { registry: stack.registry(), attemptLog: (r) => lines.push(r) });
  try {
    const r = await stack.receiver((_req, res) => json(res, 200, {}));
    const type = unique('order.created');
    const hook = await stack.api().webhooks.create({ label: 'log', event: type, url: `${r.url}/l` });
    const { eventId } = await stack.api().events.publish({ id: unique('evt'), type, entity: { id: 1, type: 'order' } });
    const id = `${hook.id}/${eventId}`;
    await settled(stack, DEFAULT_TENANT, id);
    expect(lines).toEqual([
      expect.objectContaining({
        workflowId: id,
        runId: '',
        attempt: 1,
        status: 200,
        outcome: 'Delivered',
        final: true,
      }),
    ]);
  } finally {
    await worker.stop();
  }
});
