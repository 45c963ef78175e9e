// Fastify adapter: `app.register(fastifyReceiver(receiver), { prefix: '/hooks' })` answers POST on the prefix. The
// plugin's own content-type parser hands the raw request stream to the core, in the plugin's scope only.
import type { FastifyPluginCallback } from 'fastify';
import type { Receiver } from './core';
import type { RawBody } from './body';

export function fastifyReceiver(receiver: Receiver, path = '/'): FastifyPluginCallback {
  return (app, _options, done) => {
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', (_request, payload, parsed) => parsed(null, payload));
    app.post(path, async (request, reply) => {
      const body = request.body as RawBody | undefined;
      const {
        status,
        headers,
        body: text,
      } = await receiver.handle({ method: request.method, headers: request.headers, body });
      return reply.code(status).headers(headers).send(text);
    });
    done();
  };
}
