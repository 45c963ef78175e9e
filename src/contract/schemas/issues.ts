// zod issues as hookstep reports them: one line per field, capped, never echoing a value. The field is always the
// one at fault: an unknown key is named as a field of its own, a bad record key by its key, a union by what it takes.
import type { z } from 'zod';
import { capIssues, formatPath } from '../limits';

/** One reason for one field: `path` is the field's own (an unknown key's path ends with that key). */
export interface FieldIssue {
  path: PropertyKey[];
  message: string;
}

/** zod's message for a union that has no message of its own: it names no reason. */
const ZOD_UNION_DEFAULT = 'Invalid input';

/**
 * Every issue as the field it is about and the true reason, without a value: zod reports an unknown key at its
 * parent ("Unrecognized key"), a bad record key as "Invalid key in record" with the reason nested, and a union
 * without a message of its own as "Invalid input"; each is unfolded here.
 */
export function fieldIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.flatMap((issue) => unfold(issue, []));
}

function unfold(issue: z.core.$ZodIssue, base: PropertyKey[]): FieldIssue[] {
  const path = [...base, ...issue.path];
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => ({ path: [...path, key], message: 'is not a known field' }));
    case 'invalid_key':
      return [{ path, message: issue.issues[0]?.message ?? issue.message }];
    case 'invalid_union': {
      if (issue.message !== ZOD_UNION_DEFAULT) return [{ path, message: issue.message }];
      const firsts = issue.errors.map((branch) => branch[0]).filter((i) => i !== undefined);
      if (firsts.length > 0 && firsts.every((i) => i.code === 'invalid_type' && i.path.length === 0)) {
        const expected = [...new Set(firsts.map((i) => (i as z.core.$ZodIssueInvalidType).expected))];
        return [{ path, message: `must be ${expected.map(article).join(' or ')}` }];
      }
      // A branch that got further says why better than the union: the one with the deepest issue.
      const deepest = firsts.reduce<z.core.$ZodIssue | undefined>(
        (a, b) => (a === undefined || b.path.length > a.path.length ? b : a),
        undefined,
      );
      return deepest ? unfold(deepest, path) : [{ path, message: 'matches none of the allowed shapes' }];
    }
    default:
      return [{ path, message: issue.message }];
  }
}

function article(type: string): string {
  if (type === 'null') return 'null';
  if (type === 'record') return 'an object';
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

/**
 * Formats zod issues as one line per field, `body.items: must be ...`, keeping the first issue of each field.
 * Values are never echoed (they may be secrets); keys are, escaped when they hold odd characters.
 */
export function formatIssues(error: z.ZodError, prefix = ''): string[] {
  const lines = new Map<string, string>();
  for (const { path: fieldPath, message } of fieldIssues(error)) {
    const path = formatPath(prefix ? [prefix, ...fieldPath] : fieldPath) || '(input)';
    if (!lines.has(path)) lines.set(path, `${path}: ${message}`);
  }
  return capIssues([...lines.values()]);
}
