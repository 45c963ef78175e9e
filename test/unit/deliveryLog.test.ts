// The delivery log's rules that need no database: what an attempt's outcome writes (state, status, failure type,
// redacted snippet), the retention setting, and how often a worker prunes. The SQL is tested on real databases in
// test/integration/deliveryLog.test.ts.
import { ApplicationFailure } from '@temporalio/common';
import { PRUNE_EVERY_MS, logged, pruner, type DeliveryLog } from '../../activities/deliveryLog';
import { toFailure } from '../../activities/outcomes';
import type { AttemptEntry } from '../../src/registry';
import { stateAfterFailure } from '../../src/contract';
import { ConfigError, loadConfig } from '../../src/worker';

const facts = {
  tenant: 't',
  webhookId: 'wh_1',
  eventId: 'e1',
  eventType: 'order.created',
  attempt: 2,
  maximumAttempts: 3,
};

function recording(fail = false): { log: DeliveryLog; entries: AttemptEntry[] } {
  const entries: AttemptEntry[] = [];
  const log: DeliveryLog = {
    schedule: () => Promise.resolve(),
    recordSkip: () => Promise.resolve(),
    recordAttempt: (entry) =>
      fail ? Promise.reject(new Error('registry down')) : (entries.push(entry), Promise.resolve()),
  };
  return { log, entries };
}

const ctx = (attempt: number, secrets: string[] = []) => ({
  method: 'POST',
  url: 'https://r.example/h',
  attempt,
  maxAttempts: 3,
  durationMs: 12.4,
  maxRetryDelayMs: 60_000,
  secrets,
});

describe('stateAfterFailure', () => {
  it.each([
    [false, 1, 3, 'pending'],
    [false, 3, 3, 'failed'],
    [true, 1, 3, 'failed'],
    [false, 1, 1, 'failed'],
  ] as const)('nonRetryable %s, attempt %i of %i → %s', (nonRetryable, attempt, max, state) => {
    expect(stateAfterFailure(nonRetryable, attempt, max)).toBe(state);
  });
});

describe('logged', () => {
  it('logs a success as delivered with its status', async () => {
    const { log, entries } = recording();
    await expect(logged(log, facts, () => Promise.resolve({ status: 204 }))).resolves.toEqual({ status: 204 });
    const { maximumAttempts: _, ...base } = facts;
    expect(entries).toEqual([{ ...base, state: 'delivered', status: 204, durationMs: expect.any(Number) }]);
  });

  it("logs a failure with the table's type, message, status and the redacted snippet, then rethrows it", async () => {
    const { log, entries } = recording();
    const secret = 'tok_live_0123456789abcdef0123';
    const failure = toFailure({ kind: 'status', status: 401, body: `no: Bearer ${secret}` }, ctx(2, [secret]));
    await expect(logged(log, facts, () => Promise.reject(failure))).rejects.toBe(failure);
    expect(entries).toEqual([
      expect.objectContaining({
        state: 'failed',
        status: 401,
        failureType: 'HttpClientError',
        durationMs: 12,
        message: failure.message,
        bodySnippet: 'no: Bearer [redacted]',
      }),
    ]);
  });

  it('a retryable failure before the last attempt leaves the delivery pending; on the last, failed', async () => {
    const { log, entries } = recording();
    const failure = (attempt: number) => toFailure({ kind: 'status', status: 503 }, ctx(attempt));
    await expect(logged(log, facts, () => Promise.reject(failure(2)))).rejects.toBeInstanceOf(ApplicationFailure);
    await expect(logged(log, { ...facts, attempt: 3 }, () => Promise.reject(failure(3)))).rejects.toBeDefined();
    expect(entries.map((e) => [e.attempt, e.state, e.failureType])).toEqual([
      [2, 'pending', 'HttpRetryableStatus'],
      [3, 'failed', 'HttpRetryableStatus'],
    ]);
  });

  it('a log that cannot be written never fails a delivery that succeeded (a throw would send it again)', async () => {
    const { log } = recording(true);
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      await expect(logged(log, facts, () => Promise.resolve({ status: 200 }))).resolves.toEqual({ status: 200 });
      expect(String(stderr.mock.calls[0][0])).toContain('registry down');
    } finally {
      stderr.mockRestore();
    }
  });
});

describe('retention', () => {
  it('HOOKSTEP_DELIVERY_LOG_RETENTION: 30 days by default, a duration when set, refused naming the variable', () => {
    expect(loadConfig({}).HOOKSTEP_DELIVERY_LOG_RETENTION).toBe(30 * 86_400_000);
    expect(loadConfig({ HOOKSTEP_DELIVERY_LOG_RETENTION: '12h' }).HOOKSTEP_DELIVERY_LOG_RETENTION).toBe(43_200_000);
    expect(() => loadConfig({ HOOKSTEP_DELIVERY_LOG_RETENTION: 'a month' })).toThrow(ConfigError);
    expect(() => loadConfig({ HOOKSTEP_DELIVERY_LOG_RETENTION: 'a month' })).toThrow(/HOOKSTEP_DELIVERY_LOG_RETENTION/);
  });

  it('prunes at most once per hour, at now minus the retention', () => {
    let now = 1_000_000_000_000;
    const cutoffs: number[] = [];
    const registry = { deliveries: { prune: (d: Date) => (cutoffs.push(d.getTime()), Promise.resolve(0)) } };
    const prune = pruner(86_400_000, () => now);
    expect(prune(registry)).toBe(registry);
    now += PRUNE_EVERY_MS - 1;
    prune(registry);
    now += 1;
    prune(registry);
    expect(cutoffs).toEqual([1_000_000_000_000 - 86_400_000, now - 86_400_000]);
  });
});
