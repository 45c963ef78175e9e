// The HTTP API of event webhooks (Fastify 5): bodies checked by the contract's zod schemas, the OpenAPI 3.1 document
// generated from the same schemas at /openapi.json, API keys on every other route, errors as problem details.
import type { Client } from '@temporalio/client';
import swagger from '@fastify/swagger';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler } from 'fastify-type-provider-zod';
import type { Registry } from '../registry';
import { AUTOMATION_LIMITS, MAX_ISSUES, VERSION, shapeIssues } from '../contract';
import { requireApiKey } from './auth';
import { automationRoutes } from './automations';
import { deliveryRoutes } from './deliveries';
import { eventRoutes } from './events';
import { refuseInexactNumbers } from './json';
import { resendRoutes } from './resends';
import { pageRoutes } from './page';
import { problem, problemOf, sendProblem } from './problems';
import { signInRoutes } from './signIn';
import { tenantRoutes } from './tenants';
import { jsonPointer, validatorCompiler } from './validation';
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
  const bodyLimit = options.bodyLimit ?? 1024 * 1024;
  // A "__proto__" key is valid JSON: Fastify's default parser calls it "not valid JSON", and a schema's copy would drop
  // it silently. JSON.parse keeps it as a plain key, and the shape check below refuses it naming the field.
  const app = Fastify({
    bodyLimit,
    logger: options.logger ?? false,
    onProtoPoisoning: 'ignore',
    onConstructorPoisoning: 'ignore',
  });
  // Event data sits one level below the body, within an automation trigger's depth.
  const bodyShape = { maxDepth: AUTOMATION_LIMITS.maxDepth + 1, maxBytes: bodyLimit };
  app.addHook('preValidation', (request, reply, done) => {
    const issues = shapeIssues(request.body, bodyShape);
    if (issues.length === 0) return done();
    const errors = issues
      .slice(0, MAX_ISSUES)
      .map((i) => ({ field: `body${jsonPointer(i.path)}`, message: i.message }));
    void sendProblem(reply, problem(400, 'the body does not match the schema', errors));
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  refuseInexactNumbers(app);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'hookstep event webhooks', version: VERSION },
      components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer' } } },
      security: [{ apiKey: [] }],
    },
    transform: jsonSchemaTransform,
  });
  requireApiKey(app, options.registry.apiKeys);
  app.setErrorHandler((err: FastifyError, _request, reply) => sendProblem(reply, problemOf(err)));
  app.setNotFoundHandler((_request, reply) =>
    sendProblem(reply, { type: 'about:blank', title: 'Not Found', status: 404 }),
  );
  app.get('/healthz', { schema: { hide: true } }, () => ({ ok: true }));
  app.get('/openapi.json', { schema: { hide: true } }, () => app.swagger());
  await app.register(webhookRoutes(options.registry));
  await app.register(eventRoutes(options));
  await app.register(automationRoutes(options));
  await app.register(tenantRoutes(options.registry));
  await app.register(deliveryRoutes(options.registry));
  await app.register(resendRoutes(options));
  await app.register(signInRoutes(options.registry));
  pageRoutes(app);
  await app.ready();
  return app;
}
