/** @cluster */
// How a step reads its receiver's reply (issue 18, kinds 2 and 3), end to end on a real dev server: a 2xx is read
// faithfully or fails saying why, and once a status line has arrived that status is the outcome, so a 2xx whose body
// framing breaks is never re-sent. Receivers are raw sockets on 127.0.0.1 where a framework would not misbehave.
import { gzipSync } from 'node:zlib';
import { FailureType, type DeliveryFailureDetails, type StepInput } from '../../src/contract';
import { sendWebhook, startSendWebhook } from '../../src/client';
import { expectFailure } from '../helpers/failures';
import { head, startRawReceiver, type RawHandler, type RawReceiver } from '../helpers/rawReceiver';
import { useHarness } from '../helpers/temporal';

const harness = useHarness('replies');
const { taskQueue } = harness;

const raws: RawReceiver[] = [];
afterAll(() => Promise.all(raws.map((r) => r.close())));
async function raw(handler: RawHandler): Promise<RawReceiver> {
  const r = await startRawReceiver(handler);
  raws.push(r);
  return r;
}
/** A receiver that writes `bytes` in answer to every request and closes the connection. */
const answering = (bytes: string | Buffer) => raw((socket) => socket.end(bytes));

// Retries are fast and few, so a wrongly retried reply shows as extra requests within the test.
const retry = { initialInterval: '100ms', maximumInterval: '200ms', maximumAttempts: 3 } as const;
const send = (step: StepInput) => sendWebhook(harness.client(), { retry, ...step }, { taskQueue });
async function fails(step: StepInput) {
  const handle = await startSendWebhook(harness.client(), { retry, ...step }, { taskQueue });
  const { failure } = await expectFailure(handle.result());
  return { failure, details: failure.details?.[0] as DeliveryFailureDetails };
}
const webhookIds = (r: RawReceiver) => new Set(r.requests.map((q) => q.headers['webhook-id']));

describe('kind 2: a 2xx is read faithfully, or the step fails saying why', () => {
  test('node-red#4262: a 204 to a step whose declared fields are all optional is {status: 204, body: {}}', async () => {
    const r = await answering(head('204 No Content'));
    const result = await send({ url: r.url, response: { fields: { ticketId: 'string?' } } });
    expect(result).toMatchObject({ status: 204, body: {}, attempts: 1 });
    expect(result).not.toHaveProperty('reply');
    expect(r.requests).toHaveLength(1);
  });

  test('n8n#27782: a 201 labelled application/json with Content-Length: 0 is an empty body, not invalid JSON', async () => {
    const r = await answering(head('201 Created', { 'Content-Type': 'application/json', 'Content-Length': 0 }));
    const result = await send({ url: r.url, response: { fields: { ticketId: 'string?', priority: 'number?' } } });
    expect(result).toMatchObject({ status: 201, body: {}, attempts: 1 });
    expect(r.requests).toHaveLength(1);
  });

  test('a 205 Reset Content to all-optional fields is {status: 205, body: {}}', async () => {
    const r = await answering(head('205 Reset Content', { 'Content-Length': 0 }));
    const result = await send({ url: r.url, response: { fields: { ticketId: 'string?' } } });
    expect(result).toMatchObject({ status: 205, body: {}, attempts: 1 });
    expect(r.requests).toHaveLength(1);
  });

  test('an empty 2xx to a required field fails ResponseInvalid saying the body is empty, not retried', async () => {
    const r = await answering(head('200 OK', { 'Content-Length': 0 }));
    const { failure, details } = await fails({ url: r.url, response: { fields: { ticketId: 'string' } } });
    expect(failure.type).toBe(FailureType.ResponseInvalid);
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toBe(
      `POST ${r.url}/ got HTTP 200 with a body that does not match response.fields: ` +
        'the body is empty: "ticketId" is missing on attempt 1; not retried (the receiver already acted)',
    );
    expect(details).toMatchObject({ status: 200, attempt: 1 });
    expect(r.requests).toHaveLength(1);
  });

  test('hapijs/bourne#28: JSON that starts with a UTF-8 byte order mark is read', async () => {
    const body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"ticketId":"T-1","priority":3}')]);
    const r = await answering(
      Buffer.concat([
        Buffer.from(head('200 OK', { 'Content-Type': 'application/json', 'Content-Length': body.length })),
        body,
      ]),
    );
    const result = await send({ url: r.url, response: { fields: { ticketId: 'string', priority: 'number' } } });
    expect(result).toMatchObject({ status: 200, body: { ticketId: 'T-1', priority: 3 }, attempts: 1 });
    expect(r.requests).toHaveLength(1);
  });

  test('axios#3181: a gzip reply labelled "Content-Encoding: GZIP" is decompressed', async () => {
    const body = gzipSync('{"ticketId":"T-1"}');
    const headers = { 'Content-Type': 'application/json', 'Content-Encoding': 'GZIP', 'Content-Length': body.length };
    const r = await answering(Buffer.concat([Buffer.from(head('200 OK', headers)), body]));
    const result = await send({ url: r.url, response: { fields: { ticketId: 'string' } } });
    expect(result).toMatchObject({ status: 200, body: { ticketId: 'T-1' }, attempts: 1 });
  });

  test('a reply in the charset its Content-Type names is decoded in it', async () => {
    const body = Buffer.from('{"ticketId":"Jos\u00e9"}', 'latin1');
    const headers = { 'Content-Type': 'text/plain; charset=ISO-8859-1', 'Content-Length': body.length };
    const r = await answering(Buffer.concat([Buffer.from(head('200 OK', headers)), body]));
    const result = await send({ url: r.url, response: { fields: { ticketId: 'string' } } });
    expect(result.body).toEqual({ ticketId: 'José' });
  });

  test('RestClientVS#25: a top-level JSON array with nothing declared is kept in reply.json, not dropped', async () => {
    const body = '[{"id":1},{"id":2}]';
    const r = await answering(
      head('200 OK', { 'Content-Type': 'application/json', 'Content-Length': body.length }) + body,
    );
    const result = await send({ url: r.url });
    expect(result).toMatchObject({ status: 200, body: {}, reply: { json: [{ id: 1 }, { id: 2 }] }, attempts: 1 });
  });

  test('a text reply ("ok", as chat webhooks answer) with nothing declared is kept in reply.text', async () => {
    const r = await answering(head('200 OK', { 'Content-Type': 'text/html', 'Content-Length': 2 }) + 'ok');
    const result = await send({ url: r.url });
    expect(result).toMatchObject({ status: 200, body: {}, reply: { text: 'ok' }, attempts: 1 });
  });

  test('JSON null to a declared field fails ResponseInvalid naming it as null, not retried', async () => {
    const r = await answering(head('200 OK', { 'Content-Type': 'application/json', 'Content-Length': 4 }) + 'null');
    const { failure } = await fails({ url: r.url, response: { fields: { ticketId: 'string' } } });
    expect(failure.type).toBe(FailureType.ResponseInvalid);
    expect(failure.message).toContain('the body is JSON null, not an object on attempt 1');
    expect(r.requests).toHaveLength(1);
  });

  test('hookdeck/outpost#974: a reply over 1 MiB is never cut into something valid; with nothing declared it is marked', async () => {
    const size = 1024 * 1024 + 100;
    const body = `{"pad":"${'x'.repeat(size)}"}`;
    const r = await answering(
      head('200 OK', { 'Content-Type': 'application/json', 'Content-Length': body.length }) + body,
    );
    const result = await send({ url: r.url });
    expect(result).toMatchObject({
      status: 200,
      body: {},
      reply: { incomplete: 'the body is larger than 1 MiB, the most hookstep reads' },
      attempts: 1,
    });
    expect(r.requests).toHaveLength(1);
  });
});

describe('kind 3: once a status line has arrived, its status is the outcome', () => {
  test('K0M15/webserv#36: a 204 that carries "Content-Length: 2" and {} is delivered once, body {}', async () => {
    const r = await answering(head('204 No Content', { 'Content-Length': 2 }) + '{}');
    const result = await send({ url: r.url, response: { fields: { ticketId: 'string?' } } });
    expect(result).toMatchObject({ status: 204, body: {}, attempts: 1 });
    expect(result).not.toHaveProperty('reply');
    expect(r.requests).toHaveLength(1);
    expect(webhookIds(r).size).toBe(1);
  });

  test('undici#429: a 200 whose body stops short of its Content-Length is delivered once, marked incomplete', async () => {
    const r = await answering(head('200 OK', { 'Content-Type': 'application/json', 'Content-Length': 40 }) + '{"ok":');
    const result = await send({ url: r.url });
    expect(result).toMatchObject({
      status: 200,
      body: {},
      reply: { text: '{"ok":', incomplete: 'the body broke off (UND_ERR_SOCKET)' },
      attempts: 1,
    });
    expect(r.requests).toHaveLength(1);
  });

  test('undici#429 with a required field: ResponseInvalid saying the body broke off after HTTP 200, not retried', async () => {
    const r = await answering(head('200 OK', { 'Content-Length': 40 }) + '{"ticketId":"T');
    const { failure, details } = await fails({ url: r.url, response: { fields: { ticketId: 'string' } } });
    expect(failure.type).toBe(FailureType.ResponseInvalid);
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toBe(
      `POST ${r.url}/ got HTTP 200 with a body that does not match response.fields: ` +
        'the body broke off (UND_ERR_SOCKET) and what arrived is not JSON on attempt 1; not retried (the receiver already acted)',
    );
    expect(details).toMatchObject({ status: 200, bodySnippet: '{"ticketId":"T' });
    expect(r.requests).toHaveLength(1);
  });

  test('nodejs/node#64098: a reset after the JSON chunk, before the last chunk, is delivered once, fields read', async () => {
    const r = await raw((socket) => {
      const reply = head('200 OK', { 'Transfer-Encoding': 'chunked' }) + '12\r\n{"ticketId":"T-1"}\r\n';
      socket.write(reply, () => socket.resetAndDestroy());
    });
    const result = await send({ url: r.url, response: { fields: { ticketId: 'string' } } });
    expect(result).toMatchObject({
      status: 200,
      body: { ticketId: 'T-1' },
      reply: { incomplete: expect.stringMatching(/^the body broke off \((UND_ERR_SOCKET|ECONNRESET)\)$/) },
      attempts: 1,
    });
    expect(r.requests).toHaveLength(1);
  });

  test('a chunked encoding error after the last JSON chunk: delivered once, marked incomplete', async () => {
    const r = await answering(
      head('200 OK', { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' }) +
        '12\r\n{"ticketId":"T-1"}\r\nZZ\r\n',
    );
    const result = await send({ url: r.url, response: { fields: { ticketId: 'string' } } });
    expect(result).toMatchObject({
      status: 200,
      body: { ticketId: 'T-1' },
      reply: { incomplete: expect.stringMatching(/^the body broke off \(HTTPParserError: .*chunk size.*\)$/) },
      attempts: 1,
    });
    expect(r.requests).toHaveLength(1);
  });

  test('the timeout firing mid-body after a 2xx ends the attempt as that 2xx, never a Timeout to retry', async () => {
    // The receiver sends its status and half a body, then nothing: the step's timeout ends the read.
    const r = await raw((socket) => socket.write(head('200 OK', { 'Content-Length': 100 }) + '{"ticketId":'));
    const { failure } = await fails({ url: r.url, timeout: '1s', response: { fields: { ticketId: 'string' } } });
    expect(failure.type).toBe(FailureType.ResponseInvalid);
    expect(failure.message).toContain('the body broke off (no full body within 1000 ms) and what arrived is not JSON');
    expect(r.requests).toHaveLength(1);
  });

  test('a 5xx whose body breaks off is still judged by its status: retried, with what arrived as the snippet', async () => {
    const r = await answering(head('503 Service Unavailable', { 'Content-Length': 50 }) + 'overloaded');
    const { failure, details } = await fails({ url: r.url, retry: { ...retry, maximumAttempts: 2 } });
    expect(failure.type).toBe(FailureType.HttpRetryableStatus);
    expect(details).toMatchObject({ status: 503, attempt: 2, bodySnippet: 'overloaded' });
    expect(r.requests).toHaveLength(2);
  });
});
