// The "Send a webhook" step: the input of workflow type `sendWebhook`. Field names are public contract, since any
// Temporal SDK can start the workflow by name; the TypeScript types are inferred from these schemas.
import { z } from 'zod';
import {
  DEFAULT_METHOD,
  DEFAULT_TIMEOUT,
  MAX_BODY_BYTES,
  MAX_HEADERS,
  MAX_TIMEOUT_MS,
  MAX_URL_LENGTH,
} from '../defaults';
import { HEADER_VALUE, TOKEN, isReservedHeader } from '../headers';
import { SIGNING_SECRET_MESSAGE, SIGNING_SECRET_PATTERN } from '../signing';
import { STEP_LIMITS, capIssues, shapeProblems, utf8Length } from '../limits';
import { DurationSchema, durationAtMost } from './duration';
import { formatIssues } from './issues';
import { inexactNumberIssues } from '../numbers';
import { urlWritingProblem } from '../url';

export const ScalarSchema = z.union([z.string(), z.number(), z.boolean()], {
  error: 'must be a string, number or boolean',
});
export type Scalar = z.infer<typeof ScalarSchema>;

export const BodyValueSchema = z.union([z.string(), z.number(), z.boolean(), z.null()], {
  error:
    'must be a string, number, boolean or null: the body is one flat JSON object, nested objects and arrays are not supported',
});
export type BodyValue = z.infer<typeof BodyValueSchema>;

export const FieldTypeSchema = z.enum([
  'string',
  'number',
  'boolean',
  'object',
  'array',
  'string?',
  'number?',
  'boolean?',
  'object?',
  'array?',
]);
export type FieldType = z.infer<typeof FieldTypeSchema>;

export const ResponseSpecSchema = z.strictObject({
  fields: z
    .record(z.string().min(1).max(200), FieldTypeSchema)
    .optional()
    .meta({ description: 'The expected response body: field name to type, with a trailing "?" when optional.' }),
});

export const UrlSchema = z
  .string({ error: 'is required and must be a string' })
  .max(MAX_URL_LENGTH, { error: `must be at most ${MAX_URL_LENGTH} characters` })
  .superRefine((value, ctx) => {
    const written = urlWritingProblem(value);
    if (written) {
      ctx.addIssue({ code: 'custom', message: written });
      return;
    }
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be an absolute http or https URL' });
      return;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      ctx.addIssue({ code: 'custom', message: `must use http or https, not ${url.protocol.slice(0, -1)}` });
    }
    if (url.username || url.password) {
      ctx.addIssue({ code: 'custom', message: 'must not contain credentials; send them in headers instead' });
    }
  });

/** Lone surrogates have no UTF-8 encoding: percent-encoding one would throw, and URLSearchParams would write U+FFFD. */
const wellFormed = (value: string) => !/\p{Cs}/u.test(value);
const LONE_SURROGATE = { error: 'must not contain a lone UTF-16 surrogate: it has no UTF-8 encoding' };

/** A query parameter's value: the scalar as text, percent-encoded as UTF-8. */
const QueryValueSchema = ScalarSchema.refine((v) => typeof v !== 'string' || wellFormed(v), LONE_SURROGATE);

const HeaderNameSchema = z
  .string()
  .regex(TOKEN, { error: 'header names must be HTTP tokens (no spaces, CR, LF or separators)' })
  .refine((name) => !isReservedHeader(name), {
    error: 'this header is set by hookstep (use `cookies` for Cookie, `idempotencyKey` for webhook-id)',
  });

/** A header value, refused with the rule it breaks: a control character, or text HTTP cannot carry as written. */
const HeaderValueSchema = z.string().regex(HEADER_VALUE, {
  error: (issue) =>
    // eslint-disable-next-line no-control-regex -- control characters are what this looks for
    typeof issue.input === 'string' && /[\x00-\x08\x0a-\x1f\x7f]/.test(issue.input)
      ? 'must not contain CR, LF or other control characters'
      : 'must be ASCII: a header value cannot carry other characters as written; percent-encode them (RFC 8187)',
});

/** Request headers a step or a webhook may set: tokens for names, ASCII values without control characters. */
export const HeadersSchema = z
  .record(HeaderNameSchema, HeaderValueSchema)
  .refine((h) => Object.keys(h).length <= MAX_HEADERS, { error: `at most ${MAX_HEADERS} headers` });

/** A retry policy over hookstep's defaults; backoffCoefficient 1 gives a fixed schedule (Ecwid's: every 15 minutes). */
export const RetryPolicySchema = z.strictObject({
  initialInterval: DurationSchema.optional(),
  backoffCoefficient: z.number().min(1).max(10).optional(),
  maximumInterval: DurationSchema.optional(),
  maximumAttempts: z.number().int().min(1).max(100).optional(),
});

/** The step's fields without the whole-step checks, so automations can derive their templated form from it. */
export const StepObjectSchema = z.strictObject({
  url: UrlSchema.meta({ description: 'Where to send the request: http or https only.' }),
  method: z.enum(['POST', 'PUT', 'PATCH', 'DELETE']).default(DEFAULT_METHOD),
  query: z
    .record(
      z.string().min(1, { error: 'parameter names must not be empty' }).refine(wellFormed, LONE_SURROGATE),
      QueryValueSchema,
    )
    .optional()
    .meta({ description: "Merged into the URL's own query string." }),
  headers: HeadersSchema.optional(),
  cookies: z
    .record(
      z.string().regex(TOKEN, { error: 'cookie names must be HTTP tokens' }),
      z.string().refine(wellFormed, LONE_SURROGATE),
    )
    .optional()
    .meta({ description: 'Sent as one Cookie header; values are percent-encoded as UTF-8 (José: Jos%C3%A9).' }),
  body: z
    .record(z.string(), BodyValueSchema)
    .optional()
    .meta({ description: 'One flat JSON object: string, number, boolean or null values.' }),
  response: ResponseSpecSchema.optional(),
  timeout: durationAtMost(MAX_TIMEOUT_MS, '15m')
    .default(DEFAULT_TIMEOUT)
    .meta({ description: 'Total deadline of one attempt, from connect to the last byte of the response.' }),
  delay: DurationSchema.optional().meta({ description: 'Wait this long (a durable timer) before the first attempt.' }),
  retry: RetryPolicySchema.optional(),
  signing: z
    .strictObject({
      secret: z.string({ error: 'is required' }).regex(SIGNING_SECRET_PATTERN, { error: SIGNING_SECRET_MESSAGE }),
    })
    .optional()
    .meta({ description: 'Sign per the Standard Webhooks spec (webhook-id, webhook-timestamp, webhook-signature).' }),
  idempotencyKey: z
    .string()
    .min(1)
    .max(256)
    .regex(/^[\x21-\x7e]+$/, { error: 'must be printable ASCII without spaces' })
    .optional()
    .meta({ description: 'Sent as webhook-id, the same on every attempt. Defaults to one key per step run.' }),
});

export const StepSchema = StepObjectSchema.superRefine((step, ctx) => {
  if (step.body && utf8Length(JSON.stringify(step.body)) > MAX_BODY_BYTES) {
    ctx.addIssue({
      code: 'custom',
      path: ['body'],
      message: `must be at most ${MAX_BODY_BYTES / 1024} KiB once encoded`,
    });
  }
});

/** The step as a caller writes it (defaults not yet applied). */
export type StepInput = z.input<typeof StepSchema>;
/** The step after parsing: defaults applied. */
export type Step = z.output<typeof StepSchema>;

/** What the `sendWebhook` workflow returns when the receiver answered 2xx. */
export interface SendWebhookResult<B = Record<string, unknown>> {
  status: number;
  /** The declared response fields, typed; the parsed JSON object when nothing was declared. */
  body: B;
  /** Set only when `body` does not tell the whole reply: see ReplyNote. */
  reply?: ReplyNote;
  attempts: number;
  /** From the first attempt to the result, retries and their backoff included. */
  durationMs: number;
}

/**
 * What a 2xx reply held beyond `body`, so nothing a receiver said is dropped silently. With nothing declared, a
 * reply that is not empty and not a JSON object is kept whole in one of `json`, `text` or `base64`; `incomplete`
 * says why the body is not all there (it broke off after the status line, or is larger than hookstep reads).
 */
export interface ReplyNote {
  /** JSON that is not an object: an array, a string, a number, a boolean or null. */
  json?: unknown;
  /** Text that is not JSON (`ok`, HTML). */
  text?: string;
  /** Bytes that are not text in the reply's charset or content-coding, base64-encoded. */
  base64?: string;
  incomplete?: string;
}

/** Maps a `response.fields` declaration to the TypeScript type of the body it yields. */
export type DeclaredBody<F> =
  F extends Record<string, FieldType>
    ? { [K in keyof F as F[K] extends `${string}?` ? never : K]: FieldValue<F[K]> } & {
        [K in keyof F as F[K] extends `${string}?` ? K : never]?: FieldValue<F[K]>;
      }
    : Record<string, unknown>;
type FieldValue<T> = T extends `string${string}`
  ? string
  : T extends `number${string}`
    ? number
    : T extends `boolean${string}`
      ? boolean
      : T extends `array${string}`
        ? unknown[]
        : Record<string, unknown>;

export type StepCheck = { ok: true; step: Step } | { ok: false; issues: string[] };

/**
 * The whole check of a step from any source: no number its JSON could not carry exactly (marked when its payload was
 * decoded), its shape within STEP_LIMITS, then StepSchema; issues are capped.
 */
export function checkStep(input: unknown, label = 'step'): StepCheck {
  const inexact = inexactNumberIssues(input, label);
  if (inexact.length > 0) return { ok: false, issues: capIssues(inexact) };
  const shape = shapeProblems(input, STEP_LIMITS, label);
  if (shape.length > 0) return { ok: false, issues: capIssues(shape) };
  const parsed = StepSchema.safeParse(input);
  return parsed.success ? { ok: true, step: parsed.data } : { ok: false, issues: formatIssues(parsed.error, label) };
}
