// Every workflow type the hookstep worker registers; the exported names are the workflow types.
export { sendWebhook } from './sendWebhook';
export { automation } from './automation';
export { eventFanOut } from './eventFanOut';
export { eventDelivery } from './eventDelivery';
