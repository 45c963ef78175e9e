// Inspecting event webhooks: an operator finds an event's fan-out and each delivery by event type and webhook, and a
// webhook's failed deliveries (what Virto's and Ecwid's "failed deliveries" views show) with one list query, through
// the real temporal CLI. Real dev server, real worker, real receivers on 127.0.0.1; PGlite registry.
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
import { unique, useEventStack } from '../helpers/events';
import { json } from '../helpers/receiver';
import { registryDatabases } from '../helpers/registry';
import { until } from '../helpers/until';

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

test("an event's fan-out and deliveries carry its type and tenant, each delivery its webhook; failed ones are listed", async () => {
  const ok = await stack.receiver((_req, res) => json(res, 200, { ok: true }));
  const gone = await stack.receiver((_req, res) => json(res, 404, { error: 'no such hook' }));
  const type = unique('order.created');
  const tenant = unique('store');
  const good = await stack.api().webhooks.create({ label: 'crm', url: `${ok.url}/crm`, event: type, tenant });
  const bad = await stack.api().webhooks.create({ label: 'erp', url: `${gone.url}/erp`, event: type, tenant });
  const eventId = unique('inspect');
  const published = await stack
    .api()
    .events.publish({ id: eventId, type, tenant, entity: { id: 'ORD-9', type: 'order' } });
  expect(published.workflowId).toBe(`event/${tenant}/${eventId}`);

  const { client } = stack.temporal();
  await client.workflow.getHandle(published.workflowId).result();
  await client.workflow.getHandle(`${good.id}/${eventId}`).result();
  await expectFailure(client.workflow.getHandle(`${bad.id}/${eventId}`).result());

  const fanOut = await client.workflow.getHandle(published.workflowId).describe();
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
  expect(delivered.typedSearchAttributes.get(HookstepWebhookId)).toBe(good.id);
  expect(delivered.typedSearchAttributes.get(HookstepTenant)).toBe(tenant);
  expect(delivered.typedSearchAttributes.get(HookstepFailureType)).toBeUndefined();

  // docs/inspecting.md's queries: every run of the event type (fan-out and both deliveries), and one webhook's failures.
  const runs = [published.workflowId, `${good.id}/${eventId}`, `${bad.id}/${eventId}`].sort();
  expect(await listed(`HookstepEventType="${type}"`, 3)).toEqual(runs);
  // Every run of one tenant (a store's operator view).
  expect(await listed(`HookstepTenant="${tenant}"`, 3)).toEqual(runs);
  expect(await listed(`HookstepWebhookId="${bad.id}" AND ExecutionStatus="Failed"`, 1)).toEqual([
    `${bad.id}/${eventId}`,
  ]);
  expect(await listed(`HookstepEventType="${type}" AND HookstepFailureType="HttpClientError"`, 1)).toEqual([
    `${bad.id}/${eventId}`,
  ]);
  // The good webhook has no failed delivery: the count is read after the failed one is visible, so it is settled.
  const count = JSON.parse(
    await temporalCli(['workflow', 'count', '--query', `HookstepWebhookId="${good.id}" AND ExecutionStatus="Failed"`]),
  ) as { count?: string | number };
  expect(Number(count.count ?? 0)).toBe(0);
});
