// The failure types hookstep puts on ApplicationFailure.type. They are part of the public contract: callers in any
// Temporal SDK match on these strings, so they never change meaning.
export const FailureType = {
  InvalidStep: 'InvalidStep',
  InvalidAutomation: 'InvalidAutomation',
  TemplateError: 'TemplateError',
  /** An automation stopped because a step with onFailure: stop failed; the step's failure is its cause. */
  StepFailed: 'StepFailed',
  HttpRedirect: 'HttpRedirect',
  HttpRetryableStatus: 'HttpRetryableStatus',
  HttpClientError: 'HttpClientError',
  Timeout: 'Timeout',
  ConnectionError: 'ConnectionError',
  ResponseInvalid: 'ResponseInvalid',
  DestinationBlocked: 'DestinationBlocked',
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
