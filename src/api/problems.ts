// Errors as RFC 9457 problem details: a type URI, a title, the status, a detail, and for a bad request every field
// that is wrong with what is wrong with it. No value from the request is ever echoed: it may be a secret.
import type { FastifyError, FastifyReply } from 'fastify';
import type { FieldError } from './validation';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  /** For 400: each bad field as a JSON pointer into the request part, and the reason. */
  errors?: { field: string; message: string }[];
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function problem(status: number, detail?: string, errors?: Problem['errors']): Problem {
  return {
    type: status === 400 ? 'https://hookstep.dev/problems/invalid-request' : 'about:blank',
    title: TITLES[status] ?? 'Error',
    status,
    ...(detail ? { detail } : {}),
    ...(errors ? { errors } : {}),
  };
}

export function sendProblem(reply: FastifyReply, p: Problem, headers: Record<string, string> = {}): FastifyReply {
  return reply.code(p.status).headers(headers).type(PROBLEM_CONTENT_TYPE).send(p);
}

/** Fastify's and zod's errors as problems; anything unexpected is a 500 that says nothing of its cause. */
export function problemOf(err: FastifyError): Problem {
  if (err.code === 'FST_ERR_VALIDATION' && Array.isArray(err.validation)) {
    const where = err.validationContext ?? 'body';
    // The first reason for each field, as the CLI and the workflows report them.
    const errors = new Map<string, string>();
    for (const v of err.validation as FieldError[]) {
      const field = `${where}${v.instancePath}`;
      if (!errors.has(field)) errors.set(field, v.message ?? 'is invalid');
    }
    const list = [...errors].map(([field, message]) => ({ field, message }));
    return problem(400, `the ${where} does not match the schema`, list);
  }
  const status = err.statusCode ?? 500;
  if (status === 413) return problem(413, 'the body is too large');
  if (status === 415) return problem(415, 'send application/json');
  if (status >= 400 && status < 500)
    return problem(status, err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' ? 'the body is not JSON' : undefined);
  return problem(500);
}
