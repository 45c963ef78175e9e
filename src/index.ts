// The package main, `hookstep`: the contract and the client helpers. It loads neither @temporalio/worker nor undici;
// the worker, its activities and the dev server are `hookstep/worker`.
export * from './contract';
export {
  checkAutomation,
  runAutomation,
  sendWebhook,
  startAutomation,
  startSendWebhook,
  validateStep,
  type StartOptions,
} from './client';
export { createApiClient, type ApiClient, type ApiClientOptions } from './client/api';
export { redeemSignInLink } from './client/signIn';
