// The worker's activities, made from their dependencies (the shared HTTP agent, the registry of event webhooks) so
// each worker owns one pool. Workflows import only the type.
import type { Dispatcher } from 'undici';
import { createEventActivities, type RegistrySource } from './events';
import { createStepActivities } from './steps';

export type { DeliveryResult } from './deliver';
export type { EventDeliveryCall, EventDeliveryResult, RegistrySource, Subscriber, SubscriberPage } from './events';
export type { DeliveryCall } from './steps';

export interface ActivityDeps {
  agent: Dispatcher;
  /** Event webhooks' registry (or how to open it on first use); without one, steps and automations only. */
  registry?: RegistrySource;
}

export function createActivities({ agent, registry }: ActivityDeps) {
  return { ...createStepActivities(agent), ...createEventActivities(agent, registry) };
}

export type Activities = ReturnType<typeof createActivities>;
