// Errors as RFC 9457 problem details: a type URI, a title, the status, a detail, and for a bad request every field
// that is wrong with what is wrong with it. No value from the request is ever echoed: it may be a secret.
import type { FastifyError, FastifyReply } from 'fastify';
import { INEXACT_NUMBER_REASON, MAX_ISSUES, OTHER_TENANT_MESSAGE } from '../contract';
import { InexactNumbersError, bodyPointer } from './json';
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
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
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

/** A tenant key naming another tenant in `field` (`body/tenant`, `querystring/tenant`): said the same whether it exists. */
export function otherTenant(field: string): Problem {
  return problem(400, 'an API key of a tenant acts for that tenant only', [{ field, message: OTHER_TENANT_MESSAGE }]);
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
  if (err instanceof InexactNumbersError) {
    const errors = err.paths.slice(0, MAX_ISSUES).map((path) => ({
      field: bodyPointer(path),
      message: `${INEXACT_NUMBER_REASON}; send it as a string`,
    }));
    return problem(400, 'the body holds numbers that cannot be carried exactly', errors);
  }
  const status = err.statusCode ?? 500;
  if (status === 413) return problem(413, 'the body is too large');
  if (status === 415) return problem(415, 'send application/json');
  if (status >= 400 && status < 500)
    return problem(status, err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' ? 'the body is not JSON' : undefined);
  return problem(500);
}
