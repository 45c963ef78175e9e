// How a destination appears in messages, logs and summaries: never credentials, a query string or a token in the
// path, never longer than a line. Pure, so workflows use it for summaries and activities for messages.

/** What stands in a displayed path for a segment that may be a credential. */
export const PATH_TOKEN = '[token]';

/**
 * Whether a path segment may be a credential, as the tokens of Discord's, Slack's, Make's and Zapier's webhook URLs
 * and UUIDs are: letters and digits mixed from 6 characters, or anything from 32. Words (`orders`, `order-created`)
 * and plain numbers (an order id) are not. Redacting an id too many beats a leak: a webhook URL whose path holds its
 * token is a bearer credential, and summaries are stored in plain text, even where payloads are encrypted
 * (fetcharr#45, thumper#33, luthien-proxy#622).
 */
export function isPathToken(segment: string): boolean {
  if (segment.length >= 32) return true;
  return segment.length >= 6 && /[A-Za-z]/.test(segment) && /[0-9]/.test(segment);
}

/**
 * The URL as it may appear in messages, logs, summaries and the delivery log: scheme, host and path, each path segment
 * that isPathToken replaced by PATH_TOKEN; never credentials or query. `https://discord.com/api/webhooks/1234/Ab3…`
 * → `https://discord.com/api/webhooks/1234/[token]`.
 */
export function displayUrl(url: URL | string): string {
  const u = typeof url === 'string' ? new URL(url) : url;
  const path = u.pathname
    .split('/')
    .map((segment) => (isPathToken(segment) ? PATH_TOKEN : segment))
    .join('/');
  return `${u.protocol}//${u.host}${path}`;
}

/** The URL's path segments that isPathToken flags, as written and percent-decoded: secrets to cut from a reply. */
export function pathTokens(url: string): string[] {
  let pathname: string;
  try {
    pathname = new URL(url).pathname;
  } catch {
    return [];
  }
  return pathname
    .split('/')
    .filter(isPathToken)
    .flatMap((segment) => {
      try {
        return [segment, decodeURIComponent(segment)];
      } catch {
        return [segment];
      }
    });
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
