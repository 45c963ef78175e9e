// The package entry: the step contract, client helpers, worker and dev server.
export * from './step';
export * from './duration';
export * from './failures';
export { resolveRetry } from './retry';
export { startSendWebhook, sendWebhook, InvalidInputError, type StartOptions } from './client';
export { createWorker, DEFAULT_TASK_QUEUE, type CreateWorkerOptions, type HookstepWorker } from './worker';
export { startDevServer, findTemporalCli, type DevServer, type DevServerOptions } from './devServer';
export { loadConfig, ConfigError, type Config } from './config';
export { VERSION } from './version';
export * from './automation';
export { startAutomation, runAutomation, checkAutomation } from './client';
export { jsonSchema, SCHEMA_NAMES, type SchemaName } from './schema';
export type { TemplateContext, StepOutput } from './templates';
export type { AutomationProgress, AutomationResult, StepProgress, StepState } from '../workflows/automation';
