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
