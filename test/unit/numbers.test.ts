// Number fidelity (issue 18): which JSON number texts a double keeps, the cheap pre-check in front of every parse, and
// what each entry does with a number it cannot keep (workflow input marks, reply typing, step and automation issues).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { typeResponse } from '../../activities/response';
import { readJsonObject } from '../../src/cli/files';
import { parsePair } from '../../src/cli/flags';
import {
  checkStep,
  exactReplyNumbers,
  FlagError,
  holdsInexactNumber,
  inexactNumbersIn,
  isExactNumber,
  mayHoldInexactNumber,
  parseJsonMarkingInexact,
  validateAutomation,
} from '../../src/contract';
import { propertyRuns } from '../helpers/arbitraries';

const ORDER_ID = '7615917337495251231';
const PRICE = '1432.0531571421431500';

describe('isExactNumber: the shortest decimal of the parsed double equals the text in value', () => {
  test.each([
    '0',
    '-0',
    '0.0',
    '0.1',
    '1.50',
    '1e3',
    '1E+21',
    '-12.5e-3',
    '9007199254740991',
    '9007199254740992',
    '7615917337495251000',
    '123456789012345.6',
    '5e-324',
    '1.7976931348623157e308',
  ])('%s is kept', (text) => expect(isExactNumber(text)).toBe(true));

  test.each([
    ORDER_ID,
    PRICE,
    '9007199254740993',
    '-9007199254740993',
    '1e400',
    '-1e400',
    '1e-400',
    '2e-324',
    '0.10000000000000000001',
    '123456789012345678901234567890',
    '1.7976931348623159e308',
  ])('%s is not', (text) => expect(isExactNumber(text)).toBe(false));

  test('an integer is kept exactly when its double converts back to the same integer', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 22n), max: 10n ** 22n }), (n) => {
        const text = n.toString();
        expect(isExactNumber(text)).toBe(BigInt(Number(text)) === n);
      }),
      { numRuns: propertyRuns(2_000) },
    );
  });

  test('whatever JavaScript writes (JSON.stringify of any double) is kept', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (d) => {
        expect(isExactNumber(JSON.stringify(d))).toBe(true);
      }),
      { numRuns: propertyRuns(2_000) },
    );
  });
});

describe('the pre-check', () => {
  test.each([
    '{"id":"o1","total":12.5,"count":3,"at":"2026-11-29T17:00:00.000Z","ok":true,"n":null}',
    '{"ms":1764435600000,"ratio":0.333333333333,"tags":["a","b"]}',
    '[]',
    '',
  ])('passes ordinary text at once: %s', (text) => expect(mayHoldInexactNumber(text)).toBe(false));

  test.each([`{"id":${ORDER_ID}}`, `{"p":${PRICE}}`, '{"x":1e400}', '{"x":1E-400}', '{"card":"4111111111111111"}'])(
    'looks closer at %s',
    (text) => expect(mayHoldInexactNumber(text)).toBe(true),
  );

  test('is sound: a number text it passes is always kept', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^-?(0|[1-9][0-9]{0,24})(\.[0-9]{1,24})?([eE][+-]?[0-9]{1,3})?$/), (text) => {
        if (!mayHoldInexactNumber(text)) expect(isExactNumber(text)).toBe(true);
      }),
      { numRuns: propertyRuns(5_000) },
    );
  });

  test('digits inside strings are not numbers: an id sent as a string, a hex digest', () => {
    expect(holdsInexactNumber(`{"id":"${ORDER_ID}","sha":"3e5f01e9","big":"1e400"}`)).toBe(false);
    expect(holdsInexactNumber(`{"note":"say \\"${ORDER_ID}\\"","n":${ORDER_ID}}`)).toBe(true);
  });
});

describe('inexactNumbersIn names each number a double would change', () => {
  test('in nested objects and arrays, with their paths', () => {
    const text = `{"data":{"orderId":${ORDER_ID},"lines":[{"price":${PRICE}},{"price":1.5}]},"n":1e3,"s":"${ORDER_ID}"}`;
    expect(inexactNumbersIn(text)).toEqual([
      ['data', 'orderId'],
      ['data', 'lines', 0, 'price'],
    ]);
  });

  test('none in anything JSON.stringify wrote', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => expect(inexactNumbersIn(JSON.stringify(v))).toEqual([])),
      { numRuns: propertyRuns(1_000) },
    );
  });
});

describe('parseJsonMarkingInexact (the workflow payload converter)', () => {
  test('is JSON.parse for ordinary text, a repeated key keeping its last value', () => {
    const text = '{"a":1,"a":2,"__proto__":{"x":1e3},"b":[0.1,"3e4"]}';
    expect(parseJsonMarkingInexact(text)).toEqual(JSON.parse(text));
  });

  test('marks each inexact number, keeps the rest, and throws on what is not JSON', () => {
    const text = `{"url":"http://127.0.0.1:1/h","body":{"orderId":${ORDER_ID},"price":${PRICE},"n":1e3},"a":1,"a":2}`;
    expect(parseJsonMarkingInexact(text)).toEqual({
      url: 'http://127.0.0.1:1/h',
      body: { orderId: { 'hookstep:inexactNumber': true }, price: { 'hookstep:inexactNumber': true }, n: 1000 },
      a: 2,
    });
    expect(() => parseJsonMarkingInexact('{"a":')).toThrow(SyntaxError);
  });

  test('a marked step is InvalidStep naming each field and saying to send it as a string', () => {
    const text = `{"url":"http://127.0.0.1:1/h","body":{"orderId":${ORDER_ID},"price":${PRICE}}}`;
    const check = checkStep(parseJsonMarkingInexact(text));
    expect(check.ok).toBe(false);
    const issues = check.ok ? [] : check.issues;
    expect(issues.map((i) => i.split(':')[0])).toEqual(['step.body.orderId', 'step.body.price']);
    for (const issue of issues) expect(issue).toMatch(/cannot hold exactly .* send it as a string$/);
  });

  test("a marked automation trigger is InvalidAutomation naming the trigger's field", () => {
    const text = `{"id":"a","trigger":{"order":{"id":${ORDER_ID}}},"steps":[{"id":"s","type":"delay","for":"1s"}]}`;
    const validation = validateAutomation(parseJsonMarkingInexact(text));
    expect(validation.ok ? [] : validation.issues).toEqual([expect.stringMatching(/^trigger\.order\.id: is a number/)]);
  });
});

describe('replies: exactReplyNumbers through typeResponse', () => {
  const reply = (text: string, fields?: Parameters<typeof typeResponse>[1]) => typeResponse(text, fields);

  test('a declared number that a double would change is ResponseInvalid, naming it and the way out', () => {
    const result = reply(`{"ticketId":${ORDER_ID}}`, { ticketId: 'number' });
    expect(result).toEqual({
      ok: false,
      reason: expect.stringMatching(/^the reply's "ticketId" is a number .* declare it "string" to receive its exact/),
    });
  });

  test('a declared string receives any number as the exact text the receiver wrote', () => {
    const text = `{"ticketId":${ORDER_ID},"price":${PRICE},"n":1.50,"s":"x","other":${ORDER_ID}}`;
    expect(reply(text, { ticketId: 'string', price: 'string?', n: 'string', s: 'string' })).toEqual({
      ok: true,
      body: { ticketId: ORDER_ID, price: PRICE, n: '1.50', s: 'x' },
    });
  });

  test('an inexact number inside a declared object is named with its path', () => {
    const result = reply(`{"order":{"lines":[{"id":${ORDER_ID}}]}}`, { order: 'object' });
    expect(!result.ok && result.reason).toMatch(/^the reply's "order"\.lines\[0\]\.id is a number .* as a string$/);
  });

  test('with no fields declared, an inexact number anywhere fails, suggesting to declare fields', () => {
    const result = reply(`{"a":{"b":[1,${ORDER_ID}]}}`);
    expect(!result.ok && result.reason).toMatch(/^the reply's "a"\.b\[1\] is a number .* declare the fields you need/);
  });

  test('an inexact number in a field nobody declared is dropped like the field, not refused', () => {
    expect(reply(`{"id":"t1","trace":${ORDER_ID}}`, { id: 'string' })).toEqual({ ok: true, body: { id: 't1' } });
  });

  test('ordinary replies come back as JSON.parse reads them', () => {
    const text = '{"id":"t1","total":12.5,"sha":"3e5f","n":1e3}';
    expect(exactReplyNumbers(text, JSON.parse(text), undefined)).toEqual({ ok: true, value: JSON.parse(text) });
    expect(reply(text, { total: 'number', n: 'number' })).toEqual({ ok: true, body: { total: 12.5, n: 1000 } });
  });
});

describe('the command line refuses, by name, a number it cannot pass on exactly', () => {
  test('n8n#26925, sending side: --field orderId:=<int64> (and --header, --query) is a FlagError, never rounded', () => {
    expect(() => parsePair('--field', `orderId:=${ORDER_ID}`)).toThrow(
      new FlagError(
        '--field orderId: is a number a double cannot hold exactly (beyond 2^53, more significant digits than a double keeps, or out of its range), so it would arrive changed; write it as a string (orderId=…)',
      ),
    );
    expect(parsePair('--field', 'total:=12.50')).toEqual(['total', 12.5]);
  });

  test('postman-app-support#13325: --field rate:=1432.0531571421431500 is refused, not sent as 1432.0531571421432', () => {
    expect(() => parsePair('--field', `rate:=${PRICE}`)).toThrow(
      /^--field rate: is a number a double cannot hold exactly/,
    );
    expect(parsePair('--field', `rate=${PRICE}`)).toEqual(['rate', PRICE]);
  });

  test('a trigger, event or automation file with an int64 names the file and the field', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'hookstep-numbers-')), 'trigger.json');
    writeFileSync(file, `{"order": {"lines": [{"id": ${ORDER_ID}}]}}`);
    expect(() => readJsonObject(file)).toThrow(
      expect.objectContaining({
        message: expect.stringMatching(/^\S+trigger\.json: order\.lines\[0\]\.id is a number .* write it as a string$/),
      }) as Error,
    );
  });
});

test('a reply that is no object, kept whole with nothing declared, is refused when a double would change a number', () => {
  const text = '[{"id": 7615917337495251231}, 3]';
  const result = exactReplyNumbers(text, JSON.parse(text), undefined);
  expect(result).toEqual({
    ok: false,
    reason: expect.stringMatching(/^reply\[0\]\.id is a number a double cannot hold/),
  });
  expect(exactReplyNumbers('[1, 2.5]', [1, 2.5], undefined)).toEqual({ ok: true, value: [1, 2.5] });
  // With fields declared an array fails as an array, with its own message.
  expect(exactReplyNumbers(text, JSON.parse(text), { id: 'string' })).toMatchObject({ ok: true });
});
