// Fair delivery's pure parts (issue 20, item 5): the retry policy a throttled attempt resumes under, and the
// Throttled answer as the workflow tells it from a delivery's result.
import { isThrottled, resolveRetry, retryAfterFirst, retryFrom } from '../../src/contract';

const retry = resolveRetry({
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '10s', maximumAttempts: 6 },
});

test('from attempt 2 the policy is the one attempt 2 always had (replayed runs schedule the same activity)', () => {
  expect(retryFrom(retry, 2)).toEqual(retryAfterFirst(retry)?.rest);
});

test('from attempt 4 the backoff goes on where it was and only the attempts left remain', () => {
  expect(retryFrom(retry, 4)).toMatchObject({ initialInterval: 8_000, maximumAttempts: 3, maximumInterval: 10_000 });
  expect(retryFrom(retry, 6)).toMatchObject({ initialInterval: 10_000, maximumAttempts: 1 });
});

test('a Throttled answer is told from a delivery result, a skip and nothing', () => {
  expect(isThrottled({ throttled: true, waitMs: 100, attempt: 1 })).toBe(true);
  expect(isThrottled({ status: 200, attempt: 1 })).toBe(false);
  expect(isThrottled({ skipped: 'inactive', attempt: 1 })).toBe(false);
  expect(isThrottled(undefined)).toBe(false);
});
