// One attempt of a step: build its request (query, headers, cookies, flat JSON body, signature) and send it. Free of
// Temporal's activity context, so a benchmark can call it directly.
import { MAX_STEP_RESULT_BYTES, resolveRetry, toMs, type Step } from '../src/contract';
import { buildRequest } from './request';
import { send, type DeliverOptions, type DeliveryResult } from './send';

export type { DeliverOptions, DeliveryResult } from './send';

export interface DeliveryInput {
  /** Already parsed by StepSchema. */
  step: Step;
  /** Sent as webhook-id: the same on every attempt of one step run. */
  webhookId: string;
}

export function deliver(input: DeliveryInput, options: DeliverOptions): Promise<DeliveryResult> {
  const { step } = input;
  const policy = {
    timeoutMs: toMs(step.timeout),
    retry: resolveRetry(step),
    responseFields: step.response?.fields,
    // The body becomes the step's result, stored by Temporal; an event delivery keeps no body and has no such limit.
    maxResultBytes: MAX_STEP_RESULT_BYTES,
  };
  return send(buildRequest(step, input.webhookId, Date.now()), policy, options);
}
