// Turns `hookstep send` flags into a step. Flags are parsed with zod here; the step itself by StepSchema after.
import { z } from 'zod';
import { FieldTypeSchema, FlagError, INEXACT_NUMBER_REASON, inexactNumbersIn, type StepInput } from '../contract';
import { parseFlags } from './shared';

const PairSchema = z.string().regex(/^[^=]+=/, { error: 'must be key=value' });

/** `k=v` gives a string; `k:=json` a typed scalar (`total:=12.5`, `paid:=true`, `note:=null`), as httpie does. */
export function parsePair(flag: string, text: string): [string, string | number | boolean | null] {
  const pair = PairSchema.safeParse(text);
  if (!pair.success) throw new FlagError(`${flag} ${JSON.stringify(text)}: ${pair.error.issues[0].message}`);
  const typed = /^([^=:]+):=(.*)$/s.exec(text);
  if (typed) {
    let value: unknown;
    try {
      value = JSON.parse(typed[2]);
    } catch {
      throw new FlagError(
        `${flag} ${typed[1]}: the value after := must be JSON (a number, true, false, null or "text")`,
      );
    }
    if (inexactNumbersIn(typed[2]).length > 0) {
      throw new FlagError(`${flag} ${typed[1]}: ${INEXACT_NUMBER_REASON}; write it as a string (${typed[1]}=…)`);
    }
    const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]).safeParse(value);
    if (!scalar.success) throw new FlagError(`${flag} ${typed[1]}: must be a string, number, boolean or null`);
    return [typed[1], scalar.data];
  }
  const i = text.indexOf('=');
  return [text.slice(0, i), text.slice(i + 1)];
}

export function parseExpect(text: string): [string, z.infer<typeof FieldTypeSchema>] {
  const match = /^([^:]+):(.+)$/.exec(text);
  const type = FieldTypeSchema.safeParse(match?.[2]);
  if (!match || !type.success) {
    throw new FlagError(
      `--expect ${JSON.stringify(text)}: must be name:type, type one of ${FieldTypeSchema.options.join(', ')}`,
    );
  }
  return [match[1], type.data];
}

export const SendFlagsSchema = z.object({
  field: z.array(z.string()).default([]),
  query: z.array(z.string()).default([]),
  header: z.array(z.string()).default([]),
  cookie: z.array(z.string()).default([]),
  expect: z.array(z.string()).default([]),
  method: z.string().optional(),
  timeout: z.string().optional(),
  maxAttempts: z
    .string()
    .regex(/^\d+$/, { error: '--max-attempts must be a whole number' })
    .transform(Number)
    .optional(),
  secret: z.string().optional(),
  idempotencyKey: z.string().optional(),
});
export type SendFlags = z.input<typeof SendFlagsSchema>;

/** Builds the step a `send` command describes; StepSchema validates it afterwards, naming step fields. */
export function stepFromFlags(url: string, raw: SendFlags): StepInput {
  const flags = parseFlags(SendFlagsSchema, raw);
  const strings = (flag: string, list: string[]) =>
    Object.fromEntries(list.map((t) => parsePair(flag, t)).map(([k, v]) => [k, v === null ? '' : String(v)]));
  const step: Record<string, unknown> = { url };
  if (flags.field.length) step.body = Object.fromEntries(flags.field.map((t) => parsePair('--field', t)));
  if (flags.query.length) {
    step.query = Object.fromEntries(flags.query.map((t) => parsePair('--query', t)).map(([k, v]) => [k, v ?? '']));
  }
  if (flags.header.length) step.headers = strings('--header', flags.header);
  if (flags.cookie.length) step.cookies = strings('--cookie', flags.cookie);
  if (flags.expect.length) step.response = { fields: Object.fromEntries(flags.expect.map(parseExpect)) };
  if (flags.method) step.method = flags.method.toUpperCase();
  if (flags.timeout) step.timeout = /^\d+$/.test(flags.timeout) ? Number(flags.timeout) : flags.timeout;
  if (flags.maxAttempts !== undefined) step.retry = { maximumAttempts: flags.maxAttempts };
  if (flags.secret) step.signing = { secret: flags.secret };
  if (flags.idempotencyKey) step.idempotencyKey = flags.idempotencyKey;
  return step as StepInput;
}

const PortSchema = z.coerce.number().int().min(0).max(65_535);

/** A port flag, or FlagError naming it. */
export function parsePort(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const port = PortSchema.safeParse(value);
  if (!port.success || !/^\d+$/.test(value)) throw new FlagError(`${flag} must be a port number (0 to 65535)`);
  return port.data;
}
