// The HTTP API of event webhooks (Fastify 5): bodies checked by the contract's zod schemas, the OpenAPI 3.1 document
// generated from the same schemas at /openapi.json, API keys on every other route, errors as problem details.
import type { Client } from '@temporalio/client';
import swagger from '@fastify/swagger';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler } from 'fastify-type-provider-zod';
import type { Registry } from '../../activities/registry';
import { VERSION } from '../contract';
import { requireApiKey } from './auth';
import { eventRoutes } from './events';
import { problemOf, sendProblem } from './problems';
import { validatorCompiler } from './validation';
import { webhookRoutes } from './webhooks';

export interface ApiOptions {
  registry: Registry;
  /** Starts fan-outs on publish. */
  client: Client;
  taskQueue: string;
  /** Requests larger than this are refused with 413 (default 1 MiB). */
  bodyLimit?: number;
  logger?: boolean;
}

export async function createApi(options: ApiOptions): Promise<FastifyInstance> {
  const app = Fastify({ bodyLimit: options.bodyLimit ?? 1024 * 1024, logger: options.logger ?? false });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'hookstep event webhooks', version: VERSION },
      components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer' } } },
      security: [{ apiKey: [] }],
    },
    transform: jsonSchemaTransform,
  });
  app.addHook('onRequest', requireApiKey(options.registry.apiKeys));
  app.setErrorHandler((err: FastifyError, _request, reply) => sendProblem(reply, problemOf(err)));
  app.setNotFoundHandler((_request, reply) =>
    sendProblem(reply, { type: 'about:blank', title: 'Not Found', status: 404 }),
  );
  app.get('/healthz', { schema: { hide: true } }, () => ({ ok: true }));
  app.get('/openapi.json', { schema: { hide: true } }, () => app.swagger());
  await app.register(webhookRoutes(options.registry));
  await app.register(eventRoutes(options));
  await app.ready();
  return app;
}
