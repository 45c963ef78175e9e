// Builds the HTTP request a step describes: URL with its query merged in, headers, one Cookie header, JSON body and,
// when the step has a secret, Standard Webhooks signature headers. Pure: the caller supplies the clock.
import { VERSION, encodeCookieValue, requestTarget, sentSecrets, type Step } from '../src/contract';
import { decodeSecret, sign } from './signing';

export interface HttpRequest {
  /** The destination, for its origin and for messages (displayUrl). */
  url: URL;
  /** The request target sent: the URL's path and its own query as written, with what hookstep adds (requestTarget). */
  target: string;
  method: Step['method'];
  headers: Record<string, string>;
  body: string;
  /** Every secret this request carries, for redacting what the receiver says back (sentSecrets); listed on failure. */
  secrets(): string[];
}

export const USER_AGENT = `hookstep/${VERSION}`;

export function buildRequest(step: Step, webhookId: string, nowMs: number): HttpRequest {
  const url = new URL(step.url);
  // The step's query wins over a same-named parameter already in the URL; the URL's other bytes go out as written.
  const query = Object.fromEntries(Object.entries(step.query ?? {}).map(([name, value]) => [name, String(value)]));
  const target = requestTarget(step.url, query);

  const body = JSON.stringify(step.body ?? {});
  const headers: Record<string, string> = {
    'user-agent': USER_AGENT,
    'content-type': 'application/json',
  };
  // Header names are case-insensitive: the step's own value replaces a default of any case.
  for (const [name, value] of Object.entries(step.headers ?? {})) headers[name.toLowerCase()] = value;

  const cookies = Object.entries(step.cookies ?? {});
  if (cookies.length > 0) {
    headers.cookie = cookies.map(([name, value]) => `${name}=${encodeCookieValue(value)}`).join('; ');
  }

  if (step.signing) {
    Object.assign(headers, sign(decodeSecret(step.signing.secret), webhookId, Math.floor(nowMs / 1000), body));
  } else {
    headers['webhook-id'] = webhookId;
  }
  const secrets = () =>
    sentSecrets({
      url: step.url,
      query,
      headers,
      cookies: step.cookies,
      body: step.body,
      signingSecrets: step.signing ? [step.signing.secret] : [],
    });
  return { url, target, method: step.method, headers, body, secrets };
}
