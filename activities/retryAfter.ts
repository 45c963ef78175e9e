// Retry-After (RFC 9110 §10.2.3): either delay-seconds or an HTTP date.

const HTTP_DATE_START = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,? /;

/** Milliseconds to wait, or undefined when the header is absent or unreadable. Dates in the past give 0. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // Date.parse is lenient ("2" is the year 2001): only the HTTP-date forms, which all start with a day name.
  if (!HTTP_DATE_START.test(text)) return undefined;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}
