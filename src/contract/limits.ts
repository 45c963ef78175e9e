// Limits on any JSON input, checked before a schema parses it: nesting depth (schemas recurse, and deep enough input
// overflows the stack), encoded size (a failure naming every issue of a huge input would not fit in a gRPC message),
// and "__proto__" keys (JSON.parse keeps them as data, but every object copy drops them, with whatever they hold).
// The walk is iterative, so no input can overflow it.

export interface InputLimits {
  maxDepth: number;
  maxBytes: number;
}

/** A step is flat but for its records: 16 levels is far more than any valid one has. */
export const STEP_LIMITS: InputLimits = { maxDepth: 16, maxBytes: 512 * 1024 };
/** An automation's trigger may nest, as events do. */
export const AUTOMATION_LIMITS: InputLimits = { maxDepth: 64, maxBytes: 1024 * 1024 };

/** At most this many issues are listed, each at most ISSUE_CHARS long, so a failure always fits in a message. */
export const MAX_ISSUES = 20;
export const ISSUE_CHARS = 300;
/** Keys echoed in a path are cut to this length. */
export const KEY_CHARS = 64;

/** A node of the walk; its path is built only when a problem is reported. */
interface Node {
  value: unknown;
  depth: number;
  parent?: Node;
  key?: PropertyKey;
}

function pathOf(node: Node | undefined): PropertyKey[] {
  const path: PropertyKey[] = [];
  for (let n = node; n?.key !== undefined; n = n.parent) path.unshift(n.key);
  return path;
}

/** The problems of `value`'s shape, each naming where (`label.path`); empty when it is within the limits. */
export function shapeProblems(value: unknown, limits: InputLimits, label: string): string[] {
  return shapeIssues(value, limits).map(
    ({ path, message }) => `${formatPath(label ? [label, ...path] : path) || '(input)'}: ${message}`,
  );
}

/** The problems of `value`'s shape, each with the path of the field at fault (empty for the whole input). */
export function shapeIssues(value: unknown, limits: InputLimits): { path: PropertyKey[]; message: string }[] {
  const problems: { path: PropertyKey[]; message: string }[] = [];
  let bytes = 0;
  const stack: Node[] = [{ value, depth: 0 }];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.depth > limits.maxDepth) {
      return [{ path: pathOf(node), message: `nested more than ${limits.maxDepth} levels deep` }];
    }
    const v = node.value;
    // The size of the JSON text, escapes included: what Temporal stores is measured, so the checked input (and the
    // parsed automation a local activity returns, with its defaults) stays under its payload limit.
    if (typeof v === 'string') bytes += jsonStringBytes(v);
    else if (typeof v === 'number' || typeof v === 'boolean' || v === null) bytes += String(v).length;
    else if (Array.isArray(v)) {
      bytes += 1 + Math.max(v.length, 1);
      for (let i = 0; i < v.length; i++) stack.push({ value: v[i], depth: node.depth + 1, parent: node, key: i });
    } else if (typeof v === 'object') {
      const record = v as Record<string, unknown>;
      const keys = Object.keys(record);
      bytes += 1 + Math.max(keys.length, 1);
      for (const key of keys) {
        bytes += jsonStringBytes(key) + 1;
        if (key === '__proto__')
          problems.push({ path: [...pathOf(node), key], message: '"__proto__" is not allowed as a key' });
        stack.push({ value: record[key], depth: node.depth + 1, parent: node, key });
      }
    }
    if (bytes > limits.maxBytes) {
      return [{ path: [], message: `is larger than ${Math.round(limits.maxBytes / 1024)} KiB once encoded` }];
    }
  }
  return problems;
}

/** At most MAX_ISSUES issues of at most ISSUE_CHARS each, and a count of the rest. */
export function capIssues(issues: readonly string[]): string[] {
  const shown = issues
    .slice(0, MAX_ISSUES)
    .map((i) => (i.length > ISSUE_CHARS ? `${i.slice(0, ISSUE_CHARS - 1)}…` : i));
  if (issues.length > MAX_ISSUES) shown.push(`…and ${issues.length - MAX_ISSUES} more issues`);
  return shown;
}

/** ['steps', 2, 'with', 'url'] → steps[2].with.url; keys with odd characters (or none) are quoted, long ones cut. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else {
      const text = String(key).length > KEY_CHARS ? `${String(key).slice(0, KEY_CHARS)}…` : String(key);
      out += (out ? '.' : '') + (/^[\w.-]+$/.test(text) ? text : JSON.stringify(text));
    }
  }
  return out;
}

/**
 * The UTF-8 bytes of `JSON.stringify(text)`, quotes included, without building it: `"` and `\` and the short control
 * escapes take 2, other control characters and lone surrogates `\uXXXX` (6), everything else its UTF-8 length.
 */
export function jsonStringBytes(text: string): number {
  let bytes = 2;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (
      code === 0x22 ||
      code === 0x5c ||
      code === 0x08 ||
      code === 0x0c ||
      code === 0x0a ||
      code === 0x0d ||
      code === 0x09
    )
      bytes += 2;
    else if (code < 0x20) bytes += 6;
    else if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && isLow(text.charCodeAt(i + 1))) {
      bytes += 4;
      i++;
    } else if (code >= 0xd800 && code <= 0xdfff) bytes += 6;
    else bytes += 3;
  }
  return bytes;
}

function isLow(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}
