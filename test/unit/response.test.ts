// Reading responses: typeResponse against declared fields, readCapped's byte cap, snippet's 2 KiB cap.
import { Readable } from 'node:stream';
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import {
  judgeReply,
  MAX_RESPONSE_BYTES,
  readCapped,
  snippet,
  SNIPPET_BYTES,
  typeResponse,
} from '../../activities/response';
import type { FieldType } from '../../src/contract';

describe('typeResponse with declared fields', () => {
  const fields = { id: 'string', total: 'number', paid: 'boolean', items: 'array?', meta: 'object?' } as const;

  it('types declared fields and drops undeclared ones', () => {
    const text = JSON.stringify({ id: 'o1', total: 3, paid: true, items: [1], meta: { a: 1 }, extra: 'x' });
    expect(typeResponse(text, fields)).toEqual({
      ok: true,
      body: { id: 'o1', total: 3, paid: true, items: [1], meta: { a: 1 } },
    });
  });

  it('fails on a missing required field, naming it', () => {
    const result = typeResponse(JSON.stringify({ id: 'o1', paid: true }), fields);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(/total.* is missing/);
    expect(!result.ok && result.reason).not.toMatch(/\bid\b/);
  });

  it('counts null as missing', () => {
    const result = typeResponse(JSON.stringify({ id: null, total: 1, paid: true }), fields);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(/id.* is missing/);
  });

  it('fails on a wrong type, naming the field and both types', () => {
    const result = typeResponse(JSON.stringify({ id: 'o1', total: '3', paid: true }), fields);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(/total.* is string, expected number/);
  });

  it('tells an array from an object', () => {
    const asObject = typeResponse(JSON.stringify({ id: 'o', total: 1, paid: false, items: { a: 1 } }), fields);
    expect(!asObject.ok && asObject.reason).toMatch(/items.* is object, expected array/);
    const asArray = typeResponse(JSON.stringify({ id: 'o', total: 1, paid: false, meta: [] }), fields);
    expect(!asArray.ok && asArray.reason).toMatch(/meta.* is array, expected object/);
  });

  it('reads own fields only: a declared "constructor" or "toString" is missing, not a function', () => {
    // Built from entries: TypeScript types an object literal's "constructor" key as Function.
    const fields = (entries: [string, FieldType][]) => Object.fromEntries(entries);
    const optional = fields([
      ['constructor', 'string?'],
      ['toString', 'string?'],
    ]);
    expect(typeResponse('{}', optional)).toEqual({ ok: true, body: {} });
    const required = fields([['constructor', 'string']]);
    expect(typeResponse('{}', required)).toEqual({ ok: false, reason: '"constructor" is missing' });
    const own = fields([['toString', 'string']]);
    expect(typeResponse('{"toString":"x"}', own)).toEqual({ ok: true, body: { toString: 'x' } });
  });

  it('accepts missing optional fields', () => {
    expect(typeResponse(JSON.stringify({ id: 'o1', total: 0, paid: false }), fields)).toEqual({
      ok: true,
      body: { id: 'o1', total: 0, paid: false },
    });
  });

  it.each([
    ['not json', 'the body is not JSON'],
    ['[1,2]', 'the body is a JSON array, not an object'],
    ['"str"', 'the body is a JSON string, not an object'],
    ['null', 'the body is JSON null, not an object'],
    ['42', 'the body is a JSON number, not an object'],
    ['true', 'the body is a JSON boolean, not an object'],
  ])('fails on a body that is not a JSON object, saying what it is: %j', (text, reason) => {
    expect(typeResponse(text, fields)).toEqual({ ok: false, reason });
  });

  it('names the content type of a body that is not JSON', () => {
    expect(typeResponse('<html></html>', fields, { contentType: 'text/html; charset=utf-8' })).toEqual({
      ok: false,
      reason: 'the body is not JSON (content-type text/html)',
    });
  });

  it('reads an empty body as {}: optional fields are absent, a required one is missing', () => {
    expect(typeResponse('', { ticketId: 'string?' })).toEqual({ ok: true, body: {} });
    expect(typeResponse(' \r\n', { ticketId: 'string?' })).toEqual({ ok: true, body: {} });
    expect(typeResponse('', { ticketId: 'string' })).toEqual({
      ok: false,
      reason: 'the body is empty: "ticketId" is missing',
    });
  });

  it('reads declared fields from a body that broke off, and says it broke off', () => {
    const incomplete = 'the body broke off (UND_ERR_SOCKET)';
    expect(typeResponse('{"ticketId":"T-1"}', { ticketId: 'string' }, { incomplete })).toEqual({
      ok: true,
      body: { ticketId: 'T-1' },
      reply: { incomplete },
    });
    expect(typeResponse('{"ticketId":"T', { ticketId: 'string' }, { incomplete })).toEqual({
      ok: false,
      reason: `${incomplete} and what arrived is not JSON`,
    });
    expect(typeResponse('{}', { ticketId: 'string' }, { incomplete })).toEqual({
      ok: false,
      reason: `${incomplete}; "ticketId" is missing`,
    });
  });
});

describe('typeResponse without declared fields', () => {
  it('returns the parsed object', () => {
    expect(typeResponse('{"a":1,"b":{"c":[2]}}', undefined)).toEqual({ ok: true, body: { a: 1, b: { c: [2] } } });
  });

  it('treats an empty declaration as none', () => {
    expect(typeResponse('{"a":1}', {})).toEqual({ ok: true, body: { a: 1 } });
  });

  it.each(['', '   ', '\r\n'])('returns {} and nothing else for an empty body: %j', (text) => {
    expect(typeResponse(text, undefined)).toEqual({ ok: true, body: {} });
  });

  it.each([
    ['[1]', [1]],
    ['null', null],
    ['7', 7],
    ['"done"', 'done'],
    [' false\n', false],
  ])('keeps JSON that is not an object whole in reply.json: %j', (text, json) => {
    expect(typeResponse(text, undefined)).toEqual({ ok: true, body: {}, reply: { json } });
  });

  it.each(['OK', '<html></html>', '{"a":'])('keeps text that is not JSON whole in reply.text: %j', (text) => {
    expect(typeResponse(text, undefined)).toEqual({ ok: true, body: {}, reply: { text } });
  });
});

describe('readCapped', () => {
  const chunks = (...parts: string[]) => Readable.from(parts.map((p) => Buffer.from(p)));

  it('reads everything under the limit', async () => {
    await expect(readCapped(chunks('ab', 'cd', 'ef'), 10)).resolves.toEqual({
      bytes: Buffer.from('abcdef'),
      truncated: false,
    });
  });

  it('reads exactly the limit without truncating', async () => {
    await expect(readCapped(chunks('abc', 'def'), 6)).resolves.toEqual({
      bytes: Buffer.from('abcdef'),
      truncated: false,
    });
  });

  it('stops at the limit and says it truncated', async () => {
    const stream = chunks('abcd', 'efgh', 'ijkl', 'mnop');
    await expect(readCapped(stream, 6)).resolves.toEqual({ bytes: Buffer.from('abcdef'), truncated: true });
    expect(stream.destroyed).toBe(true);
  });

  it('does not pull chunks past the limit', async () => {
    let pulled = 0;
    function* gen() {
      for (let i = 0; i < 1000; i++) {
        pulled++;
        yield Buffer.alloc(1024, 'x');
      }
    }
    const result = await readCapped(Readable.from(gen()), 4096);
    expect(result.truncated).toBe(true);
    expect(result.bytes).toHaveLength(4096);
    expect(pulled).toBeLessThan(50);
  });

  it('reads an empty stream', async () => {
    await expect(readCapped(Readable.from([]), 10)).resolves.toEqual({ bytes: Buffer.alloc(0), truncated: false });
  });

  it('keeps UTF-8 split across chunks whole', async () => {
    const bytes = Buffer.from('é☃');
    const stream = Readable.from([bytes.subarray(0, 1), bytes.subarray(1, 3), bytes.subarray(3)]);
    await expect(readCapped(stream, 100)).resolves.toEqual({ bytes, truncated: false });
  });

  it('returns what arrived, and the error, when the stream fails midway', async () => {
    const failure = Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' });
    function* broken() {
      yield Buffer.from('{"ticketId":');
      yield Buffer.from('"T-1"}');
      throw failure;
    }
    const stream = Object.assign(Readable.from(broken()), {});
    await expect(readCapped(stream, 100)).resolves.toEqual({
      bytes: Buffer.from('{"ticketId":"T-1"}'),
      truncated: false,
      error: failure,
    });
  });
});

describe('snippet', () => {
  it('cuts on a character boundary, never past 2 KiB', () => {
    const out = snippet('a' + '☃'.repeat(1000))!;
    expect(Buffer.byteLength(out)).toBeLessThanOrEqual(SNIPPET_BYTES);
    expect(out).not.toContain('\uFFFD');
  });

  it('is undefined for an empty body', () => {
    expect(snippet('')).toBeUndefined();
  });

  it('keeps a short body whole', () => {
    expect(snippet('oops')).toBe('oops');
    const exact = 'y'.repeat(SNIPPET_BYTES);
    expect(snippet(exact)).toBe(exact);
  });

  it('caps at 2 KiB', () => {
    expect(SNIPPET_BYTES).toBe(2048);
    const out = snippet('z'.repeat(10_000));
    expect(out).toBe('z'.repeat(2048));
  });
});

describe('judgeReply: the bytes of a 2xx as their headers describe them', () => {
  const ticket = { ticketId: 'string' } as const;
  const json = (text: string) => Buffer.from(text, 'utf8');
  const judge = (
    bytes: Buffer,
    headers: { contentType?: string; contentEncoding?: string } = {},
    fields: Record<string, FieldType> = ticket,
  ) => judgeReply({ bytes, headers, truncated: false }, fields);

  it('hapijs/bourne#28: a JSON reply that starts with a UTF-8 byte order mark is read, the mark dropped', async () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), json('{"ticketId":"T-1"}')]);
    await expect(judge(bytes)).resolves.toMatchObject({ ok: true, body: { ticketId: 'T-1' } });
    await expect(judge(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), json('{"a":1}')]), {}, {})).resolves.toEqual({
      ok: true,
      body: { a: 1 },
      text: '{"a":1}',
    });
  });

  // Regression guards for the documented rule (these passed before issue 18 too): Content-Type does not decide JSON.
  it.each(['application/vnd.api+json', 'application/problem+json', 'text/plain', 'application/json; charset=utf-8'])(
    'reads JSON labelled %s, whitespace around it ignored',
    async (contentType) => {
      await expect(judge(json(' \r\n{"ticketId":"T-1"}\n '), { contentType })).resolves.toMatchObject({
        ok: true,
        body: { ticketId: 'T-1' },
      });
    },
  );

  it('reads a UTF-16 reply that says so with its byte order mark', async () => {
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('{"ticketId":"Jos\u00e9"}', 'utf16le')]);
    await expect(judge(bytes)).resolves.toMatchObject({ ok: true, body: { ticketId: 'José' } });
  });

  it('decodes the charset Content-Type names', async () => {
    const latin1 = Buffer.from('{"ticketId":"Jos\u00e9"}', 'latin1');
    await expect(judge(latin1, { contentType: 'application/json; charset=ISO-8859-1' })).resolves.toMatchObject({
      ok: true,
      body: { ticketId: 'José' },
    });
    await expect(
      judge(json('{"ticketId":"é"}'), { contentType: 'application/json;charset="utf-8"' }),
    ).resolves.toMatchObject({
      ok: true,
      body: { ticketId: 'é' },
    });
  });

  it('never replaces bytes that are not valid in the charset: it says so, or keeps them as base64', async () => {
    const bytes = Buffer.concat([json('{"ticketId":"'), Buffer.from([0xff]), json('"}')]);
    await expect(judge(bytes)).resolves.toMatchObject({ ok: false, reason: 'the body is not valid utf-8' });
    await expect(judge(bytes, {}, {})).resolves.toMatchObject({
      ok: true,
      body: {},
      reply: { base64: bytes.toString('base64') },
    });
  });

  it('says which charset it does not know', async () => {
    await expect(judge(json('{}'), { contentType: 'application/json; charset=klingon' })).resolves.toMatchObject({
      ok: false,
      reason: 'the body\'s charset "klingon" is not one hookstep knows',
    });
  });

  it.each([
    ['gzip', gzipSync],
    ['GZIP', gzipSync],
    ['x-gzip', gzipSync],
    ['deflate', deflateSync],
    ['deflate', deflateRawSync],
    ['br', brotliCompressSync],
  ] as const)('axios#3181: undoes Content-Encoding %s', async (coding, compress) => {
    await expect(judge(compress(json('{"ticketId":"T-1"}')), { contentEncoding: coding })).resolves.toMatchObject({
      ok: true,
      body: { ticketId: 'T-1' },
    });
  });

  it('axios#4701: an empty body labelled gzip is empty, not a decompression error', async () => {
    await expect(judge(Buffer.alloc(0), { contentEncoding: 'gzip' }, { ticketId: 'string?' })).resolves.toEqual({
      ok: true,
      body: {},
      text: '',
    });
  });

  it('says which content-coding it cannot undo, or that it does not decode', async () => {
    await expect(judge(json('{}'), { contentEncoding: 'zstd' })).resolves.toMatchObject({
      ok: false,
      reason: 'the body is zstd-encoded, which hookstep cannot decode',
    });
    await expect(judge(json('{}'), { contentEncoding: 'gzip' })).resolves.toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^the body does not gzip-decode \(/),
    });
  });

  it('refuses to expand a compressed reply past the cap, and says so', async () => {
    const bomb = gzipSync(Buffer.alloc(MAX_RESPONSE_BYTES + 1, 0x20));
    expect(bomb.length).toBeLessThan(MAX_RESPONSE_BYTES / 100);
    await expect(judge(bomb, { contentEncoding: 'gzip' })).resolves.toMatchObject({
      ok: false,
      reason: `the body is larger than ${MAX_RESPONSE_BYTES} bytes once gzip-decoded`,
    });
  });

  it('a reply larger than the cap is never read as valid: ResponseInvalid with fields, reply.incomplete without', async () => {
    const reply = { bytes: json('{"ticketId":"T-1", "pad": "'), headers: {}, truncated: true };
    const reason = 'the body is larger than 1 MiB, the most hookstep reads';
    await expect(judgeReply(reply, ticket)).resolves.toMatchObject({ ok: false, reason });
    await expect(judgeReply(reply, undefined)).resolves.toMatchObject({
      ok: true,
      body: {},
      reply: { incomplete: reason },
    });
  });

  it('a body that broke off is read from what arrived, and marked incomplete', async () => {
    const reply = { bytes: json('{"a":1}'), headers: {}, truncated: false, brokeOff: 'UND_ERR_SOCKET' };
    await expect(judgeReply(reply, undefined)).resolves.toEqual({
      ok: true,
      body: { a: 1 },
      reply: { incomplete: 'the body broke off (UND_ERR_SOCKET)' },
      text: '{"a":1}',
    });
  });
});
