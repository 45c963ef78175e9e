// Each adapter over real HTTP on 127.0.0.1 and the real dev server: Express (alone and behind express.raw()) and
// Fastify (under a prefix, beside the app's own JSON routes) answer as the core does: 202 with a run, 401 without.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import Fastify, { type FastifyInstance } from 'fastify';
import { createReceiver, expressHandler, fastifyReceiver, type Receiver } from '../../src/receiver';
import { connectClient, uniqueQueue, type TestTemporal } from '../helpers/temporal';
import { SECRET, expectNoRun, post, signedDelivery, webhookId } from '../helpers/webhooks';

// No worker polls this queue: a run that was started is there to describe, which is all these tests ask.
const taskQueue = uniqueQueue('adapters');
let temporal: TestTemporal;
let receiver: Receiver;
const servers: Server[] = [];
let fastify: FastifyInstance;

beforeAll(async () => {
  temporal = await connectClient();
  receiver = createReceiver({ client: temporal.client, secrets: SECRET, workflowType: 'fulfilOrder', taskQueue });
});

afterAll(async () => {
  for (const s of servers) s.closeAllConnections();
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  await fastify?.close();
  await temporal?.close();
});

async function listen(app: express.Express): Promise<string> {
  const server = app.listen(0, '127.0.0.1');
  servers.push(server);
  await new Promise((resolve) => server.once('listening', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A valid delivery starts its run; the same body tampered gets 401 and starts nothing. */
async function expectAdapterWorks(url: string): Promise<void> {
  const good = signedDelivery({ orderId: 'AG-7' }, webhookId());
  const answer = await post(url, good);
  expect(answer).toMatchObject({ status: 202, json: { workflowId: `fulfilOrder-${good.headers['webhook-id']}` } });
  const description = await temporal.client.workflow.getHandle(answer.json.workflowId as string).describe();
  expect(description.runId).toBe(answer.json.runId);

  const bad = signedDelivery({ orderId: 'AG-8' }, webhookId());
  const refused = await post(url, { ...bad, body: bad.body.replace('AG-8', 'AG-9') });
  expect(refused).toMatchObject({ status: 401, json: { code: 'WEBHOOK_BAD_SIGNATURE' } });
  await expectNoRun(temporal.client, `fulfilOrder-${bad.headers['webhook-id']}`);
}

test('Express: a route with expressHandler', async () => {
  const app = express();
  app.post('/hooks', expressHandler(receiver));
  await expectAdapterWorks(`${await listen(app)}/hooks`);
});

test('Express: behind express.raw(), whose Buffer is the raw body', async () => {
  const app = express();
  app.post('/hooks', express.raw({ type: '*/*' }), expressHandler(receiver));
  await expectAdapterWorks(`${await listen(app)}/hooks`);
});

test('Express: behind express.json() the raw body is gone, so it refuses with 500 and starts nothing', async () => {
  const app = express();
  app.post('/hooks', express.json(), expressHandler(receiver));
  const delivery = signedDelivery({ orderId: 'AG-10' }, webhookId());
  const res = await fetch(`${await listen(app)}/hooks`, {
    method: 'POST',
    body: delivery.body,
    headers: delivery.headers,
  });
  expect(res.status).toBe(500);
  await res.arrayBuffer();
  await expectNoRun(temporal.client, `fulfilOrder-${delivery.headers['webhook-id']}`);
});

test("Fastify: a plugin under a prefix, leaving the app's JSON parsing alone elsewhere", async () => {
  fastify = Fastify();
  await fastify.register(fastifyReceiver(receiver), { prefix: '/hooks' });
  fastify.post('/echo', (request, reply) => reply.send({ parsed: request.body }));
  await fastify.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(fastify.server.address() as AddressInfo).port}`;
  await expectAdapterWorks(`${base}/hooks`);
  const echo = await post(`${base}/echo`, { body: '{"a":1}', headers: { 'content-type': 'application/json' } });
  expect(echo).toMatchObject({ status: 200, json: { parsed: { a: 1 } } });
});
