// Records the histories test/integration/replay.test.ts replays: every workflow type in its real shapes, run on a
// fresh dev server by a hookstep worker against a local receiver, written to test/fixtures/histories/<name>.json.
// Payloads are recorded unencrypted (no data converter), so a fixture reads as it is and replays without a key.
// Re-record after a deliberate change of workflow shape only (docs/_pending/tasks.md): `npx tsx scripts/histories/record.ts`.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { parseCidrList } from '../../activities/destination';
import { newSigningSecret, openRegistry, type Registry } from '../../src/registry';
import { startAutomation, startSendWebhook } from '../../src/client';
import { DEFAULT_TENANT, OPERATOR_SCOPE, WebhookFieldsSchema } from '../../src/contract';
import { fanOutWorkflowId } from '../../src/api/publish';
import { bundleWorkflows, createWorker, findTemporalCli, QUIET_LOGGER, startDevServer } from '../../src/worker';
import { bundleAltered } from './alteredBundle';

const OUT = resolve(__dirname, '../../test/fixtures/histories');
const QUEUE = 'record';
const OLD_QUEUE = 'record-old';
/** Beyond the fan-out's 2,000 deliveries per run, so it continues as new once. */
const FAN_OUT_WEBHOOKS = 2_001;

/** /ok answers 200, /fail 404, /flaky/<key> 500 twice per key and then 200. */
async function startReceiver(): Promise<{ server: Server; url: string }> {
  const seen = new Map<string, number>();
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const path = req.url ?? '/';
      const n = (seen.get(path) ?? 0) + 1;
      seen.set(path, n);
      const status = path === '/fail' ? 404 : path.startsWith('/flaky/') && n <= 2 ? 500 : 200;
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: status === 200 }));
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** Over this, a fixture is written gzipped (the continued fan-out's first run holds 2,000 child starts). */
const GZIP_OVER_BYTES = 1_000_000;

/**
 * The history as `temporal workflow show --output json` writes it (the form Worker.runReplayHistories reads), with the
 * run's workflow ID beside its events.
 */
function save(name: string, handle: { workflowId: string; runId?: string }, address: string): void {
  const run = handle.runId ? ['--run-id', handle.runId] : [];
  const json = execFileSync(
    findTemporalCli()!,
    ['workflow', 'show', '--address', address, '--workflow-id', handle.workflowId, ...run, '--output', 'json'],
    { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 },
  );
  // A history does not hold its own workflow ID, which replay needs (an automation's child IDs are made from it).
  const history = { workflowId: handle.workflowId, ...(JSON.parse(json) as { events: unknown[] }) };
  if (json.length > GZIP_OVER_BYTES) {
    writeFileSync(join(OUT, `${name}.json.gz`), gzipSync(JSON.stringify(history), { level: 9 }));
  } else {
    writeFileSync(join(OUT, `${name}.json`), `${JSON.stringify(history, null, 2)}\n`);
  }
  console.log(`${name}: ${history.events.length} events`);
}

/** Polls the run's history until it holds an event of `type` (a timer started, a child started). */
async function reaches(handle: WorkflowHandle, has: (e: Record<string, unknown>) => boolean): Promise<void> {
  for (;;) {
    const { events } = await handle.fetchHistory();
    if (events?.some((e) => has(e as Record<string, unknown>))) return;
    await new Promise((done) => setTimeout(done, 200));
  }
}
const timerStarted = (e: Record<string, unknown>) => e.timerStartedEventAttributes != null;

async function webhook(registry: Registry, fields: Record<string, unknown>): Promise<string> {
  return (
    await registry.webhooks.create(
      DEFAULT_TENANT,
      WebhookFieldsSchema.parse({ label: 'fixture', ...fields }),
      newSigningSecret(),
    )
  ).id;
}

async function publish(client: Client, registry: Registry, id: string, type: string) {
  await registry.events.insert({
    id,
    type,
    entity: { id, type: 'order' },
    data: { id },
    occurredAt: '2026-11-29T12:00:00.000Z',
    tenant: DEFAULT_TENANT,
  });
  return client.workflow.start('eventFanOut', {
    taskQueue: QUEUE,
    workflowId: fanOutWorkflowId(DEFAULT_TENANT, id),
    args: [{ eventId: id, type, tenant: DEFAULT_TENANT }],
  });
}

async function main(): Promise<void> {
  // IDs up to 1,000 characters, as before commit b9f69d8, for the old shape of an automation's child IDs.
  const server = await startDevServer({ dynamicConfig: { 'limit.maxIDLength': 1_000 } });
  const receiver = await startReceiver();
  const registry = await openRegistry({ memory: true });
  const native = await NativeConnection.connect({ address: server.address });
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection });
  const common = {
    connection: native,
    allowedNetworks: parseCidrList('127.0.0.0/8'),
    registry,
    attemptLog: false as const,
  };
  const current = await createWorker({
    ...common,
    taskQueue: QUEUE,
    workflowBundle: { code: (await bundleWorkflows(QUIET_LOGGER)).code },
  });
  // The automation as it was before b9f69d8: a parent ID up to 900 characters kept in its children's IDs.
  const oldAutomation = await bundleAltered('automation.ts', (source) =>
    source.replace('parentIdFits(info.workflowId, step.id)', 'info.workflowId.length <= 900'),
  );
  const old = await createWorker({ ...common, taskQueue: OLD_QUEUE, workflowBundle: { code: oldAutomation } });
  const running = [current.run(), old.run()];
  const r = receiver.url;
  try {
    const step = await startSendWebhook(
      client,
      { url: `${r}/flaky/step`, delay: '1s', retry: { initialInterval: '100ms' }, body: { order: 'A1' } },
      { taskQueue: QUEUE, workflowId: 'fixture-step' },
    );
    await step.result();
    save('sendWebhook-delay-retries', step, server.address);
    const retried = await startSendWebhook(
      client,
      { url: `${r}/flaky/retried`, retry: { initialInterval: '100ms' } },
      { taskQueue: QUEUE, workflowId: 'fixture-retried' },
    );
    await retried.result();
    save('sendWebhook-retries', retried, server.address);

    const automation = await startAutomation(
      client,
      {
        id: 'fixture',
        trigger: { orderId: 'A1' },
        steps: [
          { id: 'wait', type: 'delay', for: '1s' },
          { id: 'lost', type: 'sendWebhook', onFailure: 'continue', with: { url: `${r}/fail` } },
          {
            id: 'notify',
            type: 'sendWebhook',
            with: {
              url: `${r}/flaky/automation`,
              delay: '1s',
              retry: { initialInterval: '100ms' },
              body: { order: '{{trigger.orderId}}' },
            },
          },
          { id: 'stop', type: 'sendWebhook', with: { url: `${r}/fail` } },
          { id: 'never', type: 'sendWebhook', with: { url: `${r}/ok` } },
        ],
      },
      { taskQueue: QUEUE, workflowId: 'fixture-automation' },
    );
    await automation.result().catch(() => undefined);
    save('automation-delays-failures', automation, server.address);
    save('sendWebhook-failed-child', { workflowId: 'fixture-automation/lost' }, server.address);

    // Waiting on its delay step when recorded: a run in flight across a deploy.
    const longId = `fixture-long-${'x'.repeat(300)}`;
    const inFlight = {
      id: 'fixture-long',
      steps: [
        { id: 'a', type: 'sendWebhook' as const, with: { url: `${r}/ok` } },
        { id: 'later', type: 'delay' as const, for: '10d' },
      ],
    };
    const oldShape = await startAutomation(client, inFlight, { taskQueue: OLD_QUEUE, workflowId: longId });
    await reaches(oldShape, timerStarted);
    save('automation-old-child-id-waiting', oldShape, server.address);
    await oldShape.terminate('recorded');
    const newShape = await startAutomation(client, inFlight, { taskQueue: QUEUE, workflowId: `${longId}-new` });
    await reaches(newShape, timerStarted);
    save('automation-long-id-waiting', newShape, server.address);
    await newShape.terminate('recorded');

    for (let i = 0; i < FAN_OUT_WEBHOOKS; i++) {
      await webhook(registry, { event: 'order.created', url: `${r}/ok`, delay: { amount: 10, unit: 'day' } });
    }
    const fanOut = await publish(client, registry, 'evt_fixture_many', 'order.created');
    const { started } = (await fanOut.result()) as { started: number };
    if (started !== FAN_OUT_WEBHOOKS) throw new Error(`the fan-out started ${started} deliveries`);
    save(
      'eventFanOut-continued-first',
      { workflowId: fanOut.workflowId, runId: fanOut.firstExecutionRunId },
      server.address,
    );
    save('eventFanOut-continued-last', { workflowId: fanOut.workflowId }, server.address);
    const [first] = await registry.webhooks.list(OPERATOR_SCOPE, { event: 'order.created', limit: 1 });
    save('eventDelivery-waiting-delay', { workflowId: `${first.id}/evt_fixture_many` }, server.address);

    const paid = await webhook(registry, {
      event: 'order.paid',
      url: `${r}/flaky/event`,
      delay: { amount: 1, unit: 'second' },
      retry: { initialInterval: '100ms' },
    });
    await (await publish(client, registry, 'evt_fixture_paid', 'order.paid')).result();
    const delivery = client.workflow.getHandle(`${paid}/evt_fixture_paid`);
    await delivery.result();
    save('eventDelivery-delay-retries', delivery, server.address);

    const updated = await webhook(registry, {
      event: 'order.updated',
      url: `${r}/flaky/updated`,
      retry: { initialInterval: '100ms' },
    });
    await (await publish(client, registry, 'evt_fixture_updated', 'order.updated')).result();
    const retriedDelivery = client.workflow.getHandle(`${updated}/evt_fixture_updated`);
    await retriedDelivery.result();
    save('eventDelivery-retries', retriedDelivery, server.address);
  } finally {
    current.shutdown();
    old.shutdown();
    await Promise.allSettled(running);
    await native.close();
    await connection.close();
    await registry.close();
    receiver.server.close();
    await server.stop();
  }
}

void main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
