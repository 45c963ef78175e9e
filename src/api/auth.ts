// API keys: `Authorization: Bearer hsk_…`, checked against the registry's hashes on every request but the OpenAPI
// document and the health check. A missing or unknown key is 401, whichever it was.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ApiKeyRepository } from '../../activities/registry/apiKeys';
import { problem, sendProblem } from './problems';

const OPEN = new Set(['/openapi.json', '/healthz']);

export function requireApiKey(apiKeys: ApiKeyRepository) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (OPEN.has(request.url.split('?')[0])) return;
    const header = request.headers.authorization ?? '';
    const key = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    if (key && (await apiKeys.accepts(key))) return;
    await sendProblem(reply, problem(401, 'send an API key as Authorization: Bearer <key>'), {
      'www-authenticate': 'Bearer realm="hookstep"',
    });
  };
}
