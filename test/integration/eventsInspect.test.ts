// Inspecting event webhooks: an operator finds an event's fan-out and each delivery run by event type and webhook, and
// a webhook's failed deliveries (what Virto's and Ecwid's "failed deliveries" views show) with one list query, through
// the real temporal CLI. Since issue 23 a delivery has a run only when it waits (a delay, retries after the
// dispatcher's attempt 1), and an event a fan-out only when automations listen: one settled at attempt 1 is
// inspected in the delivery log. Real dev server, real worker, real receivers on 127.0.0.1; PGlite registry.
import {
  HookstepAttempts,
  HookstepEventType,
  HookstepFailureType,
  HookstepHost,
  HookstepStatus,
  HookstepTenant,
  HookstepWebhookId,
} from '../../src/contract';
import { temporalCli } from '../helpers/codec';
import { expectFailure } from '../helpers/failures';
import { settled, unique, useEventStack } from '../helpers/events';
import { json } from '../helpers/receiver';
import { registryDatabases } from '../helpers/registry';
import { until } from '../helpers/until';
import { expectNoRun } from '../helpers/webhooks';

const stack = useEventStack('events-inspect', registryDatabases()[0]);

/** The run IDs a list query returns, once visibility (eventually consistent) has `expected` of them. */
async function listed(query: string, expected: number): Promise<string[]> {
  return until(async () => {
    const runs = JSON.parse(await temporalCli(['workflow', 'list', '--query', query])) as
      { execution: { workflowId: string } }[] | null;
    const ids = (runs ?? []).map((r) => r.execution.workflowId).sort();
    return ids.length >= expected ? ids : undefined;
  }, `${expected} run(s) for ${query}`);
}

test(
  "an event's fan-out and delivery runs carry its type and tenant, each delivery its webhook; failed ones are " +
    'listed; one settled at attempt 1 has no run and is in the delivery log with its tenant, type and webhook',
  async () => {
    const ok = await stack.receiver((_req, res) => json(res, 200, { ok: true }));
    // 500 to the dispatcher's attempt 1, then 200: retried in a run of its own.
    const flaky = await stack.receiver((_req, res, i) => json(res, i === 0 ? 500 : 200, { ok: i > 0 }));
    const gone = await stack.receiver((_req, res) => json(res, 404, { error: 'no such hook' }));
    const type = unique('order.created');
    const tenant = unique('store');
    const retry = { maximumAttempts: 3, initialInterval: '100ms', backoffCoefficient: 1 };
    const good = await stack
      .api()
      .webhooks.create({ label: 'crm', url: `${flaky.url}/crm`, event: type, tenant, retry });
    // Delayed: its run sleeps, then makes attempt 1 itself, and fails with the 404.
    const bad = await stack
      .api()
      .webhooks.create({
        label: 'erp',
        url: `${gone.url}/erp`,
        event: type,
        tenant,
        delay: { amount: 1, unit: 'second' },
      });
    const now = await stack.api().webhooks.create({ label: 'wms', url: `${ok.url}/wms`, event: type, tenant });
    // An automation listening on the type: the event's fan-out run starts it.
    const automation = await stack.api().automations.create({
      label: 'notify',
      on: { event: type },
      tenant,
      steps: [{ id: 'send', type: 'sendWebhook', with: { url: `${ok.url}/automation` } }],
    });
    const eventId = unique('inspect');
    const published = await stack
      .api()
      .events.publish({ id: eventId, type, tenant, entity: { id: 'ORD-9', type: 'order' } });
    expect(published).toMatchObject({ workflowId: `event/${tenant}/${eventId}`, deliveries: 3 });
    const fanOutId = published.workflowId!;
    const automationRun = `${automation.id}/${eventId}`;

    const { client } = stack.temporal();
    await client.workflow.getHandle(fanOutId).result();
    await client.workflow.getHandle(automationRun).result();
    expect((await settled(stack, tenant, `${good.id}/${eventId}`)).delivery.state).toBe('delivered');
    expect((await settled(stack, tenant, `${bad.id}/${eventId}`)).delivery.state).toBe('failed');
    expect((await settled(stack, tenant, `${now.id}/${eventId}`)).delivery.state).toBe('delivered');
    expect(await client.workflow.getHandle(`${good.id}/${eventId}`).result()).toEqual({ status: 200, attempt: 2 });
    await expectFailure(client.workflow.getHandle(`${bad.id}/${eventId}`).result());

    const fanOut = await client.workflow.getHandle(fanOutId).describe();
    expect(await fanOut.staticSummary()).toBe(`${type}: fan-out of event ${eventId}`);
    expect(fanOut.typedSearchAttributes.get(HookstepEventType)).toBe(type);
    expect(fanOut.typedSearchAttributes.get(HookstepTenant)).toBe(tenant);

    const failed = await client.workflow.getHandle(`${bad.id}/${eventId}`).describe();
    expect(await failed.staticSummary()).toBe(`${type} → 127.0.0.1:${gone.port}`);
    const attrs = failed.typedSearchAttributes;
    expect([
      attrs.get(HookstepEventType),
      attrs.get(HookstepWebhookId),
      attrs.get(HookstepHost),
      attrs.get(HookstepStatus),
      attrs.get(HookstepFailureType),
      attrs.get(HookstepAttempts),
    ]).toEqual([type, bad.id, `127.0.0.1:${gone.port}`, 404, 'HttpClientError', 1]);
    const delivered = await client.workflow.getHandle(`${good.id}/${eventId}`).describe();
    expect(await delivered.staticSummary()).toBe(`${type} → 127.0.0.1:${flaky.port}`);
    expect(delivered.typedSearchAttributes.get(HookstepEventType)).toBe(type);
    expect(delivered.typedSearchAttributes.get(HookstepWebhookId)).toBe(good.id);
    expect(delivered.typedSearchAttributes.get(HookstepTenant)).toBe(tenant);
    expect(delivered.typedSearchAttributes.get(HookstepFailureType)).toBeUndefined();

    // Delivered at the dispatcher's attempt 1: no run; the delivery log has it, with its tenant, type and webhook.
    await expectNoRun(client, `${now.id}/${eventId}`);
    expect(ok.requests.filter((r) => r.url === '/wms')).toHaveLength(1);
    const logged = await stack.api().deliveries.get(`${now.id}/${eventId}`);
    expect(logged.delivery).toMatchObject({
      tenant,
      eventType: type,
      webhookId: now.id,
      eventId,
      state: 'delivered',
      attempts: 1,
      lastStatus: 200,
    });
    expect(logged.attempts).toEqual([expect.objectContaining({ attempt: 1, status: 200 })]);
    const byWebhook = await stack.api().deliveries.list({ tenant, eventType: type, webhookId: now.id });
    expect(byWebhook.deliveries.map((d) => d.id)).toEqual([`${now.id}/${eventId}`]);

    // docs/inspecting.md's queries: every run of the event type (fan-out, its automation and both delivery runs; not
    // the delivery settled without one), and one webhook's failures.
    const runs = [fanOutId, automationRun, `${good.id}/${eventId}`, `${bad.id}/${eventId}`].sort();
    expect(await listed(`HookstepEventType="${type}"`, 4)).toEqual(runs);
    // Every run of one tenant (a store's operator view).
    expect(await listed(`HookstepTenant="${tenant}"`, 4)).toEqual(runs);
    expect(await listed(`HookstepWebhookId="${bad.id}" AND ExecutionStatus="Failed"`, 1)).toEqual([
      `${bad.id}/${eventId}`,
    ]);
    expect(await listed(`HookstepEventType="${type}" AND HookstepFailureType="HttpClientError"`, 1)).toEqual([
      `${bad.id}/${eventId}`,
    ]);
    // The good webhook has no failed delivery: the count is read after the failed one is visible, so it is settled.
    const count = JSON.parse(
      await temporalCli([
        'workflow',
        'count',
        '--query',
        `HookstepWebhookId="${good.id}" AND ExecutionStatus="Failed"`,
      ]),
    ) as { count?: string | number };
    expect(Number(count.count ?? 0)).toBe(0);
    // The log lists the tenant's failed deliveries of the type: the 404 alone.
    const failures = await stack.api().deliveries.list({ tenant, eventType: type, state: 'failed' });
    expect(failures.deliveries.map((d) => [d.webhookId, d.lastFailureType])).toEqual([[bad.id, 'HttpClientError']]);
  },
);
