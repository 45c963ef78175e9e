/** @cluster */
// A worker process killed while an event's deliveries (or its automations' runs) are under way, and the event published again: every webhook gets the event
// from exactly one delivery run, <webhook id>/<event id>, under one webhook-id. On PostgreSQL, the database two
// worker processes can share (PGlite serves one process).
import { openRegistry } from '../../src/registry';
import { unique, useEventStack } from '../helpers/events';
import { createDatabase } from '../helpers/postgres';
import { testKeyring } from '../helpers/registry';
import { json } from '../helpers/receiver';
import { spawnWorkerProcess, startWorker } from '../helpers/temporal';
import { until } from '../helpers/until';

const server = process.env.HOOKSTEP_TEST_POSTGRES_URL;
const WEBHOOKS = 30;

// Without PostgreSQL installed (never in CI, which installs it) there is no database two processes can share.
const describeOnPostgres = server ? describe : describe.skip;

describeOnPostgres('a fan-out across a worker crash and a re-publish, on PostgreSQL', () => {
  let url = '';
  const stack = useEventStack(
    'events-kill',
    {
      name: 'PostgreSQL',
      open: async () => openRegistry({ url: (url = await createDatabase(server!)) }, testKeyring()),
    },
    { worker: false },
  );

  test('each webhook receives the event from one run, under one webhook-id', async () => {
    const r = await stack.receiver((_req, res) => json(res, 200, {}));
    const type = unique('order.created');
    const hooks = [];
    for (let i = 0; i < WEBHOOKS; i++) {
      hooks.push(await stack.api().webhooks.create({ label: `h${i}`, event: type, url: `${r.url}/h${i}` }));
    }
    const first = await spawnWorkerProcess(stack.taskQueue, { HOOKSTEP_DATABASE_URL: url });
    const event = { id: unique('evt'), type, entity: { id: 1, type: 'order' } };
    const published = await stack.api().events.publish(event);
    await r.waitFor(5);
    first.child.kill('SIGKILL');
    await first.exited;
    expect(await stack.api().events.publish(event)).toMatchObject({
      duplicate: true,
      workflowId: published.workflowId,
    });

    const second = await startWorker(stack.taskQueue, { registry: stack.registry() });
    try {
      const { client } = stack.temporal();
      expect(await client.workflow.getHandle(published.workflowId).result()).toMatchObject({ started: WEBHOOKS });
      for (const hook of hooks) {
        expect(await client.workflow.getHandle(`${hook.id}/${event.id}`).result()).toMatchObject({ status: 200 });
      }
    } finally {
      await second.stop();
    }
    const expected = new Set(hooks.map((h) => `${h.id}/${event.id}`));
    const seen = r.requests.map((q) => String(q.headers['webhook-id']));
    expect(new Set(seen)).toEqual(expected);
    for (const hook of hooks) expect(r.requests.some((q) => q.url === new URL(hook.url).pathname)).toBe(true);
  }, 120_000);

  test('issue 22: each stored automation runs once for the event, across the crash and the re-publish', async () => {
    const r = await stack.receiver((_req, res) => json(res, 200, {}));
    const type = unique('order.created');
    const automations = [];
    for (let i = 0; i < WEBHOOKS; i++) {
      automations.push(
        await stack.api().automations.create({
          label: `a${i}`,
          on: { event: type },
          steps: [{ id: 'send', type: 'sendWebhook', with: { url: `${r.url}/a${i}/{{trigger.id}}` } }],
        }),
      );
    }
    const first = await spawnWorkerProcess(stack.taskQueue, { HOOKSTEP_DATABASE_URL: url });
    const event = { id: unique('evt'), type, entity: { id: 1, type: 'order' } };
    const published = await stack.api().events.publish(event);
    await r.waitFor(5);
    first.child.kill('SIGKILL');
    await first.exited;
    expect(await stack.api().events.publish(event)).toMatchObject({ duplicate: true });

    const second = await startWorker(stack.taskQueue, { registry: stack.registry() });
    const { client } = stack.temporal();
    try {
      expect(await client.workflow.getHandle(published.workflowId).result()).toMatchObject({
        automations: { started: WEBHOOKS, existing: 0 },
      });
      for (const a of automations) {
        expect(await client.workflow.getHandle(`${a.id}/${event.id}`).result()).toMatchObject({ version: 1 });
      }
    } finally {
      await second.stop();
    }
    const expected = automations.map((a) => `/${a.label}/${event.id}`).sort();
    expect([...new Set(r.requests.map((q) => q.url))].sort()).toEqual(expected);
    // One run per automation: the event's runs, listed by its type, are as many as the automations.
    const query = `WorkflowType = 'automation' AND HookstepEventType = '${type}'`;
    const runs = await until(async () => {
      const ids: string[] = [];
      for await (const run of client.workflow.list({ query })) ids.push(run.workflowId);
      return ids.length >= WEBHOOKS ? ids : undefined;
    }, 'every automation run in visibility');
    expect(runs.sort()).toEqual(automations.map((a) => `${a.id}/${event.id}`).sort());
  }, 120_000);
});
