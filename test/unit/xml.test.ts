// XML deliveries are well-formed for a strict parser (expat), or fail EventNotSendable naming the field: every
// character and name XML 1.0 cannot carry, and CR, which a parser would silently turn into LF.
import { NotXmlError, buildEventRequest } from '../../activities/eventRequest';
import type { HookstepEvent, Webhook } from '../../src/contract';
import { parseStrictXml } from '../helpers/xml';

const webhook = {
  id: 'wh_1',
  url: 'https://erp.example.com/in',
  format: 'xml',
  envelope: 'shoprenter',
  headers: {},
  additionalFields: [],
} as unknown as Webhook;

const xmlOf = (data: Record<string, unknown>) =>
  buildEventRequest(
    {
      webhook,
      event: {
        id: 'evt-1',
        type: 'order_confirm',
        occurredAt: '2026-01-01T00:00:00.000Z',
        entity: { id: 1, type: 'order' },
        data,
      } as HookstepEvent,
      secrets: ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'],
      attempt: 1,
      messageId: 'wh_1/evt-1',
    },
    Date.now(),
  ).body;

describe('an XML delivery', () => {
  it('issue 18: ring\\u0007bell is refused naming the field and the character', () => {
    expect(() => xmlOf({ note: 'ring\u0007bell' })).toThrow(
      new NotXmlError('orders.order[0].note holds U+0007, which XML 1.0 cannot carry'),
    );
  });

  it.each([
    ['NUL', '\u0000'],
    ['ESC', '\u001b'],
    ['U+FFFE', '\ufffe'],
    ['U+FFFF', '\uffff'],
  ])('refuses %s, which expat refuses too', (_what, char) => {
    expect(() => xmlOf({ note: `a${char}b` })).toThrow(NotXmlError);
    const raw = `<?xml version="1.0" encoding="UTF-8"?><a>a${char}b</a>`;
    expect(parseStrictXml(Buffer.from(raw, 'utf8'))).toMatchObject({ ok: false });
  });

  it.each(['\ud800', '\udc00'])('refuses a lone surrogate %#, which UTF-8 would silently send as U+FFFD', (char) => {
    expect(() => xmlOf({ note: `a${char}b` })).toThrow(/holds U\+D[8C]00/);
    expect(Buffer.from(`a${char}b`, 'utf8').toString('utf8')).toBe('a\ufffdb');
  });

  it.each([
    ['starting with a digit', '1st'],
    ['with a space', 'first name'],
    ['with a colon (an undeclared prefix)', 'x:note'],
    ['an emoji (a 5th edition name expat refuses)', 'a😀'],
    ['empty', ''],
  ])('refuses a key %s, naming the key', (_what, key) => {
    expect(() => xmlOf({ [key]: 1 })).toThrow(/is not an XML element name a strict parser reads/);
  });

  it('keeps every character XML can carry, exactly, through expat: escapes, ]]>, CR, tab, astral, Hungarian names', () => {
    const note = 'a&b<c>d]]>e"f\'g\r\nh\ti😀j\u0085k\u{10FFFF}';
    const body = xmlOf({ note, név: 'ár', ő_ű: 1 });
    const parsed = parseStrictXml(body);
    expect(parsed).toEqual({
      ok: true,
      leaves: [
        ['orders/order/note', note],
        ['orders/order/név', 'ár'],
        ['orders/order/ő_ű', '1'],
        ['orders/order', ''],
        ['orders', ''],
      ],
    });
    expect(body).toContain('&#13;\n');
  });
});
