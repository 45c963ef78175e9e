// `hookstep/receiver`: verify Standard Webhooks signatures, answer fast, and hand the work to a Temporal workflow
// started once per webhook-id. Loads @temporalio/client and zod only: no worker runtime, no HTTP client, and none of
// Express or Fastify (their adapters use only their types).
export { createReceiver, type Receiver, type ReceiverRequest } from './core';
export { expressHandler } from './express';
export { fastifyReceiver } from './fastify';
export { nodeHandler } from './node';
export type { ReceiverOptions, ReceiverResult } from './options';
export type { Accepted, ReceiverResponse } from './responses';
export { RECEIVER_CHANNEL_ARGS } from './start';
export { workflowIdFor } from './workflowId';
export { createVerifier, verifyWebhook, type HeaderSource, type VerifiedWebhook, type VerifyOptions } from './verify';
export { WebhookVerificationCode, WebhookVerificationError } from '../contract';
