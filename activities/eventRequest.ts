// Builds the request that delivers one event to one webhook: the webhook's URL (with Ecwid's ?eventtype=), its
// headers, the envelope in its format (JSON, or XML for Shoprenter's `type: xml`), signed with every secret that
// signs now. Built per attempt: Virto's envelope names the attempt. Pure: the caller supplies the clock.
import { XMLBuilder } from 'fast-xml-parser';
import { buildEnvelope, decodeSecret, requestTarget, sentSecrets, type HookstepEvent, type Webhook } from '../src/contract';
import { USER_AGENT, type HttpRequest } from './request';
import { signWithEach } from './signing';

const xml = new XMLBuilder({ ignoreAttributes: true, format: false, suppressEmptyNode: false });
const XML_NAME = /^[A-Za-z_][\w.-]*$/;

export interface EventRequestInput {
  webhook: Webhook;
  event: HookstepEvent;
  secrets: string[];
  attempt: number;
  /** webhook-id: one per webhook and event, the same on every attempt. */
  messageId: string;
}

export function buildEventRequest(input: EventRequestInput, nowMs: number): HttpRequest {
  const { webhook, event } = input;
  const built = buildEnvelope({ ...webhook, event, attempt: input.attempt });
  const url = new URL(webhook.url);
  const target = requestTarget(webhook.url, built.query);
  const body = webhook.format === 'xml' ? toXml(built.body) : JSON.stringify(built.body);
  const headers: Record<string, string> = {
    'user-agent': USER_AGENT,
    'content-type': webhook.format === 'xml' ? 'application/xml' : 'application/json',
  };
  for (const [name, value] of Object.entries(webhook.headers)) headers[name.toLowerCase()] = value;
  const keys = input.secrets.map(decodeSecret);
  Object.assign(headers, signWithEach(keys, input.messageId, Math.floor(nowMs / 1000), body));
  const secrets = sentSecrets({ url: webhook.url, headers, body: built.body, signingSecrets: input.secrets });
  return { url, target, method: 'POST', headers, body, secrets };
}

export class NotXmlError extends Error {
  override readonly name = 'NotXmlError';
}

/** The envelope as XML: one root (Shoprenter's `orders`/`newsletter` is its own; the others go in `webhook`). */
function toXml(body: Record<string, unknown>): string {
  const keys = Object.keys(body);
  const rooted = keys.length === 1 && !Array.isArray(body[keys[0]]) ? body : { webhook: body };
  checkNames(rooted);
  return `<?xml version="1.0" encoding="UTF-8"?>${xml.build(rooted)}`;
}

/** Every key must be an XML element name; the message names the key (a name, never a value). */
function checkNames(value: unknown): void {
  if (Array.isArray(value)) value.forEach(checkNames);
  else if (value !== null && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      if (!XML_NAME.test(key)) throw new NotXmlError(`the key ${JSON.stringify(key.slice(0, 64))} is no XML name`);
      checkNames(inner);
    }
  }
}
