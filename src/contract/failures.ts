// The failure types hookstep puts on ApplicationFailure.type. They are part of the public contract: callers in any
// Temporal SDK match on these strings, so they never change meaning.
import { ApplicationFailure } from '@temporalio/common';
export const FailureType = {
  InvalidStep: 'InvalidStep',
  InvalidAutomation: 'InvalidAutomation',
  TemplateError: 'TemplateError',
  /** An automation stopped because a step with onFailure: stop failed; the step's failure is its cause. */
  StepFailed: 'StepFailed',
  /** A 2xx the webhook's successStatuses do not list (Ecwid counts only 200 and 201): retried. */
  HttpStatusNotAccepted: 'HttpStatusNotAccepted',
  /** The event cannot be written in the webhook's format (say, a data key that is no XML name): not retried. */
  EventNotSendable: 'EventNotSendable',
  HttpRedirect: 'HttpRedirect',
  HttpRetryableStatus: 'HttpRetryableStatus',
  HttpClientError: 'HttpClientError',
  Timeout: 'Timeout',
  ConnectionError: 'ConnectionError',
  ResponseInvalid: 'ResponseInvalid',
  DestinationBlocked: 'DestinationBlocked',
  /**
   * The worker has no registry of event webhooks (HOOKSTEP_DATABASE_URL unset): an event's fan-out fails with it
   * rather than finding no subscriber; a delivery's attempt retries with it (another worker, or this one fixed, goes on).
   */
  RegistryUnavailable: 'RegistryUnavailable',
  /**
   * A result would not fit in what Temporal stores (src/contract/temporalLimits.ts): a step's reply body and note
   * over 1.5 MiB once encoded, or an automation's outputs over 1.5 MiB. The receiver already acted: not retried.
   */
  ResultTooLarge: 'ResultTooLarge',
  /** An automation step, its templates filled, is larger than a step may be, or its steps together are: not sent. */
  InputTooLarge: 'InputTooLarge',
} as const;
export type FailureType = (typeof FailureType)[keyof typeof FailureType];

/** `details[0]` of every delivery failure: what an operator needs in the Web UI to act. */
export interface DeliveryFailureDetails {
  method: string;
  /** Scheme, host and path only: no credentials, no query string. */
  url: string;
  attempt: number;
  durationMs: number;
  status?: number;
  /** At most 2 KiB of the receiver's response body. */
  bodySnippet?: string;
  /** Set when the receiver asked for a delay (Retry-After). */
  retryAfterMs?: number;
}

export interface FailureSummary {
  type: string;
  message: string;
  /** details[0] of the failure, e.g. DeliveryFailureDetails. */
  details?: unknown;
}

/**
 * What explains a failed run or step: the innermost ApplicationFailure of the cause chain (the delivery's own
 * failure under ActivityFailure and ChildWorkflowFailure), or the last failure when none is an application's.
 * The one walk of a cause chain: the CLI, the automation workflow and the tests all use it.
 */
export function summarizeFailure(err: unknown): FailureSummary {
  let found: ApplicationFailure | undefined;
  let last: unknown = err;
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < MAX_CAUSE_DEPTH; e = e.cause, depth++) {
    if (e instanceof ApplicationFailure) found = e;
    last = e;
  }
  if (found) return { type: found.type ?? 'ApplicationFailure', message: found.message, details: found.details?.[0] };
  const error = last instanceof Error ? last : new Error(String(last));
  return { type: error.name, message: error.message };
}

/** The HTTP status and attempt a delivery failure's details carry, when they do. */
export function deliveryFacts(details: unknown): { status?: number; attempt?: number } {
  const d = (details ?? {}) as Partial<DeliveryFailureDetails>;
  return {
    ...(typeof d.status === 'number' ? { status: d.status } : {}),
    ...(typeof d.attempt === 'number' ? { attempt: d.attempt } : {}),
  };
}

const MAX_CAUSE_DEPTH = 20;
