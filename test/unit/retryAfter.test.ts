// parseRetryAfter: delay-seconds, HTTP dates relative to the given clock, and unreadable values.
import { parseRetryAfter } from '../../activities/retryAfter';

const NOW = Date.parse('2024-03-01T12:00:00Z');

describe('parseRetryAfter', () => {
  it('reads delay-seconds as milliseconds', () => {
    expect(parseRetryAfter('120', NOW)).toBe(120_000);
    expect(parseRetryAfter('0', NOW)).toBe(0);
  });

  it('reads an HTTP date in the future relative to now', () => {
    expect(parseRetryAfter('Fri, 01 Mar 2024 12:00:30 GMT', NOW)).toBe(30_000);
    // Same header, a different clock: the result follows `now`, not the real time.
    expect(parseRetryAfter('Fri, 01 Mar 2024 12:00:30 GMT', NOW + 10_000)).toBe(20_000);
  });

  it('gives 0 for an HTTP date in the past', () => {
    expect(parseRetryAfter('Fri, 01 Mar 2024 11:00:00 GMT', NOW)).toBe(0);
  });

  // '1.5', '-5', '2' and 'abc 12' are dates in 2001 to V8's lenient Date.parse; they must not become "retry now".
  it.each(['soon', '', '   ', '10s', '1e3', '12abc', 'Fri', '1.5', '-5', 'abc 12'])(
    'gives undefined for garbage %j',
    (value) => {
      expect(parseRetryAfter(value, NOW)).toBeUndefined();
    },
  );

  it('gives undefined when the header is absent', () => {
    expect(parseRetryAfter(undefined, NOW)).toBeUndefined();
  });

  it('ignores surrounding whitespace', () => {
    expect(parseRetryAfter('  7 ', NOW)).toBe(7_000);
    expect(parseRetryAfter('\tFri, 01 Mar 2024 12:01:00 GMT  ', NOW)).toBe(60_000);
  });
});
