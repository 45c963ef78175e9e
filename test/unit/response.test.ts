// Reading responses: typeResponse against declared fields, readCapped's byte cap, snippet's 2 KiB cap.
import { Readable } from 'node:stream';
import { readCapped, snippet, SNIPPET_BYTES, typeResponse } from '../../activities/response';
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

  it.each(['not json', '', '[1,2]', '"str"', 'null', '42'])('fails on a body that is not a JSON object: %j', (text) => {
    expect(typeResponse(text, fields)).toEqual({ ok: false, reason: 'the body is not a JSON object' });
  });
});

describe('typeResponse without declared fields', () => {
  it('returns the parsed object', () => {
    expect(typeResponse('{"a":1,"b":{"c":[2]}}', undefined)).toEqual({ ok: true, body: { a: 1, b: { c: [2] } } });
  });

  it('treats an empty declaration as none', () => {
    expect(typeResponse('{"a":1}', {})).toEqual({ ok: true, body: { a: 1 } });
  });

  it.each(['', '   ', 'OK', '<html></html>', '[1]', 'null', '7'])('returns {} for %j', (text) => {
    expect(typeResponse(text, undefined)).toEqual({ ok: true, body: {} });
  });
});

describe('readCapped', () => {
  const chunks = (...parts: string[]) => Readable.from(parts.map((p) => Buffer.from(p)));

  it('reads everything under the limit', async () => {
    await expect(readCapped(chunks('ab', 'cd', 'ef'), 10)).resolves.toEqual({ text: 'abcdef', truncated: false });
  });

  it('reads exactly the limit without truncating', async () => {
    await expect(readCapped(chunks('abc', 'def'), 6)).resolves.toEqual({ text: 'abcdef', truncated: false });
  });

  it('stops at the limit and says it truncated', async () => {
    const stream = chunks('abcd', 'efgh', 'ijkl', 'mnop');
    await expect(readCapped(stream, 6)).resolves.toEqual({ text: 'abcdef', truncated: true });
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
    expect(result.text).toHaveLength(4096);
    expect(pulled).toBeLessThan(50);
  });

  it('reads an empty stream', async () => {
    await expect(readCapped(Readable.from([]), 10)).resolves.toEqual({ text: '', truncated: false });
  });

  it('decodes UTF-8 split across chunks', async () => {
    const bytes = Buffer.from('é☃');
    const stream = Readable.from([bytes.subarray(0, 1), bytes.subarray(1, 3), bytes.subarray(3)]);
    await expect(readCapped(stream, 100)).resolves.toEqual({ text: 'é☃', truncated: false });
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
