// Temporal goes away under a receiver: it answers 503 with Retry-After at once (the sender retries, nothing is lost),
// and once Temporal is back on the same address the sender's next retry starts the run. The receiver's Temporal is a
// dev server of this test's own, file-backed so a restart keeps its runs; the sender is hookstep on the shared one.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { startSendWebhook } from '../../src/client';
import { RECEIVER_CHANNEL_ARGS, createReceiver } from '../../src/receiver';
import { startDevServer, type DevServer } from '../../src/worker';
import { freePort } from '../helpers/cli';
import { useHarness } from '../helpers/temporal';
import { SECRET, post, resultLog, serveNode, signedDelivery, webhookId } from '../helpers/webhooks';

const sender = useHarness('outage-sender');

test('Temporal stopped: 503 with Retry-After; back again: the retry starts the run', async () => {
  const port = await freePort();
  const dbFilename = join(mkdtempSync(join(tmpdir(), 'hookstep-outage-')), 'temporal.db');
  let server: DevServer | undefined = await startDevServer({ port, dbFilename });
  const connection = Connection.lazy({ address: server.address, channelArgs: RECEIVER_CHANNEL_ARGS });
  const client = new Client({ connection });
  const log = resultLog();
  const receiver = createReceiver({
    client,
    secrets: SECRET,
    workflowType: 'fulfilOrder',
    startTimeoutMs: 1_000,
    retryAfterSeconds: 1,
    onResult: log.onResult,
  });
  const http = await serveNode(receiver);
  try {
    const before = await post(http.url, signedDelivery({ orderId: 'AG-1:ORD-before' }, webhookId()));
    expect(before.status).toBe(202);

    await server.stop();
    server = undefined;
    const down = await post(http.url, signedDelivery({ orderId: 'AG-1:ORD-down' }, webhookId()));
    expect(down).toMatchObject({ status: 503, json: { code: 'TEMPORAL_UNAVAILABLE' } });
    expect(down.headers.get('retry-after')).toBe('1');

    const step = await startSendWebhook(
      sender.client(),
      {
        url: http.url,
        body: { orderId: 'AG-1:ORD-outage' },
        signing: { secret: SECRET },
        timeout: '10s',
        retry: { initialInterval: '200ms', maximumInterval: '1s', maximumAttempts: 100 },
        response: { fields: { workflowId: 'string', runId: 'string' } },
      },
      { taskQueue: sender.taskQueue },
    );
    const handlerId = `fulfilOrder-${step.workflowId}`;
    // The step's first attempt reached the receiver and was told to come back.
    expect(await log.waitFor((r) => r.workflowId === handlerId)).toMatchObject({ status: 503 });

    server = await startDevServer({ port, dbFilename });
    const result = await step.result();
    expect(result).toMatchObject({ status: 202, body: { workflowId: handlerId } });
    expect(result.attempts).toBeGreaterThan(1);
    const handler = await client.workflow.getHandle(handlerId).describe();
    expect(handler.runId).toBe(result.body.runId);
    expect(handler.status.name).toBe('RUNNING');
    // The run started before the outage survived it (file-backed), and was not started twice.
    const kept = await client.workflow.getHandle(before.json.workflowId as string).describe();
    expect(kept.runId).toBe(before.json.runId);
  } finally {
    await http.close();
    await connection.close();
    await server?.stop();
  }
}, 120_000);
