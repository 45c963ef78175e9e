// Standard Webhooks verification (https://www.standardwebhooks.com) over the raw body bytes: several signatures in
// one header (the sender rotating its secret), several secrets here (the receiver rotating), a timestamp tolerance
// against replays, and constant-time comparison. It accepts what hookstep and the `standardwebhooks` package sign.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import {
  DEFAULT_TIMESTAMP_TOLERANCE_SECONDS,
  SIGNATURE_VERSION,
  SIGNING_SECRET_MESSAGE,
  SIGNING_SECRET_PATTERN,
  WEBHOOK_ID_HEADER,
  WEBHOOK_SIGNATURE_HEADER,
  WEBHOOK_TIMESTAMP_HEADER,
  WebhookVerificationCode as Code,
  InvalidInputError,
  WebhookVerificationError,
  decodeSecret,
  formatIssues,
} from '../contract';

/** Request headers: a fetch `Headers`, or a record such as Node's `req.headers` (any case, repeated as arrays). */
export type HeaderSource = { get(name: string): string | null } | Record<string, string | string[] | undefined>;

/** What a verified webhook is known by: its id (stable across redeliveries) and its timestamp, unix seconds. */
export interface VerifiedWebhook {
  id: string;
  timestamp: number;
}

const SecretSchema = z
  .string({ error: 'must be a string' })
  .regex(SIGNING_SECRET_PATTERN, { error: SIGNING_SECRET_MESSAGE })
  .refine((s) => !SIGNING_SECRET_PATTERN.test(s) || decodeSecret(s).length > 0, { error: 'must hold a key' });

/** One secret, or several while rotating: a webhook verifies when it matches any of them. */
export const SecretsSchema = z.preprocess(
  (v) => (typeof v === 'string' ? [v] : v),
  z.array(SecretSchema, { error: 'must be a whsec_ secret or a list of them' }).min(1, { error: 'must hold a secret' }),
) as z.ZodType<string[], string | readonly string[]>;

export const VerifyOptionsSchema = z.object({
  secrets: SecretsSchema,
  toleranceSeconds: z
    .number({ error: 'must be a number of seconds' })
    .int({ error: 'must be whole seconds' })
    .min(1, { error: 'must be at least 1 second' })
    .default(DEFAULT_TIMESTAMP_TOLERANCE_SECONDS),
  /** The receiver's clock in unix seconds; tests set it. */
  now: z.custom<() => number>((v) => typeof v === 'function', { error: 'must be a function' }).optional(),
});
export type VerifyOptions = z.input<typeof VerifyOptionsSchema>;

export type Verifier = (body: Uint8Array | string, headers: HeaderSource) => VerifiedWebhook;

// Unix seconds as the spec writes them; no sign, no leading zeros (which the reference library would sign differently).
const TIMESTAMP = /^(0|[1-9][0-9]{0,14})$/;
// Entries are separated by spaces; a comma before the space is allowed, as HTTP joins a repeated header with ", ".
const ENTRY_SEPARATOR = /,?\s+/;

/** Checks the options and decodes the secrets once; throws InvalidInputError naming a bad option. */
export function createVerifier(options: VerifyOptions): Verifier {
  const parsed = VerifyOptionsSchema.safeParse(options);
  if (!parsed.success) throw optionsError(parsed.error);
  return verifierFor(parsed.data);
}

/** Verifies one webhook; throws WebhookVerificationError (code per reason) or InvalidInputError for bad options. */
export function verifyWebhook(body: Uint8Array | string, headers: HeaderSource, options: VerifyOptions) {
  return createVerifier(options)(body, headers);
}

/** For parsed options; the verifier throws WebhookVerificationError with a stable code per reason. */
export function verifierFor(options: z.output<typeof VerifyOptionsSchema>): Verifier {
  const keys = options.secrets.map(decodeSecret);
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  return (body, headers) => {
    const id = required(headers, WEBHOOK_ID_HEADER);
    const timestampText = required(headers, WEBHOOK_TIMESTAMP_HEADER);
    const signatures = required(headers, WEBHOOK_SIGNATURE_HEADER);
    if (!TIMESTAMP.test(timestampText)) {
      throw new WebhookVerificationError(Code.MalformedHeader, `${WEBHOOK_TIMESTAMP_HEADER} must be unix seconds`);
    }
    const timestamp = Number(timestampText);
    checkTolerance(timestamp, now(), options.toleranceSeconds);
    const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    const expected = keys.map((key) =>
      Buffer.from(createHmac('sha256', key).update(`${id}.${timestampText}.`).update(bytes).digest('base64')),
    );
    const offered = v1Signatures(signatures);
    if (!offered.some((sig) => expected.some((exp) => sig.length === exp.length && timingSafeEqual(sig, exp)))) {
      const what = offered.length === 0 ? `holds no ${SIGNATURE_VERSION} signature` : 'matches no secret';
      throw new WebhookVerificationError(Code.BadSignature, `${WEBHOOK_SIGNATURE_HEADER} ${what} of this receiver`);
    }
    return { id, timestamp };
  };
}

/** Options issues name the option, never its value (a secret). */
export function optionsError(error: z.ZodError) {
  return new InvalidInputError('receiver options', formatIssues(error));
}

function checkTolerance(timestamp: number, now: number, tolerance: number): void {
  if (now - timestamp > tolerance) {
    throw new WebhookVerificationError(
      Code.TimestampTooOld,
      `${WEBHOOK_TIMESTAMP_HEADER} is ${now - timestamp} s in the past, beyond the tolerance of ${tolerance} s`,
    );
  }
  if (timestamp - now > tolerance) {
    throw new WebhookVerificationError(
      Code.TimestampTooNew,
      `${WEBHOOK_TIMESTAMP_HEADER} is ${timestamp - now} s in the future, beyond the tolerance of ${tolerance} s`,
    );
  }
}

function v1Signatures(header: string): Buffer[] {
  const prefix = `${SIGNATURE_VERSION},`;
  return header
    .trim()
    .split(ENTRY_SEPARATOR)
    .filter((entry) => entry.startsWith(prefix))
    .map((entry) => Buffer.from(entry.slice(prefix.length)));
}

function required(headers: HeaderSource, name: string): string {
  const value = headerValue(headers, name);
  if (!value) throw new WebhookVerificationError(Code.MissingHeader, `missing header ${name}`);
  return value;
}

function headerValue(headers: HeaderSource, name: string): string | undefined {
  if (typeof headers.get === 'function') return headers.get(name) ?? undefined;
  const record = headers as Record<string, string | string[] | undefined>;
  const key = name in record ? name : Object.keys(record).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : record[key];
  return Array.isArray(value) ? value.join(' ') : value;
}
