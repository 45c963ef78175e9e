// The client's transport: one request function on Node's own fetch (a browser's too), the check of input against the
// API's own schemas before anything is sent, and how paths and query strings are written.
import type { z } from 'zod';
import { ApiError, InvalidInputError, formatIssues } from '../contract';
import type { ApiClientOptions } from './api';

/** A delivery ID as path segments, each encoded. */
export function pathOf(id: string): string {
  return id.split('/').map(encodeURIComponent).join('/');
}

/**
 * A filter as a query string: a field left `undefined` (`{ tenant: undefined }`, as a form with an empty select
 * passes it) is left out, never sent as the text "undefined".
 */
export function queryOf(filter: object): URLSearchParams {
  const set = Object.entries(filter).filter(([, v]) => v !== undefined);
  return new URLSearchParams(set.map(([k, v]): [string, string] => [k, String(v)]));
}

/** The input as the API will see it, or InvalidInputError naming each bad field; nothing is sent. */
export function checked<S extends z.ZodType>(
  kind:
    'webhook' | 'event' | 'tenant' | 'deliveries filter' | 'automation' | 'runs filter' | 'recover' | 'idempotency key',
  schema: S,
  input: unknown,
): z.input<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new InvalidInputError(kind, formatIssues(parsed.error, kind));
  return input as z.input<S>;
}

export function request(options: ApiClientOptions) {
  const base = options.url.replace(/\/+$/, '');
  return async <S extends z.ZodType | undefined>(
    method: string,
    path: string,
    schema: S,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<S extends z.ZodType ? z.output<S> : undefined> => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${options.apiKey}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    const json: unknown = text ? JSON.parse(text) : undefined;
    if (!res.ok) throw new ApiError(res.status, json ?? {});
    return (schema ? schema.parse(json) : undefined) as S extends z.ZodType ? z.output<S> : undefined;
  };
}
