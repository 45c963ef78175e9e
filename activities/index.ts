// The worker's activities, made from their dependencies (the shared HTTP agent, the registry of event webhooks) so
// each worker owns one pool. Workflows import only the type.
import type { Dispatcher } from 'undici';
import { createEventActivities, type RegistrySource } from './events';
import type { AttemptLog } from './inspect';
import { createStepActivities } from './steps';

export type { DeliveryResult } from './deliver';
export { jsonLineLog, type AttemptLog, type AttemptRecord } from './inspect';
export type {
  AutomationPage,
  AutomationSubscriber,
  EventDeliveryCall,
  EventDeliveryResult,
  RegistrySource,
  Subscriber,
  SubscriberPage,
} from './events';
export type { DeliveryCall } from './steps';
export type { TurnCall } from './fairness';

export interface ActivityDeps {
  agent: Dispatcher;
  /** Event webhooks' registry (or how to open it on first use); without one, steps and automations only. */
  registry?: RegistrySource;
  /** Where each attempt's log line goes; none when undefined. */
  attemptLog?: AttemptLog;
  /** How long the delivery log keeps a delivery after its last change; 30 days when undefined. */
  deliveryLogRetentionMs?: number;
}

export function createActivities({ agent, registry, attemptLog, deliveryLogRetentionMs }: ActivityDeps) {
  return {
    ...createStepActivities(agent, attemptLog),
    ...createEventActivities(agent, registry, attemptLog, deliveryLogRetentionMs),
  };
}

export type Activities = ReturnType<typeof createActivities>;
