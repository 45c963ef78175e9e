// Signed deliveries for receiver tests: a request signed as hookstep's activity signs, POSTed over real HTTP, and a
// node:http server around a receiver that records what became of each request.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { decodeSecret, sign } from '../../activities/signing';
import { nodeHandler, type Receiver, type ReceiverResult } from '../../src/receiver';

export const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
export const WRONG_SECRET = `whsec_${Buffer.from('not the receiver secret, at all!').toString('base64')}`;

export function webhookId(): string {
  return `msg_${randomUUID()}`;
}

export interface Delivery {
  body: string;
  headers: Record<string, string>;
}

/** A body signed now (or at `timestamp`, unix seconds) with `secret`, as hookstep's delivery activity signs it. */
export function signedDelivery(payload: unknown, id: string, options: { secret?: string; timestamp?: number } = {}) {
  const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
  const ts = options.timestamp ?? Math.floor(Date.now() / 1000);
  const headers = { 'content-type': 'application/json', ...sign(decodeSecret(options.secret ?? SECRET), id, ts, body) };
  return { body, headers } satisfies Delivery;
}

export interface Answer {
  status: number;
  headers: Headers;
  json: Record<string, unknown>;
}

export async function post(url: string, delivery: Delivery): Promise<Answer> {
  const res = await fetch(url, { method: 'POST', body: delivery.body, headers: delivery.headers });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

/** Results recorded through the receiver's onResult, with a way to wait for one. */
export function resultLog() {
  const results: ReceiverResult[] = [];
  const waiters: { test(r: ReceiverResult): boolean; resolve(r: ReceiverResult): void }[] = [];
  return {
    results,
    onResult: (result: ReceiverResult) => {
      results.push(result);
      for (const w of waiters.filter((w) => w.test(result))) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(result);
      }
    },
    /** Resolves with the first result (already recorded or to come) that passes `test`. */
    waitFor(test: (r: ReceiverResult) => boolean): Promise<ReceiverResult> {
      const seen = results.find(test);
      return seen ? Promise.resolve(seen) : new Promise((resolve) => waiters.push({ test, resolve }));
    },
  };
}

export async function serveNode(receiver: Receiver): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer(nodeHandler(receiver));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Asserts no run has this workflow ID. */
export async function expectNoRun(client: Client, workflowId: string): Promise<void> {
  await expect(client.workflow.getHandle(workflowId).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
}
