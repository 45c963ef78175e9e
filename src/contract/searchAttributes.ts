// The search attributes hookstep sets on its runs, so an operator can list "every failed delivery to
// api.example.com today" in the temporal CLI and the Web UI. This one list is what `hookstep dev`, the cluster script
// and compose register, and what the workflows set.
import { SearchAttributeType, defineSearchAttributeKey } from '@temporalio/common';

/** Destination host (and port, when not the scheme's default). */
export const HookstepHost = defineSearchAttributeKey('HookstepHost', SearchAttributeType.KEYWORD);
export const HookstepMethod = defineSearchAttributeKey('HookstepMethod', SearchAttributeType.KEYWORD);
/** The final HTTP status, when the receiver answered. */
export const HookstepStatus = defineSearchAttributeKey('HookstepStatus', SearchAttributeType.INT);
/** The failure type of a failed run (HttpClientError, Timeout, InvalidStep, ...). */
export const HookstepFailureType = defineSearchAttributeKey('HookstepFailureType', SearchAttributeType.KEYWORD);
export const HookstepAttempts = defineSearchAttributeKey('HookstepAttempts', SearchAttributeType.INT);
export const HookstepAutomationId = defineSearchAttributeKey('HookstepAutomationId', SearchAttributeType.KEYWORD);
export const HookstepEventType = defineSearchAttributeKey('HookstepEventType', SearchAttributeType.KEYWORD);
export const HookstepWebhookId = defineSearchAttributeKey('HookstepWebhookId', SearchAttributeType.KEYWORD);
/** The tenant (store, app installation) of an event's fan-out and deliveries. */
export const HookstepTenant = defineSearchAttributeKey('HookstepTenant', SearchAttributeType.KEYWORD);

export const SEARCH_ATTRIBUTES = [
  HookstepHost,
  HookstepMethod,
  HookstepStatus,
  HookstepFailureType,
  HookstepAttempts,
  HookstepAutomationId,
  HookstepEventType,
  HookstepWebhookId,
  HookstepTenant,
] as const;
