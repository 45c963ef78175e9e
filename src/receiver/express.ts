// Express adapter: `app.post('/hooks', expressHandler(receiver))`. The signature is over the raw bytes, so mount it
// before any JSON body parser, or behind `express.raw({ type: '*/*' })`, whose Buffer it uses.
import type { RequestHandler } from 'express';
import { HookstepError } from '../contract';
import type { Receiver } from './core';

export function expressHandler(receiver: Receiver): RequestHandler {
  return (req, res, next) => {
    const body: unknown = req.body;
    if (body !== undefined && !(body instanceof Uint8Array)) {
      next(new HookstepError('hookstep receiver: a body parser consumed the raw body; mount it before express.json()'));
      return;
    }
    void receiver
      .handle({ method: req.method, headers: req.headers, body: body ?? req })
      .then(({ status, headers, body: text }) => res.status(status).set(headers).send(text))
      .catch(next);
  };
}
