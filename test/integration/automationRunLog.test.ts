// The automation run log's repository and its retention, on each registry database: a fan-out's page logged once, a
// run's end written again changing nothing, a run the fan-out did not log (started before the log) getting its row
// at its end, and pruning that keeps a run still running whatever its age.
import { automationRunActivities } from '../../activities/automationRuns';
import { OPERATOR_SCOPE, tenantScope } from '../../src/contract';
import type { Registry } from '../../src/registry';
import { PRUNE_EVERY_MS } from '../../activities/deliveryLog';
import { unique } from '../helpers/events';
import { registryDatabases } from '../helpers/registry';
import { until } from '../helpers/until';

describe.each(registryDatabases())('automation run log on $name', (database) => {
  let registry: Registry;
  beforeAll(async () => {
    registry = await database.open();
  });
  afterAll(() => registry.close());

  const end = (automationId: string, eventId: string, state: 'completed' | 'failed' = 'completed') => ({
    automationId,
    eventId,
    version: 2,
    state,
    startedAt: '2026-11-29T12:00:00.000Z',
    endedAt: '2026-11-29T12:00:01.000Z',
  });

  test('a page logged twice keeps one row per run; an end written twice is the same end; the list is in scope', async () => {
    const [tenant, automationId, eventId] = [unique('store'), unique('au'), unique('evt')];
    const event = { id: eventId, type: 'order.created' };
    await registry.automationRuns.started(tenant, event, [{ automationId, version: 2 }]);
    await registry.automationRuns.started(tenant, event, [{ automationId, version: 2 }]);
    const failed = {
      ...end(automationId, eventId, 'failed'),
      failedStep: 'second',
      failureType: 'HttpClientError',
      message: 'stopped',
    };
    await registry.automationRuns.ended(failed);
    const once = await registry.automationRuns.list(tenantScope(tenant), automationId, { limit: 10 });
    await registry.automationRuns.ended(failed);
    // A re-published event logs its page again: the ended row stays as it ended.
    await registry.automationRuns.started(tenant, event, [{ automationId, version: 2 }]);
    expect(await registry.automationRuns.list(tenantScope(tenant), automationId, { limit: 10 })).toEqual(once);
    expect(once.runs).toEqual([
      {
        workflowId: `${automationId}/${eventId}`,
        automationId,
        tenant,
        eventId,
        eventType: 'order.created',
        state: 'failed',
        version: 2,
        startedAt: expect.any(String),
        endedAt: '2026-11-29T12:00:01.000Z',
        failedStep: 'second',
        failureType: 'HttpClientError',
        message: 'stopped',
      },
    ]);
    expect(await registry.automationRuns.list(tenantScope(unique('other')), automationId, { limit: 10 })).toEqual({
      runs: [],
    });
  });

  test("newest first across pages, by the log's sequence and not its text (the tenth run before the ninth)", async () => {
    const [tenant, automationId] = [unique('store'), unique('au')];
    const events = Array.from({ length: 12 }, (_, i) => `evt-${i}`);
    for (const id of events) {
      await registry.automationRuns.started(tenant, { id, type: 'order.created' }, [{ automationId, version: 1 }]);
    }
    const seen: string[] = [];
    let after: string | undefined;
    do {
      const page = await registry.automationRuns.list(tenantScope(tenant), automationId, { limit: 5, after });
      seen.push(...page.runs.map((r) => r.eventId));
      after = page.next;
    } while (after);
    expect(seen).toEqual([...events].reverse());
  });

  test('a run started before the run log gets its row at its end when its tenant and event type are known', async () => {
    const [tenant, automationId] = [unique('store'), unique('au')];
    const [known, unknown] = [unique('evt'), unique('evt')];
    await registry.automationRuns.ended({ ...end(automationId, known), tenant, eventType: 'order.paid' });
    await registry.automationRuns.ended(end(automationId, unknown));
    expect((await registry.automationRuns.list(OPERATOR_SCOPE, automationId, { limit: 10 })).runs).toEqual([
      expect.objectContaining({
        eventId: known,
        tenant,
        eventType: 'order.paid',
        state: 'completed',
        startedAt: '2026-11-29T12:00:00.000Z',
      }),
    ]);
  });

  test('n8n#7333: retention deletes ended runs past it and keeps a run still running, however old', async () => {
    const [tenant, automationId] = [unique('store'), unique('au')];
    const [waiting, ended, recent] = [unique('evt'), unique('evt'), unique('evt')];
    const type = 'order.created';
    for (const id of [waiting, ended]) {
      await registry.automationRuns.started(tenant, { id, type }, [{ automationId, version: 1 }]);
    }
    await registry.automationRuns.ended(end(automationId, ended));
    await registry.db.query(
      `update automation_runs set updated_at = now() - interval '40 days' where automation_id = $1`,
      [automationId],
    );
    // The activity that writes a run's end applies the retention (the delivery log's), at most once an hour.
    let now = Date.now();
    const activities = automationRunActivities(
      () => Promise.resolve(registry),
      30 * 86_400_000,
      () => now,
    );
    await activities.recordAutomationRun({ ...end(automationId, recent), tenant, eventType: type });
    const left = () => registry.automationRuns.list(OPERATOR_SCOPE, automationId, { limit: 10 });
    const ids = await until(async () => {
      const runs = (await left()).runs.map((r) => r.eventId);
      return runs.includes(ended) ? undefined : runs;
    }, 'the ended run pruned');
    expect(ids).toEqual([recent, waiting]);

    // Within the hour it does not prune again.
    await registry.automationRuns.ended(end(automationId, waiting));
    await registry.db.query(
      `update automation_runs set updated_at = now() - interval '40 days' where automation_id = $1`,
      [automationId],
    );
    now += PRUNE_EVERY_MS / 2;
    await activities.recordAutomationRun({ ...end(automationId, recent), tenant, eventType: type });
    expect((await left()).runs.map((r) => r.eventId)).toEqual([recent, waiting]);
  });
});
