// `hookstep/api`: the HTTP API of event webhooks, and publishing an event from TypeScript with a registry at hand.
export { createApi, type ApiOptions } from './server';
export { fanOutWorkflowId, publishEvent } from './publish';
export { PAGE_PATH } from './page';
