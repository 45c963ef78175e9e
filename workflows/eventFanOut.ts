// One published event fanned out: a delivery run per active webhook of its tenant and type, each with the ID
// `<webhook id>/<event id>`, so no webhook receives one event twice, across a worker crash (the starts are commands
// in this history, replayed, never re-issued) or a re-publish (the fan-out's own ID is the tenant's and the event's).
// A webhook has one tenant, so two tenants' events of one id never share a delivery ID. Deliveries are abandoned on
// completion: the fan-out ends once every one has started, while they wait their delays and retries.
import {
  ParentClosePolicy,
  WorkflowIdReusePolicy,
  continueAsNew,
  proxyLocalActivities,
  startChild,
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

const { listSubscribers } = proxyLocalActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { maximumInterval: '10 seconds' },
});

export async function eventFanOut(input: EventFanOutInput): Promise<EventFanOutResult> {
  let after = input.after;
  let started = 0;
  let existing = 0;
  for (;;) {
    const page = await listSubscribers({ tenant: input.tenant, type: input.type, after, limit: PAGE });
    const outcomes = await Promise.all(page.subscribers.map((s) => startDelivery(input, s)));
    started += outcomes.filter((o) => o === 'started').length;
    existing += outcomes.filter((o) => o === 'existing').length;
    after = page.next;
    if (!after) return { started: started + (input.startedBefore ?? 0), existing };
    if (started >= PER_RUN) {
      await continueAsNew<typeof eventFanOut>({ ...input, after, startedBefore: started + (input.startedBefore ?? 0) });
    }
  }
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
