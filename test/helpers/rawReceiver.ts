// A receiver on 127.0.0.1 that answers with raw bytes on the socket, for replies no HTTP framework writes on purpose
// (a 204 with a body, a Content-Length the body does not meet, a broken chunk). It records each request it read.
import { createServer, type AddressInfo, type Socket } from 'node:net';

export interface RawRequest {
  /** The request line, e.g. `POST /hooks HTTP/1.1`. */
  line: string;
  /** Header names lower-cased. */
  headers: Record<string, string>;
  body: string;
}

/** Answers one request: write what the test scripts to `socket`, and end or destroy it (or leave it open). */
export type RawHandler = (socket: Socket, request: RawRequest, index: number) => void;

export interface RawReceiver {
  url: string;
  requests: RawRequest[];
  close(): Promise<void>;
}

export async function startRawReceiver(handler: RawHandler): Promise<RawReceiver> {
  const requests: RawRequest[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let buffered = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      // One request at a time: its head, then Content-Length bytes of body (hookstep always sends one).
      for (;;) {
        const end = buffered.indexOf('\r\n\r\n');
        if (end < 0) return;
        const [line, ...fields] = buffered.subarray(0, end).toString('latin1').split('\r\n');
        const headers: Record<string, string> = {};
        for (const field of fields) {
          const colon = field.indexOf(':');
          headers[field.slice(0, colon).trim().toLowerCase()] = field.slice(colon + 1).trim();
        }
        const length = Number(headers['content-length'] ?? 0);
        if (buffered.length < end + 4 + length) return;
        const body = buffered.subarray(end + 4, end + 4 + length).toString('utf8');
        buffered = buffered.subarray(end + 4 + length);
        const request = { line, headers, body };
        handler(socket, request, requests.push(request) - 1);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** An HTTP/1.1 response head: the status line, the headers as given (names and values untouched), a blank line. */
export function head(statusLine: string, headers: Record<string, string | number> = {}): string {
  const fields = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
  return `HTTP/1.1 ${statusLine}\r\n${fields.join('')}\r\n`;
}
