// Resend and recover (issue 20, item 3): the same event to the same webhook again, as a new delivery of its own (ID
// `<webhook id>/<event id>/resend-<token>`, its run's workflow ID, `resendOf` the delivery resent) made with the
// webhook's configuration as it is now; recover resends each failure of a webhook since a time. A call is carried out
// as a plan: the resends it makes, fixed before anything starts. With an Idempotency-Key the plan is recorded under
// the key before any start, and each resend's token is derived from the key, so a retry (even after a crash between a
// start and the answer) starts the same runs, which Temporal refuses to start twice (REJECT_DUPLICATE).
import { createHash, randomBytes } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { PlannedResend, Registry } from '../registry';
import {
  DEFAULT_TIMEOUT,
  deliveryStartOptions,
  resolveRetry,
  scopedTenant,
  summaryLine,
  toMs,
  type Delivery,
  type Recovered,
  type TenantScope,
  type Webhook,
} from '../contract';
import { problem, type Problem } from './problems';

export interface ResendDeps {
  registry: Registry;
  client: Client;
  taskQueue: string;
}

/** What one call resends: each resend, and for recover whether failures were left for another call. */
interface Plan {
  webhookId: string;
  resends: PlannedResend[];
  /** A recover's: resends only failures still their event's newest delivery when logged. */
  recover?: boolean;
  more?: boolean;
}

type Outcome<T> = { ok: T } | { problem: Problem };

/** Failures one recover call resends at most; `more` tells the caller to call again (with another key). */
export const RECOVER_LIMIT = 1_000;
/** Runs started at once by one call. */
const STARTS_AT_ONCE = 16;
/** The key scope of operator keys: not a tenant's name (those have no "*"). */
const OPERATORS = '*';

/** Resends the delivery `deliveryId` of the caller's scope: the new delivery, `pending`. */
export async function resendDelivery(
  deps: ResendDeps,
  scope: TenantScope,
  deliveryId: string,
  key: string | undefined,
): Promise<Outcome<Delivery>> {
  return keyed(deps, scope, key, `resend ${deliveryId}`, async (): Promise<Plan | Problem> => {
    const found = await deps.registry.deliveries.get(scope, deliveryId);
    if (!found) return problem(404, 'no such delivery');
    const refused = refusal(await deps.registry.webhooks.get(scope, found.delivery.webhookId), 'of this delivery ');
    if (refused) return refused;
    return { webhookId: found.delivery.webhookId, resends: [planned(found.delivery, scope, key)] };
  }).then((out) => ('ok' in out ? { ok: out.ok.deliveries[0] } : out));
}

/** Resends every failure of the webhook since `since` whose event no later delivery fixed or is trying again. */
export async function recoverWebhook(
  deps: ResendDeps,
  scope: TenantScope,
  webhookId: string,
  since: string,
  key: string | undefined,
): Promise<Outcome<Recovered>> {
  const from = new Date(since).toISOString();
  const out = await keyed(deps, scope, key, `recover ${webhookId} since ${from}`, async () => {
    const webhook = await deps.registry.webhooks.get(scope, webhookId);
    if (!webhook) return problem(404, 'no such webhook');
    const refused = refusal(webhook, '');
    if (refused) return refused;
    const failed = await deps.registry.resends.failedSince(scope, webhookId, from, RECOVER_LIMIT + 1);
    const resends = failed.slice(0, RECOVER_LIMIT).map((d) => planned(d, scope, key));
    return { webhookId, resends, recover: true, ...(failed.length > RECOVER_LIMIT ? { more: true } : {}) };
  });
  if (!('ok' in out)) return out;
  const { deliveries, plan } = out.ok;
  return {
    ok: { resent: deliveries.length, deliveries: deliveries.map((d) => d.id), ...(plan.more ? { more: true } : {}) },
  };
}

/** The webhook's state refusing a resend: deleted, inactive or disabled (its resends would only be skipped). */
function refusal(webhook: Webhook | undefined, of: string): Problem | undefined {
  if (!webhook) return problem(409, `the webhook ${of}was deleted`);
  if (!webhook.active) return problem(409, 'webhook is inactive; activate it first (PATCH it with active: true)');
  if (webhook.disabledAt)
    return problem(409, `webhook is disabled; re-enable it first (POST /v1/webhooks/${webhook.id}/enable)`);
  return undefined;
}

/** A resend of `delivery`: its token derived from the key and the delivery when keyed, else random. */
function planned(delivery: Delivery, scope: TenantScope, key: string | undefined): PlannedResend {
  const token = key
    ? createHash('sha256')
        .update(`${keyScope(scope)}\n${key}\n${delivery.id}`)
        .digest('hex')
        .slice(0, 20)
    : randomBytes(10).toString('hex');
  const { tenant, webhookId, eventId, eventType } = delivery;
  return {
    id: `${webhookId}/${eventId}/resend-${token}`,
    resendOf: delivery.id,
    tenant,
    webhookId,
    eventId,
    eventType,
  };
}

function keyScope(scope: TenantScope): string {
  return scopedTenant(scope) ?? OPERATORS;
}

/**
 * Claims the key (a completed call's answer is given again; another request's key is 422), takes the plan recorded
 * under it or makes and records one, then carries it out: logs the resends and starts their runs. A refusal (404,
 * 409) is not recorded: it frees the key, which a retry once the webhook is enabled (or another request) may use.
 */
async function keyed(
  deps: ResendDeps,
  scope: TenantScope,
  key: string | undefined,
  request: string,
  makePlan: () => Promise<Plan | Problem>,
): Promise<Outcome<{ plan: Plan; deliveries: Delivery[] }>> {
  const { idempotency } = deps.registry;
  const claim = key ? await idempotency.claim<Plan>(keyScope(scope), key, request) : { state: 'new' as const };
  if (claim.state === 'mismatch') return { problem: reused() };
  if (claim.state === 'answered') return { ok: claim.response as { plan: Plan; deliveries: Delivery[] } };
  let plan: Plan;
  if (claim.state === 'planned') plan = claim.plan;
  else {
    const made = await makePlan();
    if ('status' in made) {
      if (key) await idempotency.release(keyScope(scope), key);
      return { problem: made };
    }
    plan = key ? await idempotency.plan(keyScope(scope), key, made) : made;
  }
  const deliveries = await carryOut(deps, scope, plan);
  const answer = { plan, deliveries };
  if (key) await idempotency.answer(keyScope(scope), key, answer);
  return { ok: answer };
}

/**
 * Logs the plan's resends and starts a run for each logged (one started already is left as it is): a recover's
 * resend of a failure that a racing call resent meanwhile is not logged, so not started, nor in the answer.
 */
async function carryOut(deps: ResendDeps, scope: TenantScope, plan: Plan): Promise<Delivery[]> {
  const { resends } = deps.registry;
  await resends.insert(plan.resends, { onlyNewest: plan.recover === true });
  const logged = await resends.getMany(
    scope,
    plan.resends.map((r) => r.id),
  );
  const webhook = await deps.registry.webhooks.get(scope, plan.webhookId);
  const queue = plan.resends.filter((r) => logged.some((d) => d.id === r.id));
  const starter = async () => {
    for (let r = queue.shift(); r; r = queue.shift()) await start(deps, webhook, r);
  };
  await Promise.all(Array.from({ length: Math.min(STARTS_AT_ONCE, queue.length) }, starter));
  return logged;
}

/**
 * A resend's run: an eventDelivery under the resend's ID (summary `resend: order.created → host`), with no delay,
 * the webhook's timeout and retry as they are now (its attempts read the webhook again). A webhook deleted since the
 * plan starts it all the same: the attempt logs it skipped.
 */
async function start(deps: ResendDeps, webhook: Webhook | undefined, r: PlannedResend): Promise<void> {
  const url = webhook?.url ?? '';
  const facts = { url, method: 'POST', eventType: r.eventType, webhookId: r.webhookId, tenant: r.tenant };
  const options = deliveryStartOptions(facts);
  try {
    await deps.client.workflow.start('eventDelivery', {
      taskQueue: deps.taskQueue,
      workflowId: r.id,
      args: [
        {
          webhookId: r.webhookId,
          url,
          delayMs: 0,
          timeoutMs: toMs(webhook?.timeout ?? DEFAULT_TIMEOUT),
          retry: resolveRetry(webhook ?? {}),
          eventId: r.eventId,
          type: r.eventType,
          tenant: r.tenant,
          deliveryId: r.id,
        },
      ],
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      ...options,
      staticSummary: summaryLine(`resend: ${options.staticSummary}`),
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
}

function reused(): Problem {
  return problem(422, 'this Idempotency-Key was used for another request; use a new key for a new request', [
    { field: 'headers/idempotency-key', message: 'was used for another request' },
  ]);
}
