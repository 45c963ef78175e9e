// Automations: a trigger and up to 100 steps, each step a sendWebhook (templated) or a delay. The schema checks
// shape; validateAutomation adds what a schema cannot (ids, references, declared fields), before anything runs.
import { z } from 'zod';
import { MAX_STEPS, MAX_URL_LENGTH } from '../defaults';
import { TemplateSyntaxError } from '../errors';
import { AUTOMATION_LIMITS, capIssues, formatPath, shapeProblems } from '../limits';
import { inexactNumberIssues } from '../numbers';
import { own, templatesIn } from '../templates';
import { DurationSchema } from './duration';
import { formatIssues, type FieldIssue } from './issues';
import { StepObjectSchema, UrlSchema } from './step';

const StepIdSchema = z.string({ error: 'is required' }).regex(/^[A-Za-z][A-Za-z0-9_-]{0,63}$/, {
  error: 'must start with a letter and hold only letters, digits, _ and - (at most 64)',
});

/** A step's `with`: the sendWebhook step contract, where string values may hold templates. */
export const StepTemplateSchema = StepObjectSchema.extend({
  url: z
    .string({ error: 'is required and must be a string' })
    .min(1)
    .max(MAX_URL_LENGTH)
    .superRefine(checkTemplatedUrl)
    .meta({ description: 'http or https URL; may hold templates, percent-encoded when rendered.' }),
});

/**
 * What can be known of a templated URL before anything runs: a URL without templates gets the step's full check,
 * and a literal scheme must be http or https, so a bad URL in step 3 is refused before steps 1 and 2 send.
 */
function checkTemplatedUrl(value: string, ctx: z.RefinementCtx): void {
  const first = value.indexOf('{{');
  if (first === -1) {
    for (const issue of UrlSchema.safeParse(value).error?.issues ?? []) {
      ctx.addIssue({ code: 'custom', message: issue.message });
    }
    return;
  }
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(value.slice(0, first))?.[1]?.toLowerCase();
  if (scheme && scheme !== 'http' && scheme !== 'https') {
    ctx.addIssue({ code: 'custom', message: `must use http or https, not ${scheme}` });
  } else if (!scheme && first > 0) {
    ctx.addIssue({ code: 'custom', message: 'must be an absolute http or https URL, or start with a template' });
  }
}

export const SendWebhookActionSchema = z.strictObject({
  id: StepIdSchema,
  type: z.literal('sendWebhook'),
  onFailure: z
    .enum(['stop', 'continue'])
    .default('stop')
    .meta({ description: 'stop: the automation fails. continue: later steps see steps.<id>.error.' }),
  with: StepTemplateSchema,
});

export const DelayActionSchema = z.strictObject({
  id: StepIdSchema,
  type: z.literal('delay'),
  for: DurationSchema.meta({ description: 'A durable timer: "30s", "10m", "2h", "10d".' }),
});

export const AutomationStepSchema = z.discriminatedUnion('type', [SendWebhookActionSchema, DelayActionSchema], {
  error: 'type must be "sendWebhook" or "delay"',
});

export const AutomationSchema = z.strictObject({
  id: z.string({ error: 'is required' }).min(1).max(200).meta({ description: 'Names the automation in workflow IDs.' }),
  trigger: z
    .record(z.string(), z.json())
    .default({})
    .meta({ description: 'The event that started the automation; templates read it as trigger.<field>.' }),
  steps: z
    .array(AutomationStepSchema)
    .min(1, { error: 'must hold at least one step' })
    .max(MAX_STEPS, { error: `must hold at most ${MAX_STEPS} steps` }),
});

export type AutomationInput = z.input<typeof AutomationSchema>;
export type Automation = z.output<typeof AutomationSchema>;
export type AutomationStep = Automation['steps'][number];
export type SendWebhookAction = z.output<typeof SendWebhookActionSchema>;

export type Validation = { ok: true; automation: Automation } | { ok: false; issues: string[] };

/** The whole automation, checked before anything runs. Issues name the step index, the field and the template. */
export function validateAutomation(input: unknown): Validation {
  const inexact = inexactNumberIssues(input, '');
  if (inexact.length > 0) return { ok: false, issues: capIssues(inexact) };
  const shape = shapeProblems(input, AUTOMATION_LIMITS, '');
  if (shape.length > 0) return { ok: false, issues: capIssues(shape) };
  const parsed = AutomationSchema.safeParse(input);
  if (!parsed.success) return { ok: false, issues: formatIssues(parsed.error) };
  const issues = automationIssues(parsed.data).map((i) => `${formatPath(i.path)}: ${i.message}`);
  return issues.length ? { ok: false, issues: capIssues(issues) } : { ok: true, automation: parsed.data };
}

/**
 * What a schema cannot check of steps that parsed: step ids repeated, templates that do not parse, references to a
 * step that is missing, later, a delay, undeclared, or whose error is never seen. Each names its field; the stored
 * automations' API reports them as fields of the body, validateAutomation as lines.
 */
export function automationIssues(automation: Pick<Automation, 'steps'>): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const index = new Map<string, number>();
  automation.steps.forEach((step, i) => {
    const seen = index.get(step.id);
    if (seen !== undefined)
      issues.push({ path: ['steps', i, 'id'], message: `"${step.id}" is already the id of steps[${seen}]` });
    else index.set(step.id, i);
  });
  automation.steps.forEach((step, i) => {
    if (step.type !== 'sendWebhook') return;
    for (const [field, value] of templatedValues(step)) {
      const path = ['steps', i, 'with', ...field];
      let parts;
      try {
        parts = templatesIn(value);
      } catch (err) {
        if (!(err instanceof TemplateSyntaxError)) throw err;
        issues.push({ path, message: err.message });
        continue;
      }
      for (const part of parts) {
        if (part.ref.kind === 'trigger') continue;
        const problem = referenceProblem(automation, i, part.ref);
        if (problem) issues.push({ path, message: `${part.source}: ${problem}` });
      }
    }
  });
  return issues;
}

function referenceProblem(
  automation: Pick<Automation, 'steps'>,
  at: number,
  ref: Exclude<ReturnType<typeof templatesIn>[number]['ref'], { kind: 'trigger' }>,
): string | undefined {
  const target = automation.steps.findIndex((s) => s.id === ref.step);
  if (target === -1) return `there is no step "${ref.step}"`;
  if (target === at) return 'a step cannot refer to itself';
  if (target > at) return `"${ref.step}" is a later step (steps[${target}]); a step can only use earlier steps`;
  const step = automation.steps[target];
  if (step.type !== 'sendWebhook') return `"${ref.step}" is a delay step, which has no output`;
  if (ref.kind === 'body' && !own(step.with.response?.fields ?? {}, ref.field)) {
    return `"${ref.step}" does not declare "${ref.field}" in with.response.fields`;
  }
  if (ref.kind === 'error' && step.onFailure !== 'continue') {
    return `"${ref.step}" has onFailure: stop, so its error is never seen by later steps`;
  }
  return undefined;
}

/** Every string value a template may appear in: url, query, headers, cookies and body. */
function templatedValues(step: SendWebhookAction): [string[], string][] {
  const out: [string[], string][] = [[['url'], step.with.url]];
  for (const key of ['query', 'headers', 'cookies', 'body'] as const) {
    for (const [name, value] of Object.entries(step.with[key] ?? {})) {
      if (typeof value === 'string') out.push([[key, name], value]);
    }
  }
  return out;
}
