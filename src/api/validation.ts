// The API's request validation: the contract's zod schemas, each failure reported for the field at fault with the
// true reason (fieldIssues), as a JSON pointer (RFC 6901) into the request part, so `{"bogus": 1}` is body/bogus.
import type { FastifySchemaCompiler } from 'fastify';
import type { z } from 'zod';
import { fieldIssues } from '../contract';

/** One failed field, in the shape Fastify passes on as `err.validation`. */
export interface FieldError {
  instancePath: string;
  message: string;
}

export const validatorCompiler: FastifySchemaCompiler<z.ZodType> =
  ({ schema }) =>
  (data) => {
    const result = schema.safeParse(data);
    if (result.success) return { value: result.data };
    const errors: FieldError[] = fieldIssues(result.error).map((i) => ({
      instancePath: jsonPointer(i.path),
      message: i.message,
    }));
    return { error: errors as unknown as Error };
  };

/** RFC 6901: `~` is `~0` and `/` is `~1` inside a segment; the whole part is the empty pointer. */
export function jsonPointer(path: readonly PropertyKey[]): string {
  return path.map((key) => `/${String(key).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}
