// Fair delivery across a worker killed while it holds a webhook's only slot (issue 20, item 5; since issue 23 on the
// event outbox): once the dead worker's lease expires, the delivery its dispatcher was sending is sent again by
// another worker under the same webhook-id, the delivery waiting beside it in the outbox is delivered too, the receiver
// never has two requests open at once, and no slot is left behind. On PostgreSQL, the database two worker processes
// can share (PGlite serves one process).
import type { ServerResponse } from 'node:http';
import { tenantScope } from '../../src/contract';
import { openRegistry } from '../../src/registry';
import { delivered, queued, settled, unique, useEventStack } from '../helpers/events';
import { createDatabase } from '../helpers/postgres';
import { json } from '../helpers/receiver';
import { testKeyring } from '../helpers/registry';
import { spawnWorkerProcess, startWorker } from '../helpers/temporal';

const server = process.env.HOOKSTEP_TEST_POSTGRES_URL;
const describeOnPostgres = server ? describe : describe.skip;

describeOnPostgres('fair delivery across a worker crash, on PostgreSQL', () => {
  let url = '';
  const stack = useEventStack(
    'fair-kill',
    {
      name: 'PostgreSQL',
      open: async () => openRegistry({ url: (url = await createDatabase(server!)) }, testKeyring()),
    },
    { worker: false },
  );

  test('a slot held by a killed worker is free when its lease expires; both deliveries arrive, never two open', async () => {
    let open = 0;
    let peak = 0;
    const held: ServerResponse[] = [];
    const receiver = await stack.receiver((_req, res, i) => {
      peak = Math.max(peak, ++open);
      res.on('close', () => open--);
      // The first request is never answered: its worker dies while it waits.
      if (i === 0) held.push(res);
      else json(res, 200, { ok: true });
    });
    const type = unique('order.created');
    const webhook = await stack.api().webhooks.create({
      label: 'one slot',
      event: type,
      url: receiver.url,
      maxInFlight: 1,
      timeout: '5s',
    });
    const first = await spawnWorkerProcess(stack.taskQueue, { HOOKSTEP_DATABASE_URL: url });
    const events = [unique('evt'), unique('evt')];
    await stack.api().events.publish({ id: events[0], type, entity: { id: 1, type: 'order' } });
    await receiver.waitFor(1);
    // The second event goes to the full webhook and to another one: once the other's delivery arrived, the dispatcher
    // has claimed past the full webhook's, which waits in the outbox, unsent and unclaimed, with nothing logged.
    const other = await stack.receiver((_req, res) => json(res, 200, { ok: true }));
    const free = await stack.api().webhooks.create({ label: 'free', event: type, url: other.url });
    await stack.api().events.publish({ id: events[1], type, entity: { id: 2, type: 'order' } });
    const tenant = webhook.tenant;
    expect((await settled(stack, tenant, `${free.id}/${events[1]}`)).delivery).toMatchObject({ state: 'delivered' });
    expect(await queued(stack.registry(), tenant, events[1])).toBe(1);
    expect(
      (await stack.registry().deliveries.get(tenantScope(tenant), `${webhook.id}/${events[1]}`))?.delivery,
    ).toMatchObject({ state: 'pending', attempts: 0 });
    expect(receiver.requests).toHaveLength(1);
    first.child.kill('SIGKILL');
    await first.exited;

    const second = await startWorker(stack.taskQueue, { registry: stack.registry() });
    try {
      // Both settled by the second worker's dispatcher at attempt 1 (the dead worker's attempt was never logged).
      expect(await delivered(stack, events[0], tenant)).toEqual({ [webhook.id]: { status: 200, attempt: 1 } });
      expect(await delivered(stack, events[1], tenant)).toEqual({
        [webhook.id]: { status: 200, attempt: 1 },
        [free.id]: { status: 200, attempt: 1 },
      });
    } finally {
      await second.stop();
    }
    const ids = receiver.requests.map((r) => String(r.headers['webhook-id']));
    // The first event twice (sent, then sent again after the crash) under one webhook-id; the second once.
    expect(ids.sort()).toEqual(
      [`${webhook.id}/${events[0]}`, `${webhook.id}/${events[0]}`, `${webhook.id}/${events[1]}`].sort(),
    );
    expect(peak).toBe(1);
    expect(await stack.registry().leases.count(webhook.id)).toEqual({ inFlight: 0, waiting: 0 });
  }, 120_000);
});
