/** @cluster */
// Automations end to end: data passing between steps, onFailure, delays as timers, progress, worker crash, and
// validation before start. Real dev server, real worker, real receivers on 127.0.0.1.
import { WorkflowNotFoundError } from '@temporalio/client';
import type { ServerResponse } from 'node:http';
import { FailureType, InvalidInputError, progressQuery, type AutomationInput } from '../../src/contract';
import { runAutomation, startAutomation } from '../../src/client';
import { spawnCli } from '../helpers/cli';
import { decodeWithTestKey } from '../helpers/codec';
import { expectFailure } from '../helpers/failures';
import { json } from '../helpers/receiver';
import { startWorker, temporalAddress, uniqueQueue, useHarness } from '../helpers/temporal';
import { until } from '../helpers/until';

const harness = useHarness('automation');
const { taskQueue, receiver } = harness;

test("step 1's declared fields reach step 2's URL path, a header, a query parameter and the body", async () => {
  const desk = await receiver((_req, res) => json(res, 200, { ticketId: 'T 42/x', priority: 3, other: 'dropped' }));
  const chat = await receiver((_req, res) => json(res, 200, { ok: true }));
  const definition: AutomationInput = {
    id: 'order-sync',
    trigger: { orderId: 'AG-1:ORD-9', total: 53 },
    steps: [
      {
        id: 'createTicket',
        type: 'sendWebhook',
        with: {
          url: `${desk.url}/tickets`,
          body: { orderId: '{{trigger.orderId}}', total: '{{trigger.total}}' },
          response: { fields: { ticketId: 'string', priority: 'number' } },
        },
      },
      {
        id: 'notify',
        type: 'sendWebhook',
        with: {
          url: `${chat.url}/hooks/{{steps.createTicket.body.ticketId}}`,
          query: { ticket: '{{steps.createTicket.body.ticketId}}' },
          headers: { 'X-Priority': '{{steps.createTicket.body.priority}}' },
          body: {
            priority: '{{steps.createTicket.body.priority}}',
            status: '{{steps.createTicket.status}}',
            text: 'Ticket {{steps.createTicket.body.ticketId}} opened for {{trigger.orderId}}',
          },
        },
      },
    ],
  };
  const result = await runAutomation(harness.client(), definition, { taskQueue });

  expect(JSON.parse(desk.requests[0].body)).toEqual({ orderId: 'AG-1:ORD-9', total: 53 });
  const sent = chat.requests[0];
  // An added query value: a space is %20 (never +), and / means nothing to a query parser, so it is kept.
  expect(sent.url).toBe('/hooks/T%2042%2Fx?ticket=T%2042/x');
  expect(new URL(sent.url, 'http://x').searchParams.get('ticket')).toBe('T 42/x');
  expect(sent.headers['x-priority']).toBe('3');
  expect(JSON.parse(sent.body)).toEqual({ priority: 3, status: 200, text: 'Ticket T 42/x opened for AG-1:ORD-9' });
  expect(result.steps.createTicket).toEqual({ status: 200, body: { ticketId: 'T 42/x', priority: 3 }, attempts: 1 });
  expect(result.steps.notify).toMatchObject({ status: 200, attempts: 1 });
});

test('onFailure: continue exposes the error to a later step', async () => {
  const failing = await receiver((_req, res) => json(res, 404, { error: 'gone' }));
  const after = await receiver((_req, res) => json(res, 200, {}));
  const result = await runAutomation(
    harness.client(),
    {
      id: 'continue',
      steps: [
        { id: 'first', type: 'sendWebhook', onFailure: 'continue', with: { url: failing.url } },
        {
          id: 'second',
          type: 'sendWebhook',
          with: {
            url: after.url,
            body: { failed: '{{steps.first.error.type}}', code: '{{steps.first.error.status}}' },
          },
        },
      ],
    },
    { taskQueue },
  );
  expect(JSON.parse(after.requests[0].body)).toEqual({ failed: FailureType.HttpClientError, code: 404 });
  expect(result.steps.first).toEqual({
    error: { type: FailureType.HttpClientError, status: 404, message: expect.stringContaining('got HTTP 404') },
  });
});

test('onFailure: stop fails the automation; the cause chain reaches the step failure; later steps are skipped', async () => {
  const failing = await receiver((_req, res) => json(res, 404, {}));
  const after = await receiver((_req, res) => json(res, 200, {}));
  const handle = await startAutomation(
    harness.client(),
    {
      id: 'stop',
      steps: [
        { id: 'first', type: 'sendWebhook', with: { url: failing.url } },
        { id: 'second', type: 'sendWebhook', with: { url: after.url } },
      ],
    },
    { taskQueue },
  );
  const { links, failure } = await expectFailure(handle.result());
  // StepFailed, then the step's run, whose own failure is the delivery's (attempt 1 ran as a local activity).
  expect(links).toEqual([
    'WorkflowFailedError',
    'ApplicationFailure',
    'ChildWorkflowFailure',
    'ApplicationFailure',
    'ApplicationFailure',
  ]);
  expect(failure.type).toBe(FailureType.HttpClientError);
  expect(after.requests).toHaveLength(0);
  const progress = await handle.query(progressQuery);
  expect(progress.steps.map((s) => s.state)).toEqual(['failed', 'skipped']);
});

test('a delay step holds the next step for its duration and shows as a timer with its step in the summary', async () => {
  const r = await receiver((_req, res) => json(res, 200, {}));
  const handle = await startAutomation(
    harness.client(),
    {
      id: 'delayed',
      steps: [
        { id: 'before', type: 'sendWebhook', with: { url: r.url } },
        { id: 'pause', type: 'delay', for: '1500ms' },
        { id: 'after', type: 'sendWebhook', with: { url: r.url } },
      ],
    },
    { taskQueue },
  );
  await handle.result();
  expect(r.requests).toHaveLength(2);
  expect(r.requests[1].at - r.requests[0].at).toBeGreaterThanOrEqual(1500);
  const history = await handle.fetchHistory();
  const timers = (history.events ?? []).filter((e) => e.timerStartedEventAttributes);
  expect(timers).toHaveLength(1);
  // Summaries are payloads, encrypted like the rest: read with the key.
  expect(await decodeWithTestKey(timers[0].userMetadata?.summary)).toBe('delay step "pause" (steps[1])');
});

test('the progress query reflects the running step and its attempts', async () => {
  let release: (() => void) | undefined;
  const r = await receiver((_req, res: ServerResponse, i) => {
    if (i === 0) return json(res, 500, {});
    release = () => json(res, 200, {});
  });
  const handle = await startAutomation(
    harness.client(),
    {
      id: 'progress',
      steps: [
        { id: 'slow', type: 'sendWebhook', with: { url: r.url, retry: { initialInterval: '100ms' } } },
        { id: 'later', type: 'delay', for: '1ms' },
      ],
    },
    { taskQueue },
  );
  const progress = await until(async () => {
    const p = await handle.query(progressQuery);
    return p.steps[0].attempts === 2 ? p : undefined;
  }, 'attempt 2 in progress');
  expect(progress.steps[0]).toMatchObject({
    id: 'slow',
    state: 'running',
    attempts: 2,
    workflowId: `${handle.workflowId}/slow`,
  });
  expect(progress.steps[1].state).toBe('pending');
  await r.waitFor(2);
  release!();
  const result = await handle.result();
  expect(result.steps.slow).toMatchObject({ status: 200, attempts: 2 });
});

test('the worker is killed between steps; a new worker finishes and step 1 was sent exactly once', async () => {
  const queue = uniqueQueue('automation-crash');
  const r1 = await receiver((_req, res) => json(res, 200, { id: 'A' }));
  const r2 = await receiver((_req, res) => json(res, 200, {}));
  const first = spawnCli(['worker'], {
    TEMPORAL_ADDRESS: temporalAddress(),
    HOOKSTEP_TASK_QUEUE: queue,
    HOOKSTEP_ALLOWED_NETWORKS: '127.0.0.0/8',
  });
  try {
    await first.waitFor(/hookstep worker polling/);
    const handle = await startAutomation(
      harness.client(),
      {
        id: 'crash',
        steps: [
          { id: 'one', type: 'sendWebhook', with: { url: r1.url, response: { fields: { id: 'string' } } } },
          { id: 'gap', type: 'delay', for: '3s' },
          { id: 'two', type: 'sendWebhook', with: { url: r2.url, body: { from: '{{steps.one.body.id}}' } } },
        ],
      },
      { taskQueue: queue },
    );
    await until(async () => {
      const p = await handle.query(progressQuery);
      return p.steps[1].state === 'waiting' ? p : undefined;
    }, 'step 1 done and the delay running');
    first.child.kill('SIGKILL');
    await first.exited;
    expect(r2.requests).toHaveLength(0);

    const second = await startWorker(queue);
    try {
      const result = await handle.result();
      expect(result.steps.two).toMatchObject({ status: 200 });
    } finally {
      await second.stop();
    }
    expect(r1.requests).toHaveLength(1);
    expect(r2.requests).toHaveLength(1);
    expect(JSON.parse(r2.requests[0].body)).toEqual({ from: 'A' });
  } finally {
    first.child.kill('SIGKILL');
  }
});

describe('invalid definitions are rejected before any workflow starts', () => {
  const send = (id: string, extra: object = {}) => ({
    id,
    type: 'sendWebhook' as const,
    with: { url: 'https://example.com/h', ...extra },
  });
  const cases: [string, unknown, RegExp][] = [
    [
      'duplicate ids',
      { id: 'a', steps: [send('x'), send('x')] },
      /steps\[1\]\.id: "x" is already the id of steps\[0\]/,
    ],
    [
      'a forward reference',
      { id: 'a', steps: [send('x', { body: { v: '{{steps.y.status}}' } }), send('y')] },
      /steps\[0\]\.with\.body\.v: \{\{steps\.y\.status\}\}: "y" is a later step/,
    ],
    [
      'an undeclared body field',
      {
        id: 'a',
        steps: [
          send('x', { response: { fields: { id: 'string' } } }),
          send('y', { url: 'https://e.com/{{steps.x.body.nope}}' }),
        ],
      },
      /steps\[1\]\.with\.url: \{\{steps\.x\.body\.nope\}\}: "x" does not declare "nope"/,
    ],
    [
      'more than 100 steps',
      { id: 'a', steps: Array.from({ length: 101 }, (_, i) => send(`s${i}`)) },
      /steps: must hold at most 100 steps/,
    ],
    [
      'a malformed template',
      { id: 'a', steps: [send('x', { headers: { 'X-A': '{{trigger.}}' } })] },
      /steps\[0\]\.with\.headers\.X-A: \{\{trigger\.\}\}: expected trigger/,
    ],
    [
      'a self reference',
      { id: 'a', steps: [send('x', { query: { q: '{{steps.x.status}}' } })] },
      /steps\[0\]\.with\.query\.q: .*refer to itself/,
    ],
  ];

  test.each(cases)('%s', async (_name, definition, message) => {
    const workflowId = uniqueQueue('invalid');
    const attempt = startAutomation(harness.client(), definition as AutomationInput, { taskQueue, workflowId });
    await expect(attempt).rejects.toBeInstanceOf(InvalidInputError);
    await expect(attempt).rejects.toThrow(message);
    await expect(harness.client().workflow.getHandle(workflowId).describe()).rejects.toBeInstanceOf(
      WorkflowNotFoundError,
    );
  });

  test('started by workflow name, an invalid definition fails at once with InvalidAutomation', async () => {
    const handle = await harness.client().workflow.start('automation', {
      taskQueue,
      workflowId: uniqueQueue('by-name'),
      args: [{ id: 'a', steps: [send('x'), send('x')] }],
    });
    const { failure } = await expectFailure(handle.result());
    expect(failure.type).toBe(FailureType.InvalidAutomation);
    expect(failure.message).toContain('steps[1].id');
  });
});

test('a template with no value at run time fails its step with TemplateError; nothing is sent for it', async () => {
  const r = await receiver((_req, res) => json(res, 200, {}));
  const result = await runAutomation(
    harness.client(),
    {
      id: 'missing',
      trigger: {},
      steps: [
        {
          id: 'x',
          type: 'sendWebhook',
          onFailure: 'continue',
          with: { url: r.url, body: { a: '{{trigger.absent}}' } },
        },
      ],
    },
    { taskQueue },
  );
  expect(result.steps.x).toMatchObject({
    error: { type: FailureType.TemplateError, message: expect.stringContaining('trigger.absent') },
  });
  expect(r.requests).toHaveLength(0);
});
