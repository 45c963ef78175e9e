// Builds the request that delivers one event to one webhook: the webhook's URL (with Ecwid's ?eventtype=), its
// headers, the envelope in its format (JSON, or XML for Shoprenter's `type: xml`), signed with every secret that
// signs now. Built per attempt: Virto's envelope names the attempt. Pure: the caller supplies the clock.
import { XMLBuilder } from 'fast-xml-parser';
import {
  buildEnvelope,
  decodeSecret,
  formatPath,
  requestTarget,
  sentSecrets,
  type HookstepEvent,
  type Webhook,
} from '../src/contract';
import { USER_AGENT, type HttpRequest } from './request';
import { signWithEach } from './signing';

// Values are escaped here (escapeTree), so the builder must not escape them again.
const xml = new XMLBuilder({ ignoreAttributes: true, format: false, suppressEmptyNode: false, processEntities: false });

/**
 * What XML 1.0 can carry (its Char production, https://www.w3.org/TR/xml/#charsets): not the C0 controls but tab,
 * LF and CR, not lone surrogates, not U+FFFE or U+FFFF. Nothing can escape these: `&#7;` is not well-formed either.
 */
const NOT_XML_CHAR = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

/**
 * An element name every strict parser reads: the letters of XML 1.0 4th edition's Appendix B that expat, .NET and
 * Java share (ASCII, Latin-1 and Latin Extended-A, Greek, Cyrillic, CJK, kana, Hangul), then those, digits, "-", "."
 * and "·". No ":": a prefix no namespace declares is refused by namespace-aware parsers. 5th edition names beyond
 * these (an emoji, U+037F) are well-formed on paper and refused by expat, so they are refused here.
 */
const LETTER =
  'A-Za-z_\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u0131\\u0134-\\u013E\\u0141-\\u0148\\u014A-\\u017E' +
  '\\u0386\\u0388-\\u038A\\u038C\\u038E-\\u03A1\\u03A3-\\u03CE\\u0401-\\u040C\\u040E-\\u044F\\u0451-\\u045C\\u045E-\\u0481' +
  '\\u3041-\\u3094\\u30A1-\\u30FA\\u4E00-\\u9FA5\\uAC00-\\uD7A3';
const XML_NAME = new RegExp(`^[${LETTER}][${LETTER}0-9.\\u00B7-]*$`);

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
  const secrets = () => sentSecrets({ url: webhook.url, headers, body: built.body, signingSecrets: input.secrets });
  return { url, target, method: 'POST', headers, body, secrets };
}

export class NotXmlError extends Error {
  override readonly name = 'NotXmlError';
}

/** The envelope as XML: one root (Shoprenter's `orders`/`newsletter` is its own; the others go in `webhook`). */
function toXml(body: Record<string, unknown>): string {
  const keys = Object.keys(body);
  const rooted = keys.length === 1 && !Array.isArray(body[keys[0]]) ? body : { webhook: body };
  return `<?xml version="1.0" encoding="UTF-8"?>${xml.build(escapeTree(rooted, []))}`;
}

/**
 * The tree with every text escaped, or NotXmlError naming the field (its path, never its value) and the character.
 * CR is written `&#13;`: a parser turns a raw CR into LF, which would change the value.
 */
function escapeTree(value: unknown, path: PropertyKey[]): unknown {
  if (Array.isArray(value)) return value.map((inner, i) => escapeTree(inner, [...path, i]));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      if (!XML_NAME.test(key)) {
        throw new NotXmlError(`the key ${formatPath([...path, key])} is not an XML element name a strict parser reads`);
      }
      out[key] = escapeTree(inner, [...path, key]);
    }
    return out;
  }
  if (typeof value !== 'string') return value;
  const bad = NOT_XML_CHAR.exec(value);
  if (bad) {
    const code = bad[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
    throw new NotXmlError(`${formatPath(path)} holds U+${code}, which XML 1.0 cannot carry`);
  }
  return value.replace(/[&<>\r]/g, (c) => ESCAPES[c]);
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '\r': '&#13;' };
