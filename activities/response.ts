// Reading a receiver's response: capped, and typed by the step's declared `response.fields`.
import { exactReplyNumbers, type FieldType } from '../src/contract';

export const MAX_RESPONSE_BYTES = 1024 * 1024;
export const SNIPPET_BYTES = 2 * 1024;

export interface Readable {
  [Symbol.asyncIterator](): AsyncIterator<Buffer>;
  destroy(err?: Error): unknown;
}

/** Reads at most `limit` bytes; past that the stream is destroyed, so the rest is never buffered. */
export async function readCapped(
  body: Readable,
  limit = MAX_RESPONSE_BYTES,
): Promise<{ text: string; truncated: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    if (size + chunk.length > limit) {
      chunks.push(chunk.subarray(0, limit - size));
      body.destroy();
      return { text: Buffer.concat(chunks).toString('utf8'), truncated: true };
    }
    chunks.push(chunk);
    size += chunk.length;
  }
  return {
    text: chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8'),
    truncated: false,
  };
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

export type Typed = { ok: true; body: Record<string, unknown> } | { ok: false; reason: string };

/**
 * With declared fields: the body must be a JSON object holding every required field with its type; only declared
 * fields come back. Without: the parsed JSON object, or {} when the body is empty or not a JSON object.
 */
export function typeResponse(text: string, fields: Record<string, FieldType> | undefined): Typed {
  let parsed: unknown;
  try {
    parsed = text.trim() === '' ? undefined : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const exact = exactReplyNumbers(text, parsed, fields);
  if (!exact.ok) return exact;
  parsed = exact.value;
  const isObject = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed);
  if (!fields || Object.keys(fields).length === 0) {
    return { ok: true, body: isObject ? (parsed as Record<string, unknown>) : {} };
  }
  if (!isObject) return { ok: false, reason: 'the body is not a JSON object' };

  const source = parsed as Record<string, unknown>;
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
  return problems.length ? { ok: false, reason: problems.join('; ') } : { ok: true, body };
}

function typeOf(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  return typeof value;
}
