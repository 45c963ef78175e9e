// Number fidelity (issue 18): a JSON number arrives as it was written, or is refused by name; never rounded. A
// JavaScript number is a double, so JSON.parse silently changes 7615917337495251231 and 1432.0531571421431500. Every
// entry that reads JSON text (the events API, workflow input, replies) finds such numbers here, before anything is sent.
import { compareNumber, isLosslessNumber, parse as parseLossless, type LosslessNumber } from 'lossless-json';
import { capIssues, formatPath } from './limits';

/** Why a number is refused, in every message that refuses one. */
export const INEXACT_NUMBER_REASON =
  'is a number a double cannot hold exactly (beyond 2^53, more significant digits than a double keeps, or out of ' +
  'its range), so it would arrive changed';

/**
 * Whether the JSON number token `text` survives a double: the shortest decimal that round-trips the parsed double
 * equals `text` in value. `0.1`, `1.50`, `1e3`, `9007199254740992` do; `7615917337495251231`,
 * `1432.0531571421431500`, `1e400`, `1e-400` do not. Source: ECMA-262 Number::toString gives that shortest decimal.
 */
export function isExactNumber(text: string): boolean {
  const n = Number(text);
  if (!Number.isFinite(n)) return false;
  const shortest = String(n);
  return shortest === text || compareNumber(shortest, text) === 0;
}

/**
 * The cheap pre-check in front of every parse: text without a run of 16 digits or dots and without a digit followed by
 * an exponent cannot hold an inexact number (15 significant digits always survive a double, and without an exponent
 * such a number is far from the double's range limits). True means "look closer", not "found".
 */
export function mayHoldInexactNumber(text: string): boolean {
  return SUSPECT.test(text);
}
const SUSPECT = /[0-9.]{16}|[0-9][eE]/;

// JSON's strings (skipped: digits inside them are not numbers) and numbers, in valid JSON text.
const TOKENS = /"[^"\\]*(?:\\.[^"\\]*)*"|-?[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/g;

/** Whether valid JSON `text` holds a number a double changes: the pre-check, then one regex pass over its tokens. */
export function holdsInexactNumber(text: string): boolean {
  if (!mayHoldInexactNumber(text)) return false;
  for (const [token] of text.matchAll(TOKENS)) {
    if (token.charCodeAt(0) !== QUOTE && (token.length > 15 || /[eE]/.test(token)) && !isExactNumber(token)) {
      return true;
    }
  }
  return false;
}
const QUOTE = 34;

/** Valid JSON `text` with every number as a LosslessNumber (its exact text); a repeated key keeps its last value. */
export function parseNumbersAsText(text: string): unknown {
  return parseLossless(text, null, { onDuplicateKey: ({ newValue }) => newValue });
}

export type JsonPath = (string | number)[];

/**
 * Where `value` (from parseNumbersAsText, or holding inexact-number marks) has a number a double changes, each as a
 * path of keys and indexes; the walk is iterative, so no depth overflows it.
 */
export function inexactNumberPaths(value: unknown): JsonPath[] {
  const found: JsonPath[] = [];
  const stack: [unknown, JsonPath][] = [[value, []]];
  while (stack.length > 0) {
    const [v, path] = stack.pop()!;
    if (isInexactNumberMark(v) || (isLosslessNumber(v) && !isExactNumber(v.value))) {
      found.push(path);
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], [...path, i]]);
    } else if (typeof v === 'object' && v !== null && !isLosslessNumber(v)) {
      for (const key of Object.keys(v).reverse()) stack.push([(v as Record<string, unknown>)[key], [...path, key]]);
    }
  }
  return found;
}

/** The paths of valid JSON `text`'s inexact numbers; [] (after one regex test, for ordinary text) when it has none. */
export function inexactNumbersIn(text: string): JsonPath[] {
  return holdsInexactNumber(text) ? inexactNumberPaths(parseNumbersAsText(text)) : [];
}

/**
 * What a value decoded from a workflow payload holds where its JSON had an inexact number: an object no valid step or
 * automation field accepts, which validation (inexactNumberIssues) names precisely. Decoding must not throw (a
 * workflow task that throws is retried forever), so the refusal happens where input is validated.
 */
export const INEXACT_NUMBER_MARK = 'hookstep:inexactNumber';
export type InexactNumberMark = { [INEXACT_NUMBER_MARK]: true };

export function isInexactNumberMark(value: unknown): value is InexactNumberMark {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<string, unknown>)[INEXACT_NUMBER_MARK] === true &&
    Object.keys(value).length === 1
  );
}

/** JSON.parse(text), but each number a double would change is an InexactNumberMark. Throws what JSON.parse throws. */
export function parseJsonMarkingInexact(text: string): unknown {
  const value: unknown = JSON.parse(text);
  if (!holdsInexactNumber(text)) return value;
  return parseLossless(text, null, {
    parseNumber: (token) => (isExactNumber(token) ? Number(token) : { [INEXACT_NUMBER_MARK]: true }),
    onDuplicateKey: ({ newValue }) => newValue,
  });
}

/** One issue per inexact-number mark in `input`, `label.path: reason; send it as a string`, for InvalidStep/Automation. */
export function inexactNumberIssues(input: unknown, label: string): string[] {
  return inexactNumberPaths(input).map(
    (path) => `${formatPath([label, ...path]) || '(input)'}: ${INEXACT_NUMBER_REASON}; send it as a string`,
  );
}

export type ExactReply = { ok: true; value: unknown } | { ok: false; reason: string };

/**
 * A receiver's reply object `parsed` (JSON.parse of `text`) with its numbers as the receiver wrote them, for
 * `response.fields` (issue 18): a field declared "string" whose value is a JSON number receives that number's exact
 * text ("7615917337495251231", "1.50"); a number a double would change, anywhere else the result keeps it (a declared
 * number, object or array field, or the whole reply when no fields are declared), fails with a reason naming it.
 * Ordinary replies cost one regex test.
 */
export function exactReplyNumbers(
  text: string,
  parsed: unknown,
  fields: Record<string, string> | undefined,
): ExactReply {
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return { ok: true, value: parsed };
  const reply = parsed as Record<string, unknown>;
  const declared = Object.entries(fields ?? {});
  const asText = declared.filter(([name, type]) => type.startsWith('string') && typeof own(reply, name) === 'number');
  if (asText.length === 0 && !holdsInexactNumber(text)) return { ok: true, value: parsed };

  const exact = parseNumbersAsText(text) as Record<string, unknown>;
  if (declared.length === 0) {
    const paths = inexactNumberPaths(exact);
    if (paths.length === 0) return { ok: true, value: parsed };
    const fix = 'declare the fields you need in response.fields ("string" receives a number as its exact text)';
    return { ok: false, reason: `${describe(paths)}; ${fix}` };
  }
  const value = { ...reply };
  for (const [name] of asText) value[name] = (own(exact, name) as LosslessNumber).value;
  const problems = declared
    .filter(([name, type]) => !type.startsWith('string') && Object.hasOwn(exact, name))
    .flatMap(([name]) => inexactNumberPaths(exact[name]).map((p) => [name, ...p]))
    .map((path) =>
      path.length === 1
        ? `${describe([path])}; declare it "string" to receive its exact text`
        : `${describe([path])}; inside an object or array it cannot be kept: the receiver must send it as a string`,
    );
  return problems.length === 0 ? { ok: true, value } : { ok: false, reason: capIssues(problems).join('; ') };
}

function describe(paths: JsonPath[]): string {
  const names = paths.slice(0, 5).map(replyPath);
  const more = paths.length > 5 ? ` and ${paths.length - 5} more` : '';
  return `the reply's ${names.join(', ')}${more} ${paths.length === 1 ? INEXACT_NUMBER_REASON : INEXACT_PLURAL}`;
}
const INEXACT_PLURAL = INEXACT_NUMBER_REASON.replace('is a number', 'are numbers').replace('it would', 'they would');

/** `"ticketId"`, `"items"[0].id`: the top-level key quoted, as the other reply problems name fields. */
function replyPath([head, ...rest]: JsonPath): string {
  const tail = formatPath(rest);
  return JSON.stringify(head) + (tail === '' || tail.startsWith('[') ? tail : `.${tail}`);
}

function own(record: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}
