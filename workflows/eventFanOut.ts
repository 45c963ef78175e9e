// One published event fanned out: a delivery run per active webhook of its tenant and type, each with the ID
// `<webhook id>/<event id>`, so no webhook receives one event twice, across a worker crash (the starts are commands
// in this history, replayed, never re-issued) or a re-publish (the fan-out's own ID is the tenant's and the event's).
// A webhook has one tenant, so two tenants' events of one id never share a delivery ID. Deliveries are abandoned on
// completion: the fan-out ends once every one has started, while they wait their delays and retries.
// Then, the same way, a run per active stored automation of its tenant and type, ID `<automation id>/<event id>`, with
// the event as its trigger and the automation's current steps as its input (issue 22).
// Since issue 23 a publish queues the deliveries in the registry's outbox and starts a fan-out only for automations
// (`deliveriesQueued`); the delivery runs below serve fan-outs started before.
import {
  ParentClosePolicy,
  WorkflowIdReusePolicy,
  continueAsNew,
  patched,
  proxyLocalActivities,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { Activities, AutomationSubscriber, Subscriber } from '../activities';
import { AUTOMATION_VERSION_MEMO, deliveryStartOptions, eventAutomationStartOptions } from '../src/contract/inspect';
import type { HookstepEvent } from '../src/contract/schemas/events';
import type { automation } from './automation';
import type { eventDelivery } from './eventDelivery';

export interface EventFanOutInput {
  eventId: string;
  type: string;
  /** The event's tenant; absent in fan-outs started before tenants existed (then DEFAULT_TENANT's). */
  tenant?: string;
  /** Where a continued fan-out resumes: the last webhook id the previous run started. */
  after?: string;
  /** Deliveries started by earlier runs of this fan-out. */
  startedBefore?: number;
  /** A fan-out continued while starting automations: the last automation id the previous run started. */
  automationsAfter?: string;
  /** Automation runs started by earlier runs of this fan-out. */
  automationsStartedBefore?: number;
  /**
   * The publish queued the event's deliveries in the outbox, where a worker's dispatcher sends them (issue 23): this
   * fan-out starts the automations only. Absent in fan-outs started before, which start a run per delivery.
   */
  deliveriesQueued?: boolean;
}

export interface EventFanOutResult {
  /** Delivery runs started by this fan-out, across continued runs. */
  started: number;
  /** Deliveries whose run already existed (an earlier fan-out of the same event id). */
  existing: number;
  /** The automation runs, when any automation listens on the event's type (fan-outs started before: never). */
  automations?: { started: number; existing: number };
}

/** Webhooks read per page, and deliveries started per run before the history is handed to a fresh run. */
const PAGE = 500;
const PER_RUN = 2_000;
/**
 * A run's children that have not ended count against the server's `limit.numPendingChildExecutions.error` (2,000):
 * the next page must fit under it. Pages are also cut by size (activities/subscriberPage.ts), so a run also hands over
 * when the server suggests it (its history at 4 MiB or 4,096 events). Runs started before this replay as they ran.
 */
const LIMITS_PATCH = 'hookstep-fan-out-limits';
const MAX_PENDING_CHILDREN = 2_000;
/** Fan-outs started before stored automations existed replay without their automations' page (issue 22). */
const AUTOMATIONS_PATCH = 'hookstep-fan-out-automations';

const { listSubscribers, listAutomations } = proxyLocalActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { maximumInterval: '10 seconds' },
});

export async function eventFanOut(input: EventFanOutInput): Promise<EventFanOutResult> {
  // Decided before the first command (a local activity), so a replay meets the markers first; each called once, as
  // `patched` remembers no `false`.
  const limited = patched(LIMITS_PATCH);
  const withAutomations = patched(AUTOMATIONS_PATCH);
  let after = input.after;
  let started = 0;
  let existing = 0;
  // A run continued while starting automations has started every delivery already.
  while (input.automationsAfter === undefined && !input.deliveriesQueued) {
    // The event's id lets the local activity log the page's deliveries; the commands stay as they were.
    const page = await listSubscribers({
      tenant: input.tenant,
      type: input.type,
      eventId: input.eventId,
      after,
      limit: PAGE,
    });
    const outcomes = await Promise.all(page.subscribers.map((s) => startDelivery(input, s)));
    started += outcomes.filter((o) => o === 'started').length;
    existing += outcomes.filter((o) => o === 'existing').length;
    after = page.next;
    if (!after) break;
    if (handOver(started, limited)) {
      await continueAsNew<typeof eventFanOut>({ ...input, after, startedBefore: started + (input.startedBefore ?? 0) });
    }
  }
  const deliveries = { started: started + (input.startedBefore ?? 0), existing };
  if (!withAutomations) return deliveries;
  const automations = await startAutomations(input, started, deliveries.started);
  return automations.started + automations.existing > 0 ? { ...deliveries, automations } : deliveries;
}

/**
 * Starts a run per active automation of the event's tenant and type, a page at a time, after `startedHere` deliveries
 * of this run (their children count against the same limit), handing over to a fresh run as deliveries do.
 */
async function startAutomations(
  input: EventFanOutInput,
  startedHere: number,
  deliveries: number,
): Promise<{ started: number; existing: number }> {
  let after = input.automationsAfter;
  let started = 0;
  let existing = 0;
  for (;;) {
    const page = await listAutomations({
      tenant: input.tenant,
      type: input.type,
      eventId: input.eventId,
      after,
      limit: PAGE,
    });
    const trigger = page.trigger;
    const outcomes = trigger ? await Promise.all(page.automations.map((a) => startAutomation(input, a, trigger))) : [];
    started += outcomes.filter((o) => o === 'started').length;
    existing += outcomes.filter((o) => o === 'existing').length;
    after = page.next;
    if (!after) return { started: started + (input.automationsStartedBefore ?? 0), existing };
    if (handOver(startedHere + started, true)) {
      await continueAsNew<typeof eventFanOut>({
        ...input,
        after: undefined,
        startedBefore: deliveries,
        automationsAfter: after,
        automationsStartedBefore: started + (input.automationsStartedBefore ?? 0),
      });
    }
  }
}

/**
 * One automation's run for this event: its steps as they are now (the run keeps them, whatever changes later), the
 * event as its trigger, the version in its second argument, its result and its memo. REJECT_DUPLICATE: a re-publish
 * or a fan-out run again starts nothing twice.
 */
async function startAutomation(
  input: EventFanOutInput,
  subscriber: AutomationSubscriber,
  trigger: HookstepEvent,
): Promise<'started' | 'existing'> {
  const { automationId, version, steps } = subscriber;
  try {
    await startChild<typeof automation>('automation', {
      workflowId: `${automationId}/${input.eventId}`,
      args: [
        { id: automationId, trigger, steps },
        { automationId, version, eventId: input.eventId },
      ],
      parentClosePolicy: ParentClosePolicy.ABANDON,
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      memo: { [AUTOMATION_VERSION_MEMO]: version },
      ...eventAutomationStartOptions({ automationId, steps, eventType: input.type, tenant: input.tenant }),
    });
    return 'started';
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return 'existing';
    throw err;
  }
}

function handOver(started: number, limited: boolean): boolean {
  if (!limited) return started >= PER_RUN;
  return started + PAGE > MAX_PENDING_CHILDREN || workflowInfo().continueAsNewSuggested;
}

async function startDelivery(input: EventFanOutInput, subscriber: Subscriber): Promise<'started' | 'existing'> {
  try {
    await startChild<typeof eventDelivery>('eventDelivery', {
      workflowId: `${subscriber.webhookId}/${input.eventId}`,
      args: [{ ...subscriber, eventId: input.eventId, type: input.type, tenant: input.tenant }],
      parentClosePolicy: ParentClosePolicy.ABANDON,
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      ...deliveryStartOptions({
        url: subscriber.url,
        method: 'POST',
        eventType: input.type,
        webhookId: subscriber.webhookId,
        tenant: input.tenant,
      }),
    });
    return 'started';
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return 'existing';
    throw err;
  }
}
