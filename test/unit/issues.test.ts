// fieldIssues: each zod issue as the field at fault and the true reason, as InvalidStep and the API report them.
import { jsonPointer } from '../../src/api/validation';
import { EventSchema, StepSchema, checkStep, fieldIssues } from '../../src/contract';

describe('fieldIssues', () => {
  it('names each unknown key as its own field', () => {
    const error = StepSchema.safeParse({ url: 'https://h.example/', bogus: 1, 'a/b~c': 2 }).error!;
    expect(fieldIssues(error)).toEqual([
      { path: ['bogus'], message: 'is not a known field' },
      { path: ['a/b~c'], message: 'is not a known field' },
    ]);
  });

  it("names a bad record key by the key, with the key's rule", () => {
    expect(checkStep({ url: 'https://h.example/', headers: { 'Bad Header': 'x' }, query: { '': 1 } })).toEqual({
      ok: false,
      issues: [
        'step.query."": parameter names must not be empty',
        'step.headers."Bad Header": header names must be HTTP tokens (no spaces, CR, LF or separators)',
      ],
    });
  });

  it('says what a union without a message of its own takes', () => {
    const error = EventSchema.safeParse({ id: 'e', type: 't', entity: { id: true, type: 'x' } }).error!;
    expect(fieldIssues(error)).toEqual([{ path: ['entity', 'id'], message: 'must be a string or a number' }]);
  });
});

describe('jsonPointer', () => {
  it('escapes ~ and / inside a segment (RFC 6901); the whole part is the empty pointer', () => {
    expect(jsonPointer(['a/b~c', 0, 'd'])).toBe('/a~1b~0c/0/d');
    expect(jsonPointer([])).toBe('');
  });
});
