// Which headers a step may set. Pure: the step schema checks them, and docs/step.md lists the reserved ones.

/** RFC 9110 token: what a header or cookie name may contain. */
export const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** A header value: visible ASCII, space and tab; CR, LF and NUL would split or truncate the request. */
export const HEADER_VALUE = /^[\t\x20-\x7e]*$/;

// Headers hookstep owns: the transport computes them or refuses them (undici will not send Expect, Upgrade,
// Keep-Alive or Transfer-Encoding set by hand), or signing and idempotency depend on them.
export const RESERVED_HEADERS: ReadonlySet<string> = new Set([
  'host',
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'upgrade',
  'expect',
  'te',
  'trailer',
  'cookie',
]);
// Every Standard Webhooks header (webhook-id, -timestamp, -signature, and any the spec adds) is hookstep's to set.
export const RESERVED_HEADER_PREFIX = 'webhook-';

/** Whether hookstep sets this header itself, so a step may not: docs/step.md's list is this one. */
export function isReservedHeader(name: string): boolean {
  const lower = name.toLowerCase();
  return RESERVED_HEADERS.has(lower) || lower.startsWith(RESERVED_HEADER_PREFIX);
}

/** RFC 6265 §4.1.1 cookie-octets: what a cookie value may hold as it is. */
const COOKIE_VALUE = /^[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]*$/;

/**
 * A cookie value as sent: as written when it is a valid cookie value (a base64 session `eyJh...=` stays byte for
 * byte); otherwise percent-encoded whole as UTF-8 (`José` → `Jos%C3%A9`, `%` → `%25`), so a server that decodes
 * reads back exactly what was written. Lone surrogates are refused by the step schema before this.
 */
export function encodeCookieValue(value: string): string {
  return COOKIE_VALUE.test(value) ? value : encodeURIComponent(value);
}
