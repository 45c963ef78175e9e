// Reading a receiver's reply: capped, decoded as its headers describe it, and typed by the step's declared
// `response.fields`. A 2xx is never read as something it is not: what does not fit `body` is kept in `reply`, a
// number a double would change is never rounded (src/contract/numbers.ts), and a declaration the reply cannot
// satisfy fails with the true reason.
import { exactReplyNumbers, type FieldType, type ReplyNote } from '../src/contract';
import { decodeBody, decodeText, undoCodings, type BodyHeaders } from './decode';

export const MAX_RESPONSE_BYTES = 1024 * 1024;
export const SNIPPET_BYTES = 2 * 1024;

export interface Readable {
  [Symbol.asyncIterator](): AsyncIterator<Buffer>;
  destroy(err?: Error): unknown;
}

/** What arrived of a body: at most the cap, and the error that ended it early, if one did. */
export interface Arrived {
  bytes: Buffer;
  /** The body is longer than the cap; the rest was not read. */
  truncated: boolean;
  /** What the stream threw after the status line (a framing error, a reset, the deadline); `bytes` is what came. */
  error?: unknown;
}

/** Reads at most `limit` bytes; past that the stream is destroyed, so the rest is never buffered. Never throws. */
export async function readCapped(body: Readable, limit = MAX_RESPONSE_BYTES): Promise<Arrived> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body) {
      if (size + chunk.length > limit) {
        chunks.push(chunk.subarray(0, limit - size));
        body.destroy();
        return { bytes: Buffer.concat(chunks), truncated: true };
      }
      chunks.push(chunk);
      size += chunk.length;
    }
  } catch (error) {
    return { bytes: Buffer.concat(chunks), truncated: false, error };
  }
  return { bytes: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks), truncated: false };
}

/** A 2xx's body as read: what came, and, when it is not all there, why. */
export interface ReplyBody {
  bytes: Buffer;
  headers: BodyHeaders;
  truncated: boolean;
  /** Why the body ended before its framing said it would, e.g. `UND_ERR_SOCKET`; unset when it is whole. */
  brokeOff?: string;
}

export type Typed =
  | { ok: true; body: Record<string, unknown>; reply?: ReplyNote; text: string }
  | { ok: false; reason: string; text: string };

/**
 * A 2xx reply judged against the step's declared fields; `text` is what a snippet shows. The rule:
 * - an empty body (or only whitespace) is `{}`: declared optional fields are absent, a required one is missing;
 * - a JSON object: with fields declared, the declared ones typed; with none, the whole object;
 * - anything else (JSON that is no object, text that is no JSON, bytes that are no text in their charset or
 *   content-coding, more than MAX_RESPONSE_BYTES): with fields declared, ResponseInvalid naming what it is; with
 *   none, `body` is `{}` and `reply` holds it whole (`json`, `text` or `base64`), so nothing is dropped silently;
 * - a body that broke off after the status line is read from what arrived; `reply.incomplete` says so.
 */
export async function judgeReply(reply: ReplyBody, fields: Record<string, FieldType> | undefined): Promise<Typed> {
  const declared = fields !== undefined && Object.keys(fields).length > 0;
  if (reply.truncated) {
    const reason = `the body is larger than ${MAX_RESPONSE_BYTES / 1024 / 1024} MiB, the most hookstep reads`;
    const text = reply.bytes.subarray(0, SNIPPET_BYTES).toString('utf8');
    return declared ? { ok: false, reason, text } : { ok: true, body: {}, reply: { incomplete: reason }, text };
  }
  const incomplete = reply.brokeOff ? `the body broke off (${reply.brokeOff})` : undefined;
  const { contentType, contentEncoding } = reply.headers;
  const plain = contentEncoding
    ? await undoCodings(reply.bytes, contentEncoding, MAX_RESPONSE_BYTES)
    : { ok: true as const, bytes: reply.bytes };
  const decoded = plain.ok ? decodeText(plain.bytes, contentType) : plain;
  if (!decoded.ok) {
    const reason = incomplete ? `${incomplete} and ${decoded.reason}` : decoded.reason;
    const text = reply.bytes.subarray(0, SNIPPET_BYTES).toString('utf8');
    if (declared) return { ok: false, reason, text };
    const note: ReplyNote = decoded.tooLarge ? { incomplete: reason } : { base64: reply.bytes.toString('base64') };
    if (incomplete) note.incomplete = reason;
    return { ok: true, body: {}, reply: note, text };
  }
  return { ...typeResponse(decoded.text, fields, { incomplete, contentType }), text: decoded.text };
}

export function snippet(text: string): string | undefined {
  if (!text) return undefined;
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= SNIPPET_BYTES) return text;
  // Cut on a character boundary: step back over UTF-8 continuation bytes (10xxxxxx).
  let end = SNIPPET_BYTES;
  while (end > 0 && (bytes[end] & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end).toString('utf8');
}

type Parsed = { kind: 'empty' } | { kind: 'json'; value: unknown } | { kind: 'text' };

/** The one place a reply's text becomes a value. */
function parseReply(text: string): Parsed {
  if (!/\S/.test(text)) return { kind: 'empty' };
  try {
    return { kind: 'json', value: JSON.parse(text) };
  } catch {
    return { kind: 'text' };
  }
}

/**
 * A reply's text typed by the declared fields (see judgeReply for the rule). With fields declared only they come
 * back, each with its type; `incomplete` (the body broke off) is added to a failure's reason and to `reply`.
 */
export function typeResponse(
  text: string,
  fields: Record<string, FieldType> | undefined,
  context: { incomplete?: string; contentType?: string } = {},
): { ok: true; body: Record<string, unknown>; reply?: ReplyNote } | { ok: false; reason: string } {
  const { incomplete } = context;
  const parsed = parseReply(text);
  if (parsed.kind === 'json') {
    // Numbers as the receiver wrote them: a declared "string" receives a number's exact text; one a double would
    // change fails rather than arriving rounded.
    const exact = exactReplyNumbers(text, parsed.value, fields);
    if (!exact.ok) return exact;
    parsed.value = exact.value;
  }
  const source =
    parsed.kind === 'empty' ? {} : parsed.kind === 'json' && isRecord(parsed.value) ? parsed.value : undefined;

  if (!fields || Object.keys(fields).length === 0) {
    if (source) return incomplete ? { ok: true, body: source, reply: { incomplete } } : { ok: true, body: source };
    const reply: ReplyNote = parsed.kind === 'json' ? { json: parsed.value } : { text };
    if (incomplete) reply.incomplete = incomplete;
    return { ok: true, body: {}, reply };
  }
  if (!source) {
    const what = parsed.kind === 'json' ? `${jsonKind(parsed.value)}, not an object` : notJson(context.contentType);
    return { ok: false, reason: incomplete ? `${incomplete} and what arrived is ${what}` : `the body is ${what}` };
  }

  const body: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [name, declared] of Object.entries(fields)) {
    const optional = declared.endsWith('?');
    const type = optional ? declared.slice(0, -1) : declared;
    // Own fields only: a declared "constructor" must not be satisfied by what every object inherits.
    const value = Object.hasOwn(source, name) ? source[name] : undefined;
    if (value === undefined || value === null) {
      if (!optional) problems.push(`${JSON.stringify(name)} is missing`);
      continue;
    }
    if (typeOf(value) !== type) problems.push(`${JSON.stringify(name)} is ${typeOf(value)}, expected ${type}`);
    else body[name] = value;
  }
  if (problems.length === 0) return incomplete ? { ok: true, body, reply: { incomplete } } : { ok: true, body };
  const prefix = incomplete ? `${incomplete}; ` : parsed.kind === 'empty' ? 'the body is empty: ' : '';
  return { ok: false, reason: prefix + problems.join('; ') };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function jsonKind(value: unknown): string {
  if (value === null) return 'JSON null';
  return Array.isArray(value) ? 'a JSON array' : `a JSON ${typeof value}`;
}

function notJson(contentType: string | undefined): string {
  return `not JSON${contentType ? ` (content-type ${contentType.split(';')[0].trim()})` : ''}`;
}

function typeOf(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** The body as text for a snippet: decoded when it decodes, else its first bytes read as UTF-8. */
export async function textOf(bytes: Buffer, headers: BodyHeaders): Promise<string> {
  const decoded = await decodeBody(bytes, headers, MAX_RESPONSE_BYTES);
  return decoded.ok ? decoded.text : bytes.subarray(0, SNIPPET_BYTES).toString('utf8');
}
