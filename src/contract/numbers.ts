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
 * The cheap pre-check in front of every parse: text without a run of 16 digits or dots, and without an exponent of 3
 * digits, cannot hold an inexact number (up to 15 significant digits always survive a double, and with an exponent of
 * at most 99 such a number is far from the double's range limits). True means "look closer", not "found".
 */
export function mayHoldInexactNumber(text: string): boolean {
  return eachSuspect(text, () => true);
}

/**
 * Whether valid JSON `text` holds a number a double changes. Only the pre-check's suspects are looked at: each is
 * widened to the number-like characters around it and checked when it stands where JSON puts a value (after `:`, `[`,
 * `,` or nothing, before `,`, `]`, `}` or nothing). Digits inside a string rarely stand so; when they do, the caller's
 * exact parse finds no number there, so the answer stays right and only the cost grows.
 */
export function holdsInexactNumber(text: string): boolean {
  return eachSuspect(text, (from, to) => {
    const token = numberAround(text, from, to);
    return token !== undefined && !isExactNumber(token);
  });
}

/** Calls `visit` on each run of 16+ digits or dots and each 3-digit exponent until it returns true. */
function eachSuspect(text: string, visit: (from: number, to: number) => boolean): boolean {
  // Every 16th character only (any such run covers one), and around those that are digits: on digit-heavy JSON a
  // third of the time a regex for the same run takes (bench/numbersCost.ts).
  for (let i = 15; i < text.length;) {
    if (!isDigitOrDot(text.charCodeAt(i))) {
      i += 16;
      continue;
    }
    let from = i;
    while (from > 0 && isDigitOrDot(text.charCodeAt(from - 1))) from--;
    let to = i + 1;
    while (to < text.length && isDigitOrDot(text.charCodeAt(to))) to++;
    if (to - from >= 16 && visit(from, to)) return true;
    i = to + 16;
  }
  const exponents = new RegExp(LONG_EXPONENT, 'g');
  for (let m = exponents.exec(text); m !== null; m = exponents.exec(text)) {
    if (visit(m.index, m.index + m[0].length)) return true;
  }
  return false;
}
const LONG_EXPONENT = /[eE][-+]?[0-9]{3}/;
const NUMBER = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?$/;

/** The JSON number token around text[from, to), when one stands there as a value. */
function numberAround(text: string, from: number, to: number): string | undefined {
  let start = from;
  while (start > 0 && isNumberChar(text.charCodeAt(start - 1))) start--;
  let end = to;
  while (end < text.length && isNumberChar(text.charCodeAt(end))) end++;
  let before = start - 1;
  while (before >= 0 && isSpace(text.charCodeAt(before))) before--;
  let after = end;
  while (after < text.length && isSpace(text.charCodeAt(after))) after++;
  if (before >= 0 && !OPENERS.includes(text[before])) return undefined;
  if (after < text.length && !CLOSERS.includes(text[after])) return undefined;
  const token = text.slice(start, end);
  return NUMBER.test(token) ? token : undefined;
}
const OPENERS = ':[,';
const CLOSERS = ',]}';

function isDigitOrDot(code: number): boolean {
  return (code >= 48 && code <= 57) || code === 46;
}

function isNumberChar(code: number): boolean {
  return isDigitOrDot(code) || code === 101 || code === 69 || code === 43 || code === 45;
}

function isSpace(code: number): boolean {
  return code === 32 || code === 10 || code === 13 || code === 9;
}

/** Valid JSON `text` with every number as a LosslessNumber (its exact text); a repeated key keeps its last value. */
export function parseNumbersAsText(text: string): unknown {
  return parseLossless(text, null, { onDuplicateKey: ({ newValue }) => newValue });
}

export type JsonPath = (string | number)[];

/**
 * Where `value` (from parseNumbersAsText, or holding inexact-number marks) has a number a double changes, each as a
 * path of keys and indexes. The walk is iterative, so no depth overflows it, and builds a path only for what it finds
 * (it runs on every step and automation input).
 */
export function inexactNumberPaths(value: unknown): JsonPath[] {
  const found: JsonPath[] = [];
  const stack: WalkNode[] = [{ value }];
  while (stack.length > 0) {
    const node = stack.pop()!;
    const v = node.value;
    if (typeof v !== 'object' || v === null) continue;
    if (isInexactNumberMark(v) || (isLosslessNumber(v) && !isExactNumber(v.value))) found.push(pathOf(node));
    else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], parent: node, key: i });
    } else if (!isLosslessNumber(v)) {
      const keys = Object.keys(v);
      for (let i = keys.length - 1; i >= 0; i--) {
        stack.push({ value: (v as Record<string, unknown>)[keys[i]], parent: node, key: keys[i] });
      }
    }
  }
  return found;
}

interface WalkNode {
  value: unknown;
  parent?: WalkNode;
  key?: string | number;
}

function pathOf(node: WalkNode): JsonPath {
  const path: JsonPath = [];
  for (let n: WalkNode | undefined = node; n?.key !== undefined; n = n.parent) path.unshift(n.key);
  return path;
}

/** The paths of valid JSON `text`'s inexact numbers; [] (after the pre-check only, for ordinary text) when it has none. */
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
    (path) =>
      `${formatPath(label ? [label, ...path] : path) || '(input)'}: ${INEXACT_NUMBER_REASON}; send it as a string`,
  );
}

export type ExactReply = { ok: true; value: unknown } | { ok: false; reason: string };

/**
 * A receiver's reply object `parsed` (JSON.parse of `text`) with its numbers as the receiver wrote them, for
 * `response.fields` (issue 18): a field declared "string" whose value is a JSON number receives that number's exact
 * text ("7615917337495251231", "1.50"); a number a double would change, anywhere else the result keeps it (a declared
 * number, object or array field, or the whole reply when no fields are declared), fails with a reason naming it.
 * Ordinary replies cost the pre-check only.
 */
export function exactReplyNumbers(
  text: string,
  parsed: unknown,
  fields: Record<string, string> | undefined,
): ExactReply {
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    // Not an object: with fields declared it fails as such; with none it is kept whole in the result's `reply`, so
    // its numbers must survive like an object's.
    if (Object.keys(fields ?? {}).length > 0 || !holdsInexactNumber(text)) return { ok: true, value: parsed };
    const paths = inexactNumberPaths(parseNumbersAsText(text));
    if (paths.length === 0) return { ok: true, value: parsed };
    const where = paths.slice(0, 5).map((p) => formatPath(['reply', ...p]));
    return {
      ok: false,
      reason: `${where.join(', ')} ${paths.length === 1 ? INEXACT_NUMBER_REASON : INEXACT_PLURAL}; the receiver must send it as a string`,
    };
  }
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
  for (const [name] of asText) {
    // defineProperty: a field named "__proto__" stays a field, as JSON.parse made it.
    const written = (own(exact, name) as LosslessNumber).value;
    Object.defineProperty(value, name, { value: written, writable: true, enumerable: true, configurable: true });
  }
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
