// The outcome table (type and retryability per outcome) and toFailure: message wording, details, Retry-After
// handling and that no secret from the step ever reaches a failure.
import { ApplicationFailure } from '@temporalio/common';
import { buildRequest } from '../../activities/request';
import { classify, OUTCOME_TABLE, toFailure, type AttemptContext, type Outcome } from '../../activities/outcomes';
import { displayUrl, FailureType, StepSchema } from '../../src/contract';

const ctx = (over: Partial<AttemptContext> = {}): AttemptContext => ({
  method: 'POST',
  url: 'https://api.example.com/hooks',
  attempt: 1,
  maxAttempts: 10,
  durationMs: 42.4,
  maxRetryDelayMs: 60_000,
  ...over,
});

describe('classify', () => {
  it.each([301, 302, 307, 308])('HTTP %i is HttpRedirect, not retryable', (status) => {
    const row = classify({ kind: 'status', status });
    expect(row.type).toBe(FailureType.HttpRedirect);
    expect(row.retryable).toBe(false);
  });

  it.each([408, 429])('HTTP %i is HttpRetryableStatus, retryable', (status) => {
    const row = classify({ kind: 'status', status });
    expect(row.type).toBe(FailureType.HttpRetryableStatus);
    expect(row.retryable).toBe(true);
  });

  it.each([400, 401, 403, 404, 409, 422])('HTTP %i is HttpClientError, not retryable', (status) => {
    const row = classify({ kind: 'status', status });
    expect(row.type).toBe(FailureType.HttpClientError);
    expect(row.retryable).toBe(false);
  });

  it.each([500, 502, 503, 504])('HTTP %i is HttpRetryableStatus, retryable', (status) => {
    const row = classify({ kind: 'status', status });
    expect(row.type).toBe(FailureType.HttpRetryableStatus);
    expect(row.retryable).toBe(true);
  });

  it.each<[string, Outcome, FailureType, boolean]>([
    ['timeout', { kind: 'timeout', timeoutMs: 1000 }, FailureType.Timeout, true],
    ['connection', { kind: 'connection', code: 'ECONNRESET' }, FailureType.ConnectionError, true],
    [
      'invalid-response',
      { kind: 'invalid-response', status: 200, reason: 'x is missing' },
      FailureType.ResponseInvalid,
      false,
    ],
    ['blocked', { kind: 'blocked', host: '10.0.0.1', range: 'private' }, FailureType.DestinationBlocked, false],
    [
      'result-too-large',
      { kind: 'result-too-large', status: 200, bytes: 2_100_008, limitBytes: 1_048_576 },
      FailureType.ResultTooLarge,
      false,
    ],
  ])('%s → its type and retryability', (_, outcome, type, retryable) => {
    const row = classify(outcome);
    expect(row.type).toBe(type);
    expect(row.retryable).toBe(retryable);
  });

  it('ends with rows for every outcome kind', () => {
    expect(OUTCOME_TABLE.length).toBeGreaterThanOrEqual(9);
  });
});

describe('toFailure', () => {
  it('words a reply too large to keep: the status, both sizes and what to do, the status in details', () => {
    const outcome: Outcome = { kind: 'result-too-large', status: 200, bytes: 2_100_008, limitBytes: 1_048_576 };
    const failure = toFailure(outcome, ctx());
    expect(failure.message).toBe(
      'POST https://api.example.com/hooks got HTTP 200 with a body of 2100008 bytes once encoded as JSON, over the ' +
        "1048576 a step's result may hold (declare response.fields to keep only what you need) on attempt 1; " +
        'not retried (the receiver already acted)',
    );
    expect(failure.details?.[0]).toMatchObject({ status: 200, attempt: 1 });
  });

  it('words a 404 for an operator', () => {
    const failure = toFailure({ kind: 'status', status: 404, body: 'no such hook' }, ctx());
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure.message).toBe('POST https://api.example.com/hooks got HTTP 404 on attempt 1; not retried (4xx)');
    expect(failure.type).toBe(FailureType.HttpClientError);
    expect(failure.nonRetryable).toBe(true);
    expect(failure.nextRetryDelay).toBeUndefined();
    expect(failure.details?.[0]).toEqual({
      method: 'POST',
      url: 'https://api.example.com/hooks',
      attempt: 1,
      durationMs: 42,
      status: 404,
      bodySnippet: 'no such hook',
    });
  });

  it('honours Retry-After on a 503 as nextRetryDelay', () => {
    const failure = toFailure({ kind: 'status', status: 503, retryAfterMs: 30_000 }, ctx({ attempt: 2 }));
    expect(failure.nonRetryable).toBe(false);
    expect(failure.type).toBe(FailureType.HttpRetryableStatus);
    expect(failure.nextRetryDelay).toBe(30_000);
    expect((failure.details?.[0] as { retryAfterMs?: number }).retryAfterMs).toBe(30_000);
    expect(failure.message).toBe(
      'POST https://api.example.com/hooks got HTTP 503 on attempt 2; retrying in 30000 ms as the receiver asked (5xx)',
    );
  });

  it('caps Retry-After at maxRetryDelayMs', () => {
    const failure = toFailure(
      { kind: 'status', status: 429, retryAfterMs: 86_400_000 },
      ctx({ maxRetryDelayMs: 5000 }),
    );
    expect(failure.nextRetryDelay).toBe(5000);
    expect((failure.details?.[0] as { retryAfterMs?: number }).retryAfterMs).toBe(5000);
  });

  it('ignores Retry-After on a non-retryable status', () => {
    const failure = toFailure({ kind: 'status', status: 400, retryAfterMs: 1000 }, ctx());
    expect(failure.nextRetryDelay).toBeUndefined();
    expect(failure.details?.[0]).not.toHaveProperty('retryAfterMs');
  });

  it('says "will retry" on a retryable failure without Retry-After', () => {
    const failure = toFailure({ kind: 'status', status: 500 }, ctx({ attempt: 3 }));
    expect(failure.message).toBe('POST https://api.example.com/hooks got HTTP 500 on attempt 3; will retry (5xx)');
    expect(failure.nextRetryDelay).toBeUndefined();
  });

  it('says "giving up after N attempts" on the last attempt', () => {
    const failure = toFailure({ kind: 'timeout', timeoutMs: 60_000 }, ctx({ attempt: 5, maxAttempts: 5 }));
    expect(failure.message).toContain('giving up after 5 attempts');
    expect(failure.message).toContain('got no full response within 60000 ms');
    expect(failure.message).not.toContain('will retry');
  });

  it('describes connection, blocked and invalid-response outcomes', () => {
    expect(toFailure({ kind: 'connection', code: 'ECONNREFUSED' }, ctx()).message).toContain(
      'could not complete the exchange (ECONNREFUSED)',
    );
    const blocked = toFailure({ kind: 'blocked', host: '10.0.0.1', range: 'private' }, ctx());
    expect(blocked.message).toContain('10.0.0.1 is a private address');
    expect(blocked.message).toContain('HOOKSTEP_ALLOWED_NETWORKS');
    const ipv6 = toFailure({ kind: 'blocked', host: '::1', range: 'loopback' }, ctx());
    expect(ipv6.message).toContain('::1 is a loopback address');
    expect(toFailure({ kind: 'blocked', host: '::7f00:1', range: 'ipv4Compatible' }, ctx()).message).toContain(
      'is an ipv4Compatible address',
    );
    expect(blocked.details?.[0]).not.toHaveProperty('status');
    const invalid = toFailure({ kind: 'invalid-response', status: 200, reason: 'id is missing', body: '{}' }, ctx());
    expect(invalid.message).toContain('HTTP 200');
    expect(invalid.message).toContain('id is missing');
    expect(invalid.nonRetryable).toBe(true);
    expect(invalid.details?.[0]).toMatchObject({ status: 200, bodySnippet: '{}' });
  });

  it('never carries a secret from the step', () => {
    const secret = 'whsec_' + Buffer.from('a-very-secret-signing-key!').toString('base64');
    const step = StepSchema.parse({
      url: 'https://api.example.com/hooks?token=querysekrit',
      headers: { Authorization: 'Bearer sekrit' },
      cookies: { session: 'cookiesekrit' },
      signing: { secret },
      body: { hello: 'world' },
    });
    const req = buildRequest(step, 'msg_1', Date.now());
    const signature = req.headers['webhook-signature'];
    expect(signature).toMatch(/^v1,/);
    const attempt = ctx({ method: req.method, url: displayUrl(req.url) });
    const outcomes: Outcome[] = [
      { kind: 'status', status: 401, body: 'unauthorized' },
      { kind: 'status', status: 503, retryAfterMs: 1000 },
      { kind: 'status', status: 302 },
      { kind: 'timeout', timeoutMs: 1000 },
      { kind: 'connection', code: 'ECONNRESET' },
      { kind: 'blocked', host: 'api.example.com', range: 'private' },
      { kind: 'invalid-response', status: 200, reason: 'x is missing' },
    ];
    for (const outcome of outcomes) {
      const failure = toFailure(outcome, attempt);
      const text = JSON.stringify({ message: failure.message, details: failure.details });
      for (const needle of [
        'sekrit',
        'cookiesekrit',
        'querysekrit',
        secret,
        secret.slice(6),
        signature,
        signature.slice(3),
      ]) {
        expect(text).not.toContain(needle);
      }
      expect(text).toContain('https://api.example.com/hooks');
    }
  });
});
