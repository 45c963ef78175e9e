// `hookstep/worker`: the worker with its activities and HTTP pool, the workflow bundle, the embedded dev server and
// the environment it is configured from. Import it where steps are run, not where they are started.
export { ALLOCATOR_ENV } from './allocator';
export { bundleWorkflows, QUIET_LOGGER, WORKFLOWS_PATH } from './bundle';
export { ConfigError, EnvSchema, loadConfig, type Cidr, type Config } from './config';
export {
  DEV_SERVER_DYNAMIC_CONFIG,
  DEV_SERVER_ONLY_DYNAMIC_CONFIG,
  DEV_SERVER_SQLITE_PRAGMAS,
  findTemporalCli,
  startDevServer,
  type DevServer,
  type DevServerOptions,
} from './devServer';
export { ClassifiedFailuresAtDebug, installRuntime, type RuntimeOptions } from './runtime';
export { createWorker, type CreateWorkerOptions, type HookstepWorker } from './worker';
