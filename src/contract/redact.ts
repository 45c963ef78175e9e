// Redaction of what a receiver says back: every secret hookstep sent is cut out of the reply before any of it is
// stored or printed (failure details and messages), in the encodings a receiver echoes it in. Pure: the activities
// list a request's secrets when they build it and redact where they build a failure.

import { pathTokens } from './display';

export const REDACTED = '[redacted]';

/** Header values that are never credentials, so an echo of them stays readable. */
const PLAIN_HEADERS: ReadonlySet<string> = new Set([
  'accept',
  'accept-charset',
  'accept-encoding',
  'accept-language',
  'cache-control',
  'content-language',
  'content-type',
  'user-agent',
  'webhook-id',
  'webhook-timestamp',
]);

/** A header, query parameter or body field whose name says it holds a credential. */
export const SECRET_NAME = /auth|cookie|token|secret|passw|pwd|key|sig|credential|session|jwt|bearer|hmac|private/i;

/** Below these lengths a value is left alone: no credential is that short, and redacting it would garble the reply. */
export const MIN_NAMED_SECRET_CHARS = 4;
export const MIN_HEADER_SECRET_CHARS = 8;

export interface SentParts {
  /** The URL as written: its query parameters named like secrets are secrets. */
  url: string;
  /** Query parameters hookstep added. */
  query?: Readonly<Record<string, string>>;
  /** Every header sent, with lower-case names (cookie and webhook-signature included). */
  headers: Readonly<Record<string, string>>;
  cookies?: Readonly<Record<string, string>>;
  /** The body as an object: string values under keys named like secrets, at any depth, are secrets. */
  body?: unknown;
  /** whsec_ signing secrets. */
  signingSecrets?: readonly string[];
}

/**
 * Every secret a request carries, longest first:
 * - every header value (Authorization's credentials and a Basic password on their own too), but those in
 *   PLAIN_HEADERS, from MIN_HEADER_SECRET_CHARS characters; a header named like a secret from MIN_NAMED_SECRET_CHARS;
 * - every cookie value, each signature in webhook-signature, each signing secret and its key;
 * - query parameters (the URL's own and added) and body string values whose names match SECRET_NAME;
 * - the URL's path segments that look like tokens (isPathToken: a Discord or Slack webhook URL's token).
 * Names are never secrets. Other query and body values are data the receiver may quote back, and are kept.
 */
export function sentSecrets(parts: SentParts): string[] {
  const out = new Set<string>();
  const named = (value: string | undefined) => {
    if (value !== undefined && value.length >= MIN_NAMED_SECRET_CHARS) out.add(value);
  };
  for (const [name, value] of Object.entries(parts.headers)) {
    if (PLAIN_HEADERS.has(name)) continue;
    if (!SECRET_NAME.test(name)) {
      if (value.length >= MIN_HEADER_SECRET_CHARS) out.add(value);
      continue;
    }
    named(value);
    // `Bearer <token>`, `Basic <base64 of user:password>`: a receiver may quote the credentials alone.
    const scheme = /^([A-Za-z][\w.+-]*) +(\S.*)$/.exec(value);
    if (scheme) {
      named(scheme[2]);
      if (scheme[1].toLowerCase() === 'basic') {
        const decoded = Buffer.from(scheme[2], 'base64').toString('utf8');
        named(decoded);
        named(decoded.slice(decoded.indexOf(':') + 1));
      }
    }
  }
  for (const signature of (parts.headers['webhook-signature'] ?? '').split(' ')) {
    named(signature);
    named(signature.slice(signature.indexOf(',') + 1));
  }
  for (const value of Object.values(parts.cookies ?? {})) named(value);
  for (const secret of parts.signingSecrets ?? []) {
    named(secret);
    named(secret.replace(/^whsec_/, ''));
  }
  for (const [name, value] of [...ownQuery(parts.url), ...Object.entries(parts.query ?? {})]) {
    if (SECRET_NAME.test(name)) named(value);
  }
  for (const token of pathTokens(parts.url)) named(token);
  collectBody(parts.body, named, 0);
  return [...out].sort((a, b) => b.length - a.length);
}

/**
 * `text` with every secret replaced by REDACTED: as written, percent-encoded (either hex case, `+` for a space),
 * JSON-escaped (`\/`, `\"`, `\u00e9`), as an HTML/XML character reference, and base64-encoded (standard or URL-safe,
 * at any alignment inside a longer base64 text). Letters match in either case: redacting too much beats a leak.
 */
export function redact(text: string, secrets: readonly string[]): string {
  if (secrets.length === 0 || text === '') return text;
  const alternatives = secrets.flatMap((s) => [echoPattern(s), ...base64Cores(s).map(escapeRegExp)]);
  return text.replace(new RegExp(alternatives.join('|'), 'gi'), REDACTED);
}

/** One character of a secret in every encoding a receiver may echo it in. */
function charPattern(c: string): string {
  const forms = [escapeRegExp(c)];
  for (const byte of Buffer.from(c, 'utf8')) forms.push(`%${hex(byte, 2)}`);
  if (c === ' ') forms.push('\\+');
  if (c === '"' || c === '\\' || c === '/') forms.push(`\\\\${escapeRegExp(c)}`);
  let units = '';
  for (let i = 0; i < c.length; i++) units += `\\\\u${hex(c.charCodeAt(i), 4)}`;
  forms.push(units);
  const code = c.codePointAt(0)!;
  forms.push(`&#0*${code};`, `&#x0*${code.toString(16)};`);
  const entity = { '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos' }[c];
  if (entity) forms.push(`&${entity};`);
  return `(?:${forms.join('|')})`;
}

function echoPattern(secret: string): string {
  return [...secret].map(charPattern).join('');
}

/**
 * The part of base64(secret) that is the same whatever bytes surround the secret, for each of the three alignments
 * a secret can have inside a longer base64 text; standard and URL-safe alphabets. Only for secrets of 8 or more
 * characters: a shorter core would match text by chance.
 */
function base64Cores(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  if (secret.length < MIN_HEADER_SECRET_CHARS) return [];
  const cores = new Set<string>();
  for (let lead = 0; lead < 3; lead++) {
    const encoded = Buffer.concat([Buffer.alloc(lead), bytes])
      .toString('base64')
      .replace(/=+$/, '');
    const total = lead + bytes.length;
    // Characters wholly made of the secret's bits: skip those mixed with the lead, stop before a mixed last one.
    const start = [0, 2, 3][lead];
    const end = Math.floor(total / 3) * 4 + [0, 1, 2][total % 3];
    const core = encoded.slice(start, end);
    cores.add(core);
    cores.add(core.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return [...cores];
}

function ownQuery(url: string): [string, string][] {
  const hash = url.indexOf('#');
  const q = url.indexOf('?');
  if (q === -1 || (hash !== -1 && hash < q)) return [];
  return [...new URLSearchParams(url.slice(q + 1, hash === -1 ? undefined : hash))];
}

function collectBody(value: unknown, add: (v: string) => void, depth: number): void {
  if (depth > 64 || value === null || typeof value !== 'object') return;
  for (const [key, inner] of Object.entries(value)) {
    if (typeof inner === 'string' && SECRET_NAME.test(key)) add(inner);
    else collectBody(inner, add, depth + 1);
  }
}

function hex(n: number, width: number): string {
  return n.toString(16).toUpperCase().padStart(width, '0');
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}
