// One published event fanned out: a delivery run per active webhook of its tenant and type, each with the ID
// `<webhook id>/<event id>`, so no webhook receives one event twice, across a worker crash (the starts are commands
// in this history, replayed, never re-issued) or a re-publish (the fan-out's own ID is the tenant's and the event's).
// A webhook has one tenant, so two tenants' events of one id never share a delivery ID. Deliveries are abandoned on
// completion: the fan-out ends once every one has started, while they wait their delays and retries.
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
import type { Activities, Subscriber } from '../activities';
import { deliveryStartOptions } from '../src/contract/inspect';
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
}

export interface EventFanOutResult {
  /** Delivery runs started by this fan-out, across continued runs. */
  started: number;
  /** Deliveries whose run already existed (an earlier fan-out of the same event id). */
  existing: number;
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

const { listSubscribers } = proxyLocalActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { maximumInterval: '10 seconds' },
});

export async function eventFanOut(input: EventFanOutInput): Promise<EventFanOutResult> {
  // Decided before the first command (a local activity), so a replay meets the marker first; called once, as
  // `patched` remembers no `false`.
  const limited = patched(LIMITS_PATCH);
  let after = input.after;
  let started = 0;
  let existing = 0;
  for (;;) {
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
    if (!after) return { started: started + (input.startedBefore ?? 0), existing };
    if (handOver(started, limited)) {
      await continueAsNew<typeof eventFanOut>({ ...input, after, startedBefore: started + (input.startedBefore ?? 0) });
    }
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
