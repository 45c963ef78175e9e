// An automation step rendered for sending: every template in its url, query, headers, cookies and body resolved
// against the trigger and earlier outputs. Pure and deterministic: the automation workflow runs it.
import { TemplateResolutionError } from './errors';
import type { SendWebhookAction } from './schemas/automation';
import type { StepInput } from './schemas/step';
import { resolveValue, type TemplateContext } from './templates';

/** The step's `with` with every template resolved; throws TemplateResolutionError naming the path. */
export function resolveStep(step: SendWebhookAction, ctx: TemplateContext): StepInput {
  const w = step.with;
  // Query, header, cookie and body values: a whole-value template keeps its type, so it must be a scalar here.
  const resolveScalar = (value: string | number | boolean | null) => {
    if (typeof value !== 'string') return value;
    const resolved = resolveValue(value, ctx);
    if (resolved !== null && typeof resolved === 'object') {
      throw new TemplateResolutionError(
        value.slice(2, -2).trim(),
        'is an object or array; only text, numbers, booleans and null fit here',
      );
    }
    return resolved as string | number | boolean | null;
  };
  const text = (value: string) => {
    const resolved = resolveScalar(value);
    return resolved === null ? '' : String(resolved);
  };
  return {
    ...w,
    url: String(resolveValue(w.url, ctx, encodeURIComponent)),
    query: w.query && mapValues(w.query, (v) => resolveScalar(v) ?? ''),
    headers: w.headers && mapValues(w.headers, text),
    cookies: w.cookies && mapValues(w.cookies, text),
    body: w.body && mapValues(w.body, resolveScalar),
  };
}

function mapValues<V, R>(record: Record<string, V>, fn: (value: V) => R): Record<string, R> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, fn(v)]));
}
