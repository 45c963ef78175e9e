// zod issues as hookstep reports them: one line per field, capped, never echoing a value.
import type { z } from 'zod';
import { capIssues, formatPath } from '../limits';

/**
 * Formats zod issues as one line per field, `body.items: must be ...`, keeping the first issue of each field.
 * Values are never echoed (they may be secrets); keys are, escaped when they hold odd characters.
 */
export function formatIssues(error: z.ZodError, prefix = ''): string[] {
  const lines = new Map<string, string>();
  for (const issue of error.issues) {
    const path = formatPath([prefix, ...issue.path]) || '(input)';
    // A bad record key is reported by zod as "Invalid key in record" with the reason nested one level down.
    const message = issue.code === 'invalid_key' ? (issue.issues[0]?.message ?? issue.message) : issue.message;
    if (!lines.has(path)) lines.set(path, `${path}: ${message}`);
  }
  return capIssues([...lines.values()]);
}
