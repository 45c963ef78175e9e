// Templates in automation steps: {{trigger.<field>}}, {{steps.<id>.body.<field>}}, {{steps.<id>.status}} and
// {{steps.<id>.error.type|message|status}}. Parsing and resolution are pure and deterministic: the automation
// workflow resolves them itself.
import { TemplateResolutionError, TemplateSyntaxError } from './errors';

const TEMPLATE = /\{\{([^{}]*)\}\}/g;
const FIELD = '[A-Za-z0-9_$-]+';
const STEP_ID = '[A-Za-z][A-Za-z0-9_-]*';
const TRIGGER_REF = new RegExp(`^trigger((?:\\.${FIELD})+)$`);
const BODY_REF = new RegExp(`^steps\\.(${STEP_ID})\\.body\\.(${FIELD})$`);
const STATUS_REF = new RegExp(`^steps\\.(${STEP_ID})\\.status$`);
const ERROR_REF = new RegExp(`^steps\\.(${STEP_ID})\\.error\\.(type|message|status)$`);

export type Reference =
  | { kind: 'trigger'; path: string[] }
  | { kind: 'body'; step: string; field: string }
  | { kind: 'status'; step: string }
  | { kind: 'error'; step: string; field: 'type' | 'message' | 'status' };

export interface TemplatePart {
  /** The template as written, e.g. "{{steps.a.body.id}}". */
  source: string;
  /** The dotted path inside the braces. */
  path: string;
  ref: Reference;
}

export function parseReference(path: string, source: string): Reference {
  let m: RegExpExecArray | null;
  if ((m = TRIGGER_REF.exec(path))) return { kind: 'trigger', path: m[1].slice(1).split('.') };
  if ((m = BODY_REF.exec(path))) return { kind: 'body', step: m[1], field: m[2] };
  if ((m = STATUS_REF.exec(path))) return { kind: 'status', step: m[1] };
  if ((m = ERROR_REF.exec(path))) return { kind: 'error', step: m[1], field: m[2] as 'type' | 'message' | 'status' };
  throw new TemplateSyntaxError(
    source,
    'expected trigger.<field>, steps.<id>.body.<field>, steps.<id>.status or steps.<id>.error.<type|message|status>',
  );
}

/**
 * The templates in one string value; throws TemplateSyntaxError for a malformed one or a "{{" that is never closed.
 * A "}}" without an opening "{{" is plain text, so stringified JSON such as {"a":{"b":1}} can be sent as is. The
 * error quotes the template, never the value around it: a URL or header may hold a secret.
 */
export function templatesIn(value: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  for (const match of value.matchAll(TEMPLATE)) {
    const path = match[1].trim();
    parts.push({ source: match[0], path, ref: parseReference(path, match[0]) });
  }
  const rest = value.replace(TEMPLATE, '');
  if (rest.includes('{{')) {
    throw new TemplateSyntaxError('"{{"', 'is not closed, or a template is nested inside another');
  }
  return parts;
}

/** What templates can see: the trigger, and each finished step's output. */
export interface TemplateContext {
  trigger: Record<string, unknown>;
  steps: Record<string, StepOutput>;
}

export type StepOutput =
  | { status: number; body: Record<string, unknown>; attempts: number }
  | { error: { type: string; message: string; status?: number } };

export function lookup(ref: Reference, path: string, ctx: TemplateContext): unknown {
  let value: unknown;
  if (ref.kind === 'trigger') {
    value = ref.path.reduce<unknown>((v, key) => (isRecord(v) ? own(v, key) : undefined), ctx.trigger);
  } else {
    const out = own(ctx.steps, ref.step) as StepOutput | undefined;
    if (ref.kind === 'body') value = out && 'body' in out ? own(out.body, ref.field) : undefined;
    else if (ref.kind === 'status') value = out && 'status' in out ? out.status : undefined;
    else value = out && 'error' in out ? out.error[ref.field] : undefined;
  }
  if (value === undefined) throw new TemplateResolutionError(path, 'has no value in this run');
  return value;
}

export type Encode = (text: string) => string;

/**
 * Resolves one string value. Exactly one template keeps the referenced value's type (a number stays a number);
 * a template inside longer text renders as text, passed through `encode` (percent-encoding in URLs).
 */
export function resolveValue(value: string, ctx: TemplateContext, encode: Encode = (t) => t): unknown {
  const parts = templatesIn(value);
  if (parts.length === 0) return value;
  if (parts.length === 1 && parts[0].source === value) return lookup(parts[0].ref, parts[0].path, ctx);
  return value.replace(TEMPLATE, (_match, inner: string) => {
    const path = inner.trim();
    return encode(asText(lookup(parseReference(path, `{{${inner}}}`), path, ctx)));
  });
}

function asText(value: unknown): string {
  if (value === null) return '';
  if (typeof value === 'string') return value;
  // Numbers and booleans print as themselves; objects and arrays (trigger data may nest) as JSON.
  return JSON.stringify(value);
}

/** Own properties only: "constructor" or "toString" must not resolve to what every object inherits. */
export function own(record: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
