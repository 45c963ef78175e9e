// Stored automations run by events (issue 22), through the HTTP API as a store's platform uses it: each event runs each
// active automation of its tenant and type once, with the event as its trigger, and the version of the steps it
// started with. Real dev server, real worker, real receivers on 127.0.0.1, on each registry database.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServerResponse } from 'node:http';
import { createApiClient } from '../../src/client/api';
import {
  InvalidInputError,
  progressQuery,
  type AutomationResult,
  type AutomationRun,
  type AutomationInput,
} from '../../src/contract';
import { runCli } from '../helpers/cli';
import { unique, useEventStack } from '../helpers/events';
import { json } from '../helpers/receiver';
import { registryDatabases } from '../helpers/registry';
import { until } from '../helpers/until';
import { expectNoRun } from '../helpers/webhooks';

type StepInput = AutomationInput['steps'][number];

const post = (id: string, url: string, body: Record<string, string | number> = {}): StepInput => ({
  id,
  type: 'sendWebhook',
  onFailure: 'stop',
  with: { url, body },
});

describe.each(registryDatabases())('stored automations on $name', (database) => {
  const stack = useEventStack('stored-automations', database);
  /** A new tenant and a client with its own key. */
  const store = async () => {
    const tenant = unique('store');
    const { key } = await stack.api().tenants.keys.create(tenant);
    return { tenant, key, api: createApiClient({ url: stack.apiUrl(), apiKey: key }) };
  };
  const fanOut = (tenant: string, eventId: string) =>
    stack.temporal().client.workflow.getHandle(`event/${tenant}/${eventId}`).result();
  /** The run's result, once the event's fan-out (which starts it) has ended. */
  const runResult = async (auto: { id: string; tenant: string }, eventId: string) => {
    await fanOut(auto.tenant, eventId);
    return (await stack.temporal().client.workflow.getHandle(`${auto.id}/${eventId}`).result()) as AutomationResult;
  };
  const call = async (method: string, path: string, key: string, body?: unknown) => {
    const res = await fetch(`${stack.apiUrl()}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as { errors?: unknown } };
  };

  test("sentry#116075, n8n#24513: an event runs each active automation of its tenant and type once, with the event as trigger; another tenant's, one made inactive or switched off, and another type's do not run", async () => {
    const [a, b] = [await store(), await store()];
    const r = await stack.receiver((_req, res) => json(res, 200, {}));
    const type = unique('order.created');
    const step = (label: string) =>
      post('send', `${r.url}/{{trigger.entity.id}}`, {
        automation: label,
        orderId: '{{trigger.data.orderId}}',
        event: '{{trigger.id}}',
        tenant: '{{trigger.tenant}}',
      });
    const mk = (api: typeof a.api, label: string, event: string, active = true) =>
      api.automations.create({ label, on: { event }, active, steps: [step(label)] });
    const [a1, a2, inactive, otherType] = [
      await mk(a.api, 'a1', type),
      await mk(a.api, 'a2', type),
      await mk(a.api, 'off', type, false),
      await mk(a.api, 'other', `${type}.other`),
    ];
    const theirs = await mk(b.api, 'b1', type);
    const switchedOff = await mk(a.api, 'switched off', type);
    expect(await a.api.automations.update(switchedOff.id, { active: false })).toMatchObject({ active: false });
    expect([a1.id, theirs.id]).toEqual([expect.stringMatching(/^au_[0-9a-f]{24}$/), expect.stringMatching(/^au_/)]);
    expect(a1).toMatchObject({ tenant: a.tenant, version: 1, active: true, on: { event: type } });
    expect(theirs.tenant).toBe(b.tenant);

    const id = unique('ord');
    await a.api.events.publish({ id, type, entity: { id: 'E-7', type: 'order' }, data: { orderId: 'O-1' } });
    expect(await fanOut(a.tenant, id)).toEqual({ started: 0, existing: 0, automations: { started: 2, existing: 0 } });
    expect(await runResult(a1, id)).toEqual({
      steps: { send: expect.objectContaining({ status: 200 }) },
      version: 1,
    });
    await runResult(a2, id);

    const bodies = r.requests.map((q) => JSON.parse(q.body) as { automation: string });
    expect(bodies.sort((x, y) => x.automation.localeCompare(y.automation))).toEqual([
      { automation: 'a1', orderId: 'O-1', event: id, tenant: a.tenant },
      { automation: 'a2', orderId: 'O-1', event: id, tenant: a.tenant },
    ]);
    expect(r.requests.map((q) => q.url)).toEqual(['/E-7', '/E-7']);
    const { client } = stack.temporal();
    for (const none of [inactive, switchedOff, otherType, theirs]) await expectNoRun(client, `${none.id}/${id}`);
    // Searchable by automation id and event type, and the version it ran is in its memo.
    const described = await client.workflow.getHandle(`${a1.id}/${id}`).describe();
    expect(described.memo).toEqual({ hookstepAutomationVersion: 1 });
    expect(described.typedSearchAttributes.getAll().map((p) => [p.key.name, p.value])).toEqual(
      expect.arrayContaining([
        ['HookstepAutomationId', a1.id],
        ['HookstepEventType', type],
        ['HookstepTenant', a.tenant],
      ]),
    );
  });

  test('n8n#38083: one event published twice at once, and its fan-out run again as after a crash, runs each automation once', async () => {
    const a = await store();
    const r = await stack.receiver((_req, res) => json(res, 200, {}));
    const type = unique('order.created');
    const auto = await a.api.automations.create({ label: 'once', on: { event: type }, steps: [post('send', r.url)] });
    const event = { id: unique('ord'), type, entity: { id: 1, type: 'order' }, data: {} };
    const published = await Promise.all([a.api.events.publish(event), a.api.events.publish(event)]);
    expect(published.map((p) => p.duplicate).sort()).toEqual([false, true]);
    await fanOut(a.tenant, event.id);
    await runResult(auto, event.id);

    // The fan-out's work done again (a worker crashed before its starts were recorded, or an operator re-ran it).
    const again = await stack.temporal().client.workflow.execute('eventFanOut', {
      taskQueue: stack.taskQueue,
      workflowId: unique('refan'),
      args: [{ eventId: event.id, type, tenant: a.tenant }],
    });
    expect(again).toEqual({ started: 0, existing: 0, automations: { started: 0, existing: 1 } });
    expect(r.requests).toHaveLength(1);
  });

  test('an update does not change a run in flight: a run holding at its first step, then waiting on its delay, sends with the steps it started with', async () => {
    const a = await store();
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const gate = await stack.receiver(async (_req, res: ServerResponse) => {
      await held;
      json(res, 200, {});
    });
    const [v1, v2] = [
      await stack.receiver((_req, res) => json(res, 200, {})),
      await stack.receiver((_req, res) => json(res, 200, {})),
    ];
    const type = unique('order.created');
    const steps = (url: string): StepInput[] => [
      post('hold', gate.url),
      { id: 'wait', type: 'delay', for: '1s' },
      post('send', url, { n: '{{trigger.data.n}}' }),
    ];
    const auto = await a.api.automations.create({ label: 'v', on: { event: type }, steps: steps(v1.url) });
    const first = unique('ord');
    await a.api.events.publish({ id: first, type, entity: { id: 1, type: 'order' }, data: { n: 1 } });
    await gate.waitFor(1);

    const updated = await a.api.automations.update(auto.id, { steps: steps(v2.url) });
    expect(updated).toMatchObject({ id: auto.id, version: 2, steps: steps(v2.url) });
    expect(await a.api.automations.get(auto.id)).toEqual(updated);
    const handle = stack.temporal().client.workflow.getHandle(`${auto.id}/${first}`);
    expect((await handle.query(progressQuery)).steps.map((s) => s.state)).toEqual(['running', 'pending', 'pending']);
    release();
    expect(await handle.result()).toMatchObject({ version: 1 });
    expect([v1.requests.length, v2.requests.length]).toEqual([1, 0]);

    const second = unique('ord');
    await a.api.events.publish({ id: second, type, entity: { id: 2, type: 'order' }, data: { n: 2 } });
    expect(await runResult(auto, second)).toMatchObject({ version: 2 });
    expect(v2.requests.map((q) => JSON.parse(q.body) as unknown)).toEqual([{ n: 2 }]);
    expect(v1.requests).toHaveLength(1);
  });

  test('n8n#30607: an automation saved again and again runs once per event, with its latest version only', async () => {
    const a = await store();
    const r = await stack.receiver((_req, res) => json(res, 200, {}));
    const type = unique('order.created');
    const auto = await a.api.automations.create({
      label: 'saved',
      on: { event: type },
      steps: [post('send', r.url, { v: 1 })],
    });
    await a.api.automations.update(auto.id, { steps: [post('send', r.url, { v: 2 })] });
    await a.api.automations.update(auto.id, { steps: [post('send', r.url, { v: 3 })] });
    // A change of label alone, or the same steps again, makes no version.
    await a.api.automations.update(auto.id, { label: 'saved again' });
    expect(await a.api.automations.update(auto.id, { steps: [post('send', r.url, { v: 3 })] })).toMatchObject({
      label: 'saved again',
      version: 3,
    });
    const id = unique('ord');
    await a.api.events.publish({ id, type, entity: { id: 1, type: 'order' }, data: {} });
    expect(await fanOut(a.tenant, id)).toMatchObject({ automations: { started: 1, existing: 0 } });
    expect(await runResult(auto, id)).toMatchObject({ version: 3 });
    expect(r.requests.map((q) => JSON.parse(q.body) as unknown)).toEqual([{ v: 3 }]);
  });

  test('a bad definition is refused with a 400 naming the field, and nothing is stored or sent', async () => {
    const a = await store();
    const type = unique('order.created');
    const later = [post('first', 'https://x.example/{{steps.second.body.id}}'), post('second', 'https://x.example/')];
    const refused = await call('POST', '/v1/automations', a.key, { label: 'bad', on: { event: type }, steps: later });
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([
      { field: 'body/steps/0/with/url', message: expect.stringContaining('"second" is a later step') },
    ]);
    const chosen = await call('POST', '/v1/automations', a.key, {
      id: 'mine',
      trigger: {},
      label: 'bad',
      on: { event: type },
      steps: [post('s', 'ftp://x.example/')],
    });
    expect(chosen.status).toBe(400);
    expect(chosen.body.errors).toEqual(
      expect.arrayContaining([
        { field: 'body/id', message: 'is not a known field' },
        { field: 'body/trigger', message: 'is not a known field' },
        { field: 'body/steps/0/with/url', message: expect.stringContaining('http or https') },
      ]),
    );
    const good = await a.api.automations.create({
      label: 'ok',
      on: { event: type },
      steps: [post('s', 'https://x.example/')],
    });
    const patch = await call('PATCH', `/v1/automations/${good.id}`, a.key, {
      steps: [post('s', 'https://x.example/{{steps.s.body.x}}')],
    });
    expect(patch.status).toBe(400);
    expect(patch.body.errors).toEqual([
      { field: 'body/steps/0/with/url', message: expect.stringContaining('a step cannot refer to itself') },
    ]);
    // The typed client refuses before sending, naming the same field.
    expect(() => a.api.automations.create({ label: 'bad', on: { event: type }, steps: later })).toThrow(
      InvalidInputError,
    );
    expect(await a.api.automations.list()).toEqual([good]);
  });

  test("a tenant key reads, changes and deletes only its own automations: another tenant's is the 404 of a missing one", async () => {
    const [a, b] = [await store(), await store()];
    const theirs = await b.api.automations.create({
      label: 'b',
      on: { event: 'order.created' },
      steps: [post('s', 'https://b.example/')],
    });
    const missing = await call('GET', '/v1/automations/au_000000000000000000000000', a.key);
    expect(missing.status).toBe(404);
    for (const [method, path] of [
      ['GET', `/v1/automations/${theirs.id}`],
      ['PATCH', `/v1/automations/${theirs.id}`],
      ['DELETE', `/v1/automations/${theirs.id}`],
      ['GET', `/v1/automations/${theirs.id}/runs`],
    ]) {
      const body = method === 'PATCH' ? { active: false } : undefined;
      expect([method, path, await call(method, path, a.key, body)]).toEqual([method, path, missing]);
    }
    expect(await b.api.automations.get(theirs.id)).toEqual(theirs);
    const other = await call('POST', '/v1/automations', a.key, {
      label: 'x',
      tenant: b.tenant,
      on: { event: 'order.created' },
      steps: [post('s', 'https://a.example/')],
    });
    expect(other.status).toBe(400);
    await b.api.automations.delete(theirs.id);
    expect(await b.api.automations.list()).toEqual([]);
  });

  test(
    'nocobase#2523, n8n#15854, n8n#28061, temporalio/ui#1183: the runs list shows a failed run with the step that ' +
      'stopped it and its failure type beside a completed one, of this automation only and nothing of another ' +
      "tenant's, in pages, after their Temporal histories are gone",
    async () => {
      const [a, b] = [await store(), await store()];
      const ok = await stack.receiver((_req, res) => json(res, 200, { fine: true }));
      const gone = await stack.receiver((_req, res) => json(res, 404, { error: 'no such order' }));
      const type = unique('order.created');
      const auto = await a.api.automations.create({
        label: 'fails on 2',
        on: { event: type },
        steps: [post('first', ok.url), post('second', '{{trigger.data.url}}')],
      });
      // Another automation of the same tenant and type: its runs are its own (n8n#28061).
      const sibling = await a.api.automations.create({
        label: 'sibling',
        on: { event: type },
        steps: [post('s', ok.url)],
      });
      const [good, bad] = [unique('ord'), unique('ord')];
      await a.api.events.publish({ id: good, type, entity: { id: 1, type: 'order' }, data: { url: ok.url } });
      await runResult(auto, good);
      await a.api.events.publish({ id: bad, type, entity: { id: 2, type: 'order' }, data: { url: gone.url } });
      await expect(runResult(auto, bad)).rejects.toThrow();
      await Promise.all([runResult(sibling, good), runResult(sibling, bad)]);
      // A row of another tenant under this automation's id (as a bug writing the wrong tenant would leave one).
      await stack
        .registry()
        .automationRuns.started(b.tenant, { id: unique('theirs'), type }, [{ automationId: auto.id, version: 1 }]);

      // Temporal's retention deletes a closed run's history (temporalio/ui#1183): the list does not read it.
      const { client } = stack.temporal();
      for (const eventId of [good, bad]) {
        const workflowExecution = { workflowId: `${auto.id}/${eventId}` };
        await client.workflowService.deleteWorkflowExecution({
          namespace: client.options.namespace,
          workflowExecution,
        });
        await until(
          () =>
            client.workflow
              .getHandle(workflowExecution.workflowId)
              .describe()
              .then(
                () => undefined,
                () => true,
              ),
          'the run deleted from Temporal',
          60_000,
        );
      }

      const common = { automationId: auto.id, tenant: a.tenant, eventType: type, version: 1 };
      const failed = {
        ...common,
        workflowId: `${auto.id}/${bad}`,
        eventId: bad,
        state: 'failed',
        startedAt: expect.any(String),
        endedAt: expect.any(String),
        failedStep: 'second',
        failureType: 'HttpClientError',
        message: expect.stringContaining('step "second" (steps[1]) failed with HttpClientError'),
      };
      const completed = {
        ...common,
        workflowId: `${auto.id}/${good}`,
        eventId: good,
        state: 'completed',
        startedAt: expect.any(String),
        endedAt: expect.any(String),
      };
      expect(await a.api.automations.runs(auto.id)).toEqual([failed, completed]);
      const first = await a.api.automations.runPage(auto.id, { limit: 1 });
      expect(first).toEqual({ runs: [failed], next: expect.any(String) });
      expect(await a.api.automations.runPage(auto.id, { limit: 1, after: first.next })).toEqual({ runs: [completed] });
      expect(await a.api.automations.runs(auto.id, { state: 'failed' })).toEqual([failed]);
      expect(await a.api.automations.runs(auto.id, { state: 'running' })).toEqual([]);
      expect((await a.api.automations.runs(sibling.id)).map((r) => [r.automationId, r.eventId, r.state])).toEqual([
        [sibling.id, bad, 'completed'],
        [sibling.id, good, 'completed'],
      ]);
      const badState = await call('GET', `/v1/automations/${auto.id}/runs?state=done`, a.key);
      expect([badState.status, badState.body.errors]).toEqual([
        400,
        [{ field: 'querystring/state', message: expect.any(String) }],
      ]);
    },
  );

  test('a run whose end cannot be logged waits, retrying the write visibly, and ends once the registry takes it', async () => {
    const a = await store();
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const gate = await stack.receiver(async (_req, res: ServerResponse) => {
      await held;
      json(res, 200, {});
    });
    const type = unique('order.created');
    const auto = await a.api.automations.create({
      label: 'held',
      on: { event: type },
      steps: [post('send', gate.url)],
    });
    const id = unique('ord');
    await a.api.events.publish({ id, type, entity: { id: 1, type: 'order' }, data: {} });
    await gate.waitFor(1);
    const { db } = stack.registry();
    await db.query('alter table automation_runs rename to automation_runs_away');
    const handle = stack.temporal().client.workflow.getHandle(`${auto.id}/${id}`);
    try {
      release();
      const pending = await until(async () => {
        const [activity] = (await handle.describe()).raw.pendingActivities ?? [];
        return activity && (activity.attempt ?? 0) >= 2 ? activity : undefined;
      }, 'the run log write retried');
      expect(pending.activityType?.name).toBe('recordAutomationRun');
      expect(pending.lastFailure?.message).toContain('automation_runs');
    } finally {
      await db.query('alter table automation_runs_away rename to automation_runs');
    }
    expect(await handle.result()).toMatchObject({ version: 1 });
    expect(await a.api.automations.runs(auto.id)).toEqual([
      expect.objectContaining({ eventId: id, state: 'completed' }),
    ]);
  });

  test('n8n#14748: a run waiting on its delay step is listed running; cancelled, it is listed failed, not running for good', async () => {
    const a = await store();
    const type = unique('order.created');
    const auto = await a.api.automations.create({
      label: 'waits',
      on: { event: type },
      steps: [{ id: 'wait', type: 'delay', for: '1h' }, post('send', 'https://never.example/')],
    });
    const id = unique('ord');
    await a.api.events.publish({ id, type, entity: { id: 1, type: 'order' }, data: {} });
    await fanOut(a.tenant, id);
    const [waiting] = await a.api.automations.runs(auto.id);
    expect(waiting).toMatchObject({ eventId: id, state: 'running', version: 1 });
    expect(waiting.endedAt).toBeUndefined();

    const handle = stack.temporal().client.workflow.getHandle(`${auto.id}/${id}`);
    await handle.cancel();
    await expect(handle.result()).rejects.toThrow();
    expect(await a.api.automations.runs(auto.id)).toEqual([
      expect.objectContaining({
        eventId: id,
        state: 'failed',
        failureType: 'CancelledFailure',
        endedAt: expect.any(String),
      }),
    ]);
  });

  test("Vendasta's example: a store's order.created posts accountId, orderId and partnerId, and the next step uses the reply's ticketId", async () => {
    const a = await store();
    const handler = await stack.receiver((_req, res) => json(res, 201, { ticketId: 'TCK-1042' }));
    const chat = await stack.receiver((_req, res) => json(res, 200, {}));
    const definition = {
      label: 'open a ticket per order',
      on: { event: 'order.created' },
      steps: [
        {
          id: 'openTicket',
          type: 'sendWebhook',
          with: {
            url: `${handler.url}/orders`,
            body: {
              accountId: '{{trigger.data.accountId}}',
              orderId: '{{trigger.data.orderId}}',
              partnerId: '{{trigger.data.partnerId}}',
            },
            response: { fields: { ticketId: 'string' } },
          },
        },
        {
          id: 'notify',
          type: 'sendWebhook',
          with: {
            url: `${chat.url}/tickets/{{steps.openTicket.body.ticketId}}`,
            body: { text: 'Ticket {{steps.openTicket.body.ticketId}} for order {{trigger.entity.id}}' },
          },
        },
      ],
    };
    // Registered with the CLI from a JSON file, as `hookstep run` takes one.
    const dir = mkdtempSync(join(tmpdir(), 'hookstep-automation-'));
    writeFileSync(join(dir, 'automation.json'), JSON.stringify(definition));
    const env = { HOOKSTEP_API_URL: stack.apiUrl(), HOOKSTEP_API_KEY: a.key };
    const created = await runCli(['automations', 'create', '--file', join(dir, 'automation.json')], env);
    expect([created.code, created.stderr]).toEqual([0, '']);
    const auto = JSON.parse(created.stdout) as { id: string; tenant: string };
    expect(auto.tenant).toBe(a.tenant);
    const listed = await runCli(['automations', 'list', '--event', 'order.created'], env);
    expect(JSON.parse(listed.stdout)).toEqual([expect.objectContaining({ id: auto.id })]);

    const id = 'AG-123:ORD-9';
    await a.api.events.publish({
      id,
      type: 'order.created',
      entity: { id: 'ORD-9', type: 'order' },
      data: { accountId: 'AG-123', orderId: 'ORD-9', partnerId: 'ABC' },
    });
    const result = await runResult(auto, id);
    expect(JSON.parse(handler.requests[0].body)).toEqual({ accountId: 'AG-123', orderId: 'ORD-9', partnerId: 'ABC' });
    expect(chat.requests.map((q) => [q.url, JSON.parse(q.body) as unknown])).toEqual([
      ['/tickets/TCK-1042', { text: 'Ticket TCK-1042 for order ORD-9' }],
    ]);
    expect(result).toMatchObject({
      version: 1,
      steps: { openTicket: { status: 201, body: { ticketId: 'TCK-1042' } } },
    });

    const runs = await until(async () => {
      const out = await runCli(['automations', 'runs', auto.id], env);
      const parsed = JSON.parse(out.stdout || '[]') as AutomationRun[];
      return parsed.some((x) => x.state === 'completed') ? parsed : undefined;
    }, 'the run listed as completed');
    expect(runs).toEqual([expect.objectContaining({ eventId: id, state: 'completed', version: 1 })]);
    const none = await runCli(['automations', 'runs', auto.id, '--state', 'failed'], env);
    expect([none.code, JSON.parse(none.stdout)]).toEqual([0, []]);
  });
});
