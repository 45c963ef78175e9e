// Number fidelity end to end (issue 18, kind 1): a number arrives as it was published, or fails visibly, naming the
// field; never rounded. Raw JSON text goes in as a Go or Java client, a publisher or a receiver writes it.
import { RawValue, type Payload } from '@temporalio/common';
import { DEFAULT_TENANT, FailureType } from '../../src/contract';
import { sendWebhook, startSendWebhook } from '../../src/client';
import { unique, useEventStack } from '../helpers/events';
import { expectFailure } from '../helpers/failures';
import type { Receiver } from '../helpers/receiver';
import { registryDatabases } from '../helpers/registry';
import { temporalCli } from '../helpers/codec';
import { useHarness } from '../helpers/temporal';
import { SECRET, expectNoRun, post, serveNode, signedDelivery, webhookId } from '../helpers/webhooks';
import { createReceiver, workflowIdFor } from '../../src/receiver';

const ORDER_ID = '7615917337495251231';
const PRICE = '1432.0531571421431500';

/** A workflow argument that is these exact JSON bytes, encoding json/plain: what another SDK sends for an int64. */
function rawJson(text: string): RawValue {
  const payload: Payload = {
    metadata: { encoding: new TextEncoder().encode('json/plain') },
    data: new TextEncoder().encode(text),
  };
  return RawValue.fromPayload(payload);
}

/** A receiver answering 200 with this exact JSON text. */
const replying = (text: string) => (_req: unknown, res: import('node:http').ServerResponse) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(text);
};

describe('workflow input started by name with raw JSON', () => {
  const harness = useHarness('numbers');
  const { taskQueue } = harness;
  const start = (type: string, text: string) =>
    harness.client().workflow.start(type, { taskQueue, workflowId: unique(type), args: [rawJson(text)] });

  test('sendWebhook: an int64 order id and a long price fail InvalidStep naming both; nothing is sent', async () => {
    const r = await harness.receiver(replying('{}'));
    const handle = await start(
      'sendWebhook',
      `{"url": "${r.url}/h", "body": {"orderId": ${ORDER_ID}, "price": ${PRICE}, "qty": 1e3}}`,
    );
    const { failure } = await expectFailure(handle.result());
    expect(failure.type).toBe(FailureType.InvalidStep);
    expect(failure.nonRetryable).toBe(true);
    const { issues } = failure.details?.[0] as { issues: string[] };
    expect(issues.map((i) => i.split(': ')[0])).toEqual(['step.body.orderId', 'step.body.price']);
    for (const issue of issues) expect(issue).toMatch(/a number a double cannot hold exactly .*; send it as a string$/);
    expect(r.requests).toHaveLength(0);
    // The way out the message names: the same numbers as strings arrive byte for byte.
    const asStrings = await start(
      'sendWebhook',
      `{"url": "${r.url}/h", "body": {"orderId": "${ORDER_ID}", "price": "${PRICE}"}}`,
    );
    await asStrings.result();
    expect(r.requests.map((q) => q.body)).toEqual([`{"orderId":"${ORDER_ID}","price":"${PRICE}"}`]);
  });

  test('temporalio/ui#2670: an int64 in input started with the temporal CLI fails InvalidStep, never rounded', async () => {
    const r = await harness.receiver(replying('{}'));
    const workflowId = unique('cli-start');
    const input = `{"url": "${r.url}/h", "body": {"foo": 3544790567247868102}}`;
    await temporalCli([
      'workflow',
      'start',
      '--type',
      'sendWebhook',
      '--task-queue',
      taskQueue,
      '--workflow-id',
      workflowId,
      '--input',
      input,
    ]);
    const { failure } = await expectFailure(harness.client().workflow.getHandle(workflowId).result());
    expect(failure.type).toBe(FailureType.InvalidStep);
    expect(failure.message).toMatch(/step\.body\.foo: is a number a double cannot hold exactly/);
    expect(r.requests).toHaveLength(0);
  });

  test('n8n#26925: an int64 posted to a hookstep receiver is refused with 400 naming body.p_id; no run starts', async () => {
    const receiver = await serveNode(
      createReceiver({ client: harness.client(), secrets: SECRET, workflowType: 'fulfilOrder', taskQueue }),
    );
    try {
      const delivery = signedDelivery(`{"p_id": ${ORDER_ID}}`, webhookId());
      const answer = await post(receiver.url, delivery);
      expect(answer).toMatchObject({
        status: 400,
        json: {
          code: 'BODY_INEXACT_NUMBER',
          issues: [expect.stringMatching(/^body\.p_id: is a number a double cannot/)],
        },
      });
      expect(JSON.stringify(answer.json)).not.toContain(ORDER_ID);
      await expectNoRun(harness.client(), workflowIdFor('fulfilOrder-', delivery.headers['webhook-id']));
    } finally {
      await receiver.close();
    }
  });

  test("automation: an int64 in the trigger fails InvalidAutomation naming the trigger's field; nothing is sent", async () => {
    const r = await harness.receiver(replying('{}'));
    const step = { id: 's', type: 'sendWebhook', with: { url: `${r.url}/h`, body: { id: '{{trigger.order.id}}' } } };
    const handle = await start(
      'automation',
      `{"id": "a", "trigger": {"order": {"id": ${ORDER_ID}}}, "steps": [${JSON.stringify(step)}]}`,
    );
    const { failure } = await expectFailure(handle.result());
    expect(failure.type).toBe(FailureType.InvalidAutomation);
    expect(failure.message).toMatch(
      /^invalid automation: trigger\.order\.id: is a number a double cannot hold exactly/,
    );
    expect(r.requests).toHaveLength(0);
  });
});

describe('replies', () => {
  const harness = useHarness('numbers-replies');
  const { taskQueue } = harness;
  const ticket = `{"ticketId": ${ORDER_ID}}`;

  test('a declared number field a double would change fails ResponseInvalid, not retried, naming it', async () => {
    const r = await harness.receiver(replying(ticket));
    const step = { url: r.url, response: { fields: { ticketId: 'number' } } } as const;
    const { failure } = await expectFailure(
      startSendWebhook(harness.client(), step, { taskQueue }).then((h) => h.result()),
    );
    expect(failure.type).toBe(FailureType.ResponseInvalid);
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toMatch(/the reply's "ticketId" is a number a double cannot hold exactly/);
    expect(failure.message).toMatch(/declare it "string" to receive its exact text/);
    expect(r.requests).toHaveLength(1);
  });

  test('postman-app-support#3368: a 64-bit id in a reply arrives intact in a field declared string', async () => {
    const r = await harness.receiver(replying(`{"ticketId": ${ORDER_ID}, "amount": 1.50}`));
    const result = await sendWebhook(
      harness.client(),
      { url: r.url, response: { fields: { ticketId: 'string', amount: 'string' } } },
      { taskQueue },
    );
    expect(result.body).toEqual({ ticketId: ORDER_ID, amount: '1.50' });
  });

  test('with no fields declared, the whole reply is refused rather than rounded', async () => {
    const r = await harness.receiver(replying(`{"ok": true, "order": {"id": ${ORDER_ID}}}`));
    const { failure } = await expectFailure(
      startSendWebhook(harness.client(), { url: r.url }, { taskQueue }).then((h) => h.result()),
    );
    expect(failure.type).toBe(FailureType.ResponseInvalid);
    expect(failure.message).toMatch(/the reply's "order"\.id is a number .* declare the fields you need/);
  });
});

describe.each(registryDatabases())('POST /v1/events on $name', (database) => {
  const stack = useEventStack('numbers-events', database);
  const publish = (text: string) =>
    fetch(`${stack.apiUrl()}/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.apiKey}`, 'content-type': 'application/json' },
      body: text,
    });

  test('an int64 in the data is 400 naming body/data/orderId; nothing is published or sent', async () => {
    const r: Receiver = await stack.receiver(replying('{}'));
    const type = unique('order.created');
    await stack.api().webhooks.create({ label: 'n', event: type, url: r.url });
    const id = unique('evt');
    const res = await publish(
      `{"id": "${id}", "type": "${type}", "entity": {"id": 1, "type": "order"}, "data": {"orderId": ${ORDER_ID}}}`,
    );
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const problem = (await res.json()) as { errors: { field: string; message: string }[] };
    expect(problem.errors).toEqual([
      { field: 'body/data/orderId', message: expect.stringMatching(/cannot hold exactly .*; send it as a string$/) },
    ]);
    expect(JSON.stringify(problem)).not.toContain(ORDER_ID);
    expect(await stack.registry().events.get(DEFAULT_TENANT, id)).toBeUndefined();
    expect(r.requests).toHaveLength(0);
  });

  test('supabase#16147: a bigint row id in the data is 400 naming body/data/record/id, not delivered rounded', async () => {
    // A database webhook's record with a bigint primary key. (As entity.id the same number was refused on main
    // already: the schema's int() takes safe integers only.)
    const type = unique('order.created');
    const id = unique('evt');
    const entity = '{"id": "r1", "type": "row"}';
    const res = await publish(
      `{"id": "${id}", "type": "${type}", "entity": ${entity}, "data": {"record": {"id": 9123456789654321}}}`,
    );
    expect(res.status).toBe(400);
    const problem = (await res.json()) as { errors: { field: string }[] };
    expect(problem.errors.map((e) => e.field)).toEqual(['body/data/record/id']);
    expect(await stack.registry().events.get(DEFAULT_TENANT, id)).toBeUndefined();
  });
});
