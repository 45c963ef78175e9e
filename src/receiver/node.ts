// node:http adapter: `createServer(nodeHandler(receiver))`, or call it from any (req, res) handler.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Receiver } from './core';

export function nodeHandler(receiver: Receiver): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    void receiver
      .handle({ method: req.method ?? '', headers: req.headers, body: req })
      .then(({ status, headers, body }) => res.writeHead(status, headers).end(body))
      // Only writing can fail here (handle never rejects): the client has gone, so let its socket go too.
      .catch(() => res.destroy());
  };
}
