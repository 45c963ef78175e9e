/** @cluster */
// Event deliveries read replies through the same attempt code as steps (activities/send.ts): once a status line has
// arrived its status is the outcome (issue 18, kind 3), so a 2xx whose body framing breaks is delivered once. On each
// registry database, against raw sockets on 127.0.0.1.
import { delivered, unique, useEventStack } from '../helpers/events';
import { head, startRawReceiver, type RawReceiver } from '../helpers/rawReceiver';
import { registryDatabases } from '../helpers/registry';

describe.each(registryDatabases())('event replies on $name', (database) => {
  const stack = useEventStack('replies-events', database);
  const raws: RawReceiver[] = [];
  afterAll(() => Promise.all(raws.map((r) => r.close())));

  /** A webhook for a type of its own whose receiver answers every delivery with `bytes`, then its delivery's result. */
  async function deliverTo(bytes: string) {
    const r = await startRawReceiver((socket) => socket.end(bytes));
    raws.push(r);
    const type = unique('order.created');
    const retry = { initialInterval: '100ms', maximumInterval: '200ms', maximumAttempts: 3 };
    const created = await stack.api().webhooks.create({ label: 'replies', url: `${r.url}/hook`, event: type, retry });
    const eventId = unique('evt');
    await stack.api().events.publish({ id: eventId, type, entity: { id: 1, type: 'order' } });
    const results = await delivered(stack, eventId);
    return { r, result: results[created.id], messageId: `${created.id}/${eventId}` };
  }

  test('K0M15/webserv#36: a 204 that carries "Content-Length: 2" and {} is delivered once', async () => {
    const { r, result, messageId } = await deliverTo(head('204 No Content', { 'Content-Length': 2 }) + '{}');
    expect(result).toEqual({ status: 204, attempt: 1 });
    expect(r.requests.map((q) => q.headers['webhook-id'])).toEqual([messageId]);
  });

  test('undici#429: a 200 whose body stops short of its Content-Length is delivered once', async () => {
    const { r, result } = await deliverTo(head('200 OK', { 'Content-Length': 40 }) + '{"ok":');
    expect(result).toEqual({ status: 200, attempt: 1 });
    expect(r.requests).toHaveLength(1);
  });

  test('a chunked encoding error after a 200 is delivered once', async () => {
    const { r, result } = await deliverTo(head('200 OK', { 'Transfer-Encoding': 'chunked' }) + '2\r\n{}\r\nZZ\r\n');
    expect(result).toEqual({ status: 200, attempt: 1 });
    expect(r.requests).toHaveLength(1);
  });
});
