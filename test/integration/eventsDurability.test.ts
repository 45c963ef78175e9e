/** @cluster */
// Published events across a worker that dies (issue 23's outbox), on each registry database: a worker killed while its
// dispatcher's first attempts are in flight loses no delivery, and one sent again goes under the same webhook-id; a
// first attempt that failed retryably and was recorded is not sent again, and its delivery gets one run; an event
// published again queues nothing twice; and each stored automation runs once for an event across a crash and a
// re-publish (issue 22).
// How a worker dies: on PostgreSQL, `hookstep worker` as its own process, SIGKILLed. PGlite serves one process, so
// there the worker runs in this one and dies as a killed process looks to the registry: its view of the registry is
// cut (nothing it does afterwards reaches the database, its claims and slots are left to expire), then it is shut
// down, which aborts its requests in flight. The crash after a recorded first attempt must come at one point between
// two writes, which no signal can aim at: it is that in-process death on both databases.
import type { ServerResponse } from 'node:http';
import { WorkflowNotFoundError } from '@temporalio/client';
import { deliveryIdOf, openRegistry, type AttemptEntry, type Registry } from '../../src/registry';
import { DEFAULT_TENANT, tenantScope } from '../../src/contract';
import { delivered, queued, settled, unique, useEventStack, type EventStack } from '../helpers/events';
import { createDatabase } from '../helpers/postgres';
import { json } from '../helpers/receiver';
import { registryDatabases, testKeyring } from '../helpers/registry';
import { spawnWorkerProcess, startWorker } from '../helpers/temporal';
import { until } from '../helpers/until';

const EVENTS = 30;
const WEBHOOKS = 3;
const AUTOMATIONS = 30;
/**
 * Short, so a dead worker's claims and slots (this and a 15 s margin) expire within the test; long enough that a loaded
 * machine (PGlite shares this process's thread) answers held requests' senders before it.
 */
const TIMEOUT = '5s';

/** Each registry database, with the URL a worker process reaches PostgreSQL at (none for PGlite). */
function databases() {
  return registryDatabases().map((database) => {
    if (database.name !== 'PostgreSQL') return { ...database, url: (): string | undefined => undefined };
    let url: string | undefined;
    const server = process.env.HOOKSTEP_TEST_POSTGRES_URL!;
    const open = async () => openRegistry({ url: (url = await createDatabase(server)) }, testKeyring());
    return { name: database.name, open, url: () => url };
  });
}

/** Where a worker's registry dies: before or after a call of one repository's method that `cue` picks. */
type Cue = (repository: string, method: string, args: unknown[]) => 'before' | 'after' | undefined;

/**
 * A worker's view of `registry` that dies as a killed process's does: once `kill()` is called, or a call `cue` names
 * is reached, every call rejects, so nothing the worker does from then on reaches the database.
 */
function mortal(registry: Registry, cue?: Cue) {
  let dead = false;
  let die = () => {};
  const died = new Promise<void>((resolve) => {
    die = () => {
      dead = true;
      resolve();
    };
  });
  const gone = () => new Error('this worker was killed');
  const wrap = (name: string, repository: object) =>
    new Proxy(repository, {
      get(target, key) {
        const value: unknown = Reflect.get(target, key);
        if (typeof value !== 'function') return value;
        return async (...args: unknown[]) => {
          if (dead) throw gone();
          const when = cue?.(name, String(key), args);
          if (when === 'before') die();
          if (dead) throw gone();
          const result: unknown = await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
          if (when === 'after') die();
          if (dead) throw gone();
          return result;
        };
      },
    });
  const view = Object.fromEntries(
    Object.entries(registry).map(([name, value]) => [name, typeof value === 'object' ? wrap(name, value) : value]),
  );
  // The registry is the test's: a dead worker closes nothing.
  return { registry: { ...view, close: () => Promise.resolve() } as Registry, kill: die, died };
}

/** A worker in this process on a registry that dies at `cue`: `kill()` ends it as a crash would (see the top). */
async function mortalWorker(stack: EventStack, cue?: Cue) {
  const view = mortal(stack.registry(), cue);
  const worker = await startWorker(stack.taskQueue, { registry: view.registry });
  return {
    died: view.died,
    async kill() {
      view.kill();
      await worker.stop();
    },
  };
}

/** The first worker, that the test kills: a process on PostgreSQL, this process's mortal worker on PGlite. */
async function doomedWorker(stack: EventStack, url: string | undefined): Promise<{ kill(): Promise<void> }> {
  if (!url) return mortalWorker(stack);
  const worker = await spawnWorkerProcess(stack.taskQueue, { HOOKSTEP_DATABASE_URL: url });
  return {
    async kill() {
      worker.child.kill('SIGKILL');
      await worker.exited;
    },
  };
}

/** A receiver that holds every request open, never answering, until released; then answers 200 at once. */
async function holdingReceiver(stack: EventStack) {
  let holding = true;
  const held: ServerResponse[] = [];
  const receiver = await stack.receiver((_req, res) => {
    if (holding) held.push(res);
    else json(res, 200, {});
  });
  return {
    receiver,
    /** Requests held open now: their senders wait for an answer. */
    open: () => held.filter((res) => !res.destroyed && !res.writableEnded).length,
    release: () => {
      holding = false;
      for (const res of held.splice(0)) if (!res.destroyed && !res.writableEnded) json(res, 200, {});
    },
  };
}

/** The delivery an outbox call is about: its ID (done), or the attempt it logs (settleFirst). */
const deliveryOf = (arg: unknown) => (typeof arg === 'string' ? arg : deliveryIdOf(arg as AttemptEntry));

const webhookIdOf = (headers: Record<string, unknown>) => String(headers['webhook-id']);

describe.each(databases())('published events across a worker crash on $name', (database) => {
  const stack = useEventStack('events-kill', database, { worker: false });

  test('a worker killed mid-batch loses nothing and duplicates only with the same webhook-id', async () => {
    const { receiver: r, open, release } = await holdingReceiver(stack);
    const type = unique('order.created');
    const hooks = [];
    for (let i = 0; i < WEBHOOKS; i++) {
      hooks.push(
        await stack.api().webhooks.create({ label: `h${i}`, event: type, url: `${r.url}/h${i}`, timeout: TIMEOUT }),
      );
    }
    const events = Array.from({ length: EVENTS }, (_, i) => ({
      id: unique('evt'),
      type,
      entity: { id: i, type: 'order' },
      data: { order: i },
    }));
    for (const event of events) {
      expect(await stack.api().events.publish(event)).toMatchObject({ deliveries: WEBHOOKS, duplicate: false });
    }
    const first = await doomedWorker(stack, database.url());
    // Each webhook's cap (10) of requests in flight, none answered: the batch is on the wire when the worker dies.
    const cap = hooks[0].maxInFlight;
    await r.waitFor(cap * WEBHOOKS);
    expect(open()).toBe(cap * WEBHOOKS);
    await first.kill();
    const inFlight = new Set(r.requests.map((q) => webhookIdOf(q.headers)));
    expect(inFlight.size).toBe(r.requests.length);
    // Published again while no worker runs: nothing is queued a second time.
    for (const event of events) {
      expect(await stack.api().events.publish(event)).toMatchObject({ deliveries: 0, duplicate: true });
    }

    const second = await startWorker(stack.taskQueue, { registry: stack.registry() });
    try {
      release();
      for (const event of events) {
        const results = await delivered(stack, event.id);
        for (const hook of hooks) expect(results[hook.id]).toMatchObject({ status: 200 });
      }
    } finally {
      await second.stop();
    }

    // Every delivery arrived, and each request carried the webhook-id of its own delivery, `<webhook id>/<event id>`
    // (a receiver's key to drop the second copy): a duplicate is the same delivery under the same webhook-id.
    const expected = hooks.flatMap((h) => events.map((e) => `${h.id}/${e.id}`));
    const byPath = new Map(hooks.map((h) => [new URL(h.url).pathname, h.id]));
    const seen = new Map<string, number>();
    for (const q of r.requests) {
      const id = webhookIdOf(q.headers);
      const { order } = (JSON.parse(q.body) as { data: { order: number } }).data;
      expect(id).toBe(`${byPath.get(q.url)}/${events[order].id}`);
      seen.set(id, (seen.get(id) ?? 0) + 1);
    }
    expect([...seen.keys()].sort()).toEqual(expected.sort());
    // What the dead worker had in flight it never saw answered: the next worker sent each of those again.
    for (const id of inFlight) expect(seen.get(id)).toBeGreaterThanOrEqual(2);
    // The log: every delivery delivered. Every request but the one a dead worker lost is an attempt in the log (a
    // first attempt slower than the timeout on a loaded machine is retried, and logged): no other copy went out.
    for (const event of events) {
      const { deliveries } = await stack.registry().deliveries.list(tenantScope(DEFAULT_TENANT), {
        eventId: event.id,
        limit: 10,
      });
      expect(deliveries.map((d) => d.state)).toEqual(Array(WEBHOOKS).fill('delivered'));
      for (const d of deliveries) expect(seen.get(d.id)).toBeLessThanOrEqual(d.attempts + (inFlight.has(d.id) ? 1 : 0));
      expect(await queued(stack.registry(), DEFAULT_TENANT, event.id)).toBe(0);
    }
    for (const hook of hooks) expect(await stack.registry().leases.count(hook.id)).toEqual({ inFlight: 0, waiting: 0 });
  }, 180_000);

  // preloop#517 in kind: a rolling deploy's SIGTERM reached a worker mid-delivery, and the work ran twice. A worker
  // process asked to stop lets its dispatcher's attempts in flight end and be logged, so the next worker sends none of
  // them again. A process of its own, so PostgreSQL only (PGlite serves one process).
  (database.name === 'PostgreSQL' ? test : test.skip)(
    'a worker stopped with SIGTERM mid-batch (a deploy) ends its attempts in flight; the next sends none again',
    async () => {
      const { receiver: r, open, release } = await holdingReceiver(stack);
      const type = unique('order.created');
      const hook = await stack
        .api()
        .webhooks.create({ label: 'deploy', event: type, url: `${r.url}/d`, timeout: TIMEOUT });
      const ids = [0, 1, 2].map(() => unique('evt'));
      for (const [i, id] of ids.entries()) {
        await stack.api().events.publish({ id, type, entity: { id: i, type: 'order' } });
      }
      const first = await spawnWorkerProcess(stack.taskQueue, { HOOKSTEP_DATABASE_URL: database.url()! });
      await r.waitFor(ids.length);
      expect(open()).toBe(ids.length);
      first.child.kill('SIGTERM');
      // The stopping worker still waits on its receiver: answered now, its attempts end delivered, and it exits.
      await new Promise((resolve) => setTimeout(resolve, 500));
      release();
      await first.exited;
      for (const id of ids) {
        const { delivery } = await settled(stack, DEFAULT_TENANT, `${hook.id}/${id}`);
        expect(delivery).toMatchObject({ state: 'delivered', attempts: 1, lastStatus: 200 });
        expect(await queued(stack.registry(), DEFAULT_TENANT, id)).toBe(0);
      }
      const second = await startWorker(stack.taskQueue, { registry: stack.registry() });
      try {
        // Two of its polls: a delivery still in the outbox would have gone out by then.
        await new Promise((resolve) => setTimeout(resolve, 1_500));
      } finally {
        await second.stop();
      }
      expect(r.requests.map((q) => webhookIdOf(q.headers)).sort()).toEqual(ids.map((id) => `${hook.id}/${id}`).sort());
      expect(await stack.registry().leases.count(hook.id)).toEqual({ inFlight: 0, waiting: 0 });
    },
    60_000,
  );

  // Where the first worker dies: once attempt 1's failure is recorded (the settle that logs it and marks it for its
  // run), before its run is started; or once the run is started, before the delivery leaves the outbox (the next
  // worker's start is then refused by the run's ID).
  test.each([
    ['its failure was recorded', 'settleFirst', 'after'],
    ['its run was started', 'done', 'before'],
  ] as const)(
    'a retryable first attempt, then a crash once %s: one run, <webhook id>/<event id>, and attempt 1 is not sent again',
    async (_point, method, when) => {
      const r = await stack.receiver((_req, res, i) => (i === 0 ? json(res, 503, {}) : json(res, 200, {})));
      const type = unique('order.created');
      const hook = await stack.api().webhooks.create({
        label: 'retry',
        event: type,
        url: r.url,
        timeout: TIMEOUT,
        // Long enough that the dead worker is stopped before the run's attempt 2 is due.
        retry: { initialInterval: '3s' },
      });
      const eventId = unique('evt');
      const id = `${hook.id}/${eventId}`;
      const first = await mortalWorker(stack, (repository, m, args) =>
        repository === 'outbox' && m === method && deliveryOf(args[0]) === id ? when : undefined,
      );
      await stack.api().events.publish({ id: eventId, type, entity: { id: 1, type: 'order' } });
      await first.died;
      await first.kill();
      // The crash came where it was meant to: attempt 1 failed and was recorded; the run started or not.
      const [row] = await stack
        .registry()
        .db.query<{ first_wait_ms: number | null }>(
          'select first_wait_ms from delivery_outbox where delivery_id = $1',
          [id],
        );
      expect(row.first_wait_ms).toBe(3000);
      const { client } = stack.temporal();
      const described = client.workflow.getHandle(id).describe();
      if (method === 'settleFirst') await expect(described).rejects.toBeInstanceOf(WorkflowNotFoundError);
      else await expect(described).resolves.toMatchObject({ workflowId: id });
      expect(r.requests).toHaveLength(1);

      const second = await startWorker(stack.taskQueue, { registry: stack.registry() });
      try {
        // The next worker claims the delivery once the dead one's claim expires, and starts its run (or finds it).
        await until(() => client.workflow.getHandle(id).describe(), 'the delivery run', 60_000);
        expect(await client.workflow.getHandle(id).result()).toMatchObject({ status: 200, attempt: 2 });
        const { delivery, attempts } = await settled(stack, DEFAULT_TENANT, id);
        expect(delivery).toMatchObject({ state: 'delivered', attempts: 2 });
        expect(attempts.map((a) => [a.attempt, a.status])).toEqual([
          [1, 503],
          [2, 200],
        ]);
        // Where the run was started before the crash, the next worker's start is refused by its ID, and the delivery
        // leaves the outbox.
        await until(
          async () => ((await queued(stack.registry(), DEFAULT_TENANT, eventId)) === 0 ? true : undefined),
          'the delivery to leave the outbox',
          60_000,
        );
      } finally {
        await second.stop();
      }
      // Attempt 1 once (503), attempt 2 once (200), both under the delivery's webhook-id; and one run of that ID.
      expect(r.requests.map((q) => webhookIdOf(q.headers))).toEqual([id, id]);
      const runs = await until(async () => {
        const found: string[] = [];
        for await (const run of client.workflow.list({ query: `WorkflowId = '${id}'` })) found.push(run.runId);
        return found.length > 0 ? found : undefined;
      }, 'the run in visibility');
      expect(runs).toHaveLength(1);
    },
    120_000,
  );

  test('an event published again queues nothing twice: before its deliveries are sent, and after', async () => {
    const r = await stack.receiver((_req, res) => json(res, 200, {}));
    const type = unique('order.created');
    const hooks = [];
    for (let i = 0; i < WEBHOOKS; i++) {
      hooks.push(await stack.api().webhooks.create({ label: `h${i}`, event: type, url: `${r.url}/h${i}` }));
    }
    const event = { id: unique('evt'), type, entity: { id: 1, type: 'order' } };
    const registry = stack.registry();
    const logged = async () =>
      (await registry.deliveries.list(tenantScope(DEFAULT_TENANT), { eventId: event.id, limit: 10 })).deliveries;
    // No worker runs yet: what the publishes queued stays in the outbox to be counted.
    expect(await stack.api().events.publish(event)).toMatchObject({ deliveries: WEBHOOKS, duplicate: false });
    expect(await stack.api().events.publish(event)).toMatchObject({ deliveries: 0, duplicate: true });
    expect(await queued(registry, DEFAULT_TENANT, event.id)).toBe(WEBHOOKS);
    expect(await logged()).toHaveLength(WEBHOOKS);

    const worker = await startWorker(stack.taskQueue, { registry });
    try {
      await delivered(stack, event.id);
    } finally {
      await worker.stop();
    }
    expect(await stack.api().events.publish(event)).toMatchObject({ deliveries: 0, duplicate: true });
    expect(await queued(registry, DEFAULT_TENANT, event.id)).toBe(0);
    expect((await logged()).map((d) => [d.state, d.attempts])).toEqual(Array(WEBHOOKS).fill(['delivered', 1]));
    expect(r.requests.map((q) => webhookIdOf(q.headers)).sort()).toEqual(
      hooks.map((h) => `${h.id}/${event.id}`).sort(),
    );
  }, 120_000);

  test('issue 22: each stored automation runs once for the event, across the crash and the re-publish', async () => {
    const r = await stack.receiver((_req, res) => json(res, 200, {}));
    const type = unique('order.created');
    const automations = [];
    for (let i = 0; i < AUTOMATIONS; i++) {
      automations.push(
        await stack.api().automations.create({
          label: `a${i}`,
          on: { event: type },
          steps: [{ id: 'send', type: 'sendWebhook', with: { url: `${r.url}/a${i}/{{trigger.id}}` } }],
        }),
      );
    }
    const first = await doomedWorker(stack, database.url());
    const event = { id: unique('evt'), type, entity: { id: 1, type: 'order' } };
    const published = await stack.api().events.publish(event);
    expect(published.workflowId).toBe(`event/${DEFAULT_TENANT}/${event.id}`);
    await r.waitFor(5);
    await first.kill();
    expect(await stack.api().events.publish(event)).toMatchObject({ duplicate: true, deliveries: 0 });

    const second = await startWorker(stack.taskQueue, { registry: stack.registry() });
    const { client } = stack.temporal();
    try {
      expect(await client.workflow.getHandle(published.workflowId!).result()).toMatchObject({
        automations: { started: AUTOMATIONS, existing: 0 },
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
      return ids.length >= AUTOMATIONS ? ids : undefined;
    }, 'every automation run in visibility');
    expect(runs.sort()).toEqual(automations.map((a) => `${a.id}/${event.id}`).sort());
  }, 120_000);
});
