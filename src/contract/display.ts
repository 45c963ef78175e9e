// How a destination appears in messages, logs and summaries: never credentials or a query string, never longer than
// a line. Pure, so workflows use it for summaries and activities for messages.

/** The URL as it may appear in messages, logs and summaries: scheme, host and path; never credentials or query. */
export function displayUrl(url: URL | string): string {
  const u = typeof url === 'string' ? new URL(url) : url;
  return `${u.protocol}//${u.host}${u.pathname}`;
}

/** Characters; displayUrl is ASCII (punycode, percent-encoding), so this stays well under 400 bytes. */
export const MAX_SUMMARY_CHARS = 120;

/**
 * A summary is one line in the Web UI, so a long URL is cut. The server limits summaries to 400 bytes where it checks
 * them (workflow starts), and may check commands' one day: a refused command would fail the workflow task forever.
 */
export function summaryLine(text: string): string {
  return text.length > MAX_SUMMARY_CHARS ? `${text.slice(0, MAX_SUMMARY_CHARS - 1)}…` : text;
}
