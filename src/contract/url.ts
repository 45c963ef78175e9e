// The request line hookstep sends for a URL: the URL's own query bytes exactly as written (pre-signed URLs sign
// them), with only the parameters hookstep adds or replaces encoded by hookstep. Pure: the step and the event request
// use it, and the URL schema refuses what a URL parser would silently drop or rewrite.

/** Why a URL would not go out as written, or undefined. Checked before `new URL`, which would hide these. */
export function urlWritingProblem(raw: string): string | undefined {
  // eslint-disable-next-line no-control-regex -- control characters are what this looks for
  if (/[\x00-\x1f\x7f]/.test(raw)) {
    return 'must not contain tabs, line breaks or other control characters (URL parsers drop them); percent-encode them';
  }
  if (/^ | $/.test(raw)) return 'must not start or end with a space (URL parsers drop it)';
  if (/\p{Cs}/u.test(raw)) return 'must not contain a lone UTF-16 surrogate: it has no UTF-8 encoding';
  if (/\\/.test(beforeQuery(raw)))
    return 'must not contain "\\" before the query: URL parsers read it as "/"; write %5C';
  return undefined;
}

/**
 * The request target (`/path?query`) to send for `raw`, an absolute http(s) URL that UrlSchema accepted, with
 * `added` merged into its query.
 * - The path is the WHATWG URL's (what fetch and undici send): dot segments resolved (RFC 3986 §5.2.4), characters
 *   a request line cannot carry percent-encoded as UTF-8; `%2F`, `;` and existing escapes are kept as written.
 * - The query is the bytes after `?` as written; only what a request line cannot carry (controls, space, `"`, `<`,
 *   `>`, non-ASCII) is percent-encoded. `'` is kept (WHATWG would write %27 for http URLs).
 * - An added parameter replaces the first parameter of the same (form-decoded) name in place and removes the others,
 *   as URLSearchParams.set does; a new one is appended. Only added names and values are encoded, RFC 3986 strict.
 * The fragment is never sent.
 */
export function requestTarget(raw: string, added: Readonly<Record<string, string>> = {}): string {
  const path = new URL(raw).pathname;
  const hash = raw.indexOf('#');
  const withoutFragment = hash === -1 ? raw : raw.slice(0, hash);
  const q = withoutFragment.indexOf('?');
  const own = q === -1 ? undefined : encodeUnsendable(withoutFragment.slice(q + 1));
  const names = Object.keys(added);
  if (names.length === 0) return own === undefined ? path : `${path}?${own}`;

  const placed = new Set<string>();
  const parts: string[] = [];
  for (const part of own ? own.split('&') : []) {
    const name = formDecodedName(part);
    if (name === undefined || !Object.hasOwn(added, name)) parts.push(part);
    else if (!placed.has(name)) {
      placed.add(name);
      parts.push(`${encodeQueryComponent(name)}=${encodeQueryComponent(added[name])}`);
    }
  }
  for (const name of names) {
    if (!placed.has(name)) parts.push(`${encodeQueryComponent(name)}=${encodeQueryComponent(added[name])}`);
  }
  return `${path}?${parts.join('&')}`;
}

/**
 * An added name or value: every byte is percent-encoded (UTF-8) but RFC 3986's unreserved characters and the
 * sub-delimiters and pchars that mean nothing to a query parser (`! $ ( ) * , : @ / ?`), so an OData `$top` stays
 * `$top`. `&`, `=`, `+`, `;`, `#`, `%`, `'` and space (as %20, never `+`) are always encoded.
 */
export function encodeQueryComponent(value: string): string {
  return encodeURIComponent(value)
    .replace(/['()*!]/g, (c) => (c === "'" ? '%27' : c))
    .replace(/%(24|2C|3A|40|2F|3F)/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
}

function beforeQuery(raw: string): string {
  const end = raw.search(/[?#]/);
  return end === -1 ? raw : raw.slice(0, end);
}

/** The WHATWG URL query percent-encode set for non-special URLs, so `'` stays as written. */
function encodeUnsendable(query: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are among what must be encoded
  return query.replace(/[\x00-\x20"<>\x7f]|[^\x00-\x7f]+/g, (s) => encodeURIComponent(s));
}

/** A parameter's name as URLSearchParams reads it (`+` is a space, escapes decoded): the name `set` matches. */
function formDecodedName(part: string): string | undefined {
  // A leading '&' keeps URLSearchParams from taking a leading '?' of the part as the query's own.
  for (const [name] of new URLSearchParams(`&${part}`)) return name;
  return undefined;
}
