// The workflow code as the worker loads it: one bundle, with zod evaluated once per worker rather than per run.
import { bundleWorkflowCode } from '@temporalio/worker';

/** Every workflow type the worker registers (workflows/index.ts). */
export const WORKFLOWS_PATH = require.resolve('../../workflows');

/**
 * Evaluated once per worker instead of once per workflow run: the reusable V8 context gives each run fresh module
 * state, so without this every run rebuilds zod (1.21× completions/s, bench/LEVERS.md). zod only: hookstep's own
 * schemas cannot be shared, as the SDK freezes preloaded modules and zod schemas fill in lazy properties.
 */
export const PRELOADED_WORKFLOW_MODULES = ['zod'];

type BundleLogger = NonNullable<Parameters<typeof bundleWorkflowCode>[0]['logger']>;

const noop = () => undefined;
/** Bundling logs webpack's progress at info; tests and the bench want errors only. */
export const QUIET_LOGGER: BundleLogger = {
  log: noop,
  trace: noop,
  debug: noop,
  info: noop,
  warn: noop,
  error: console.error,
};

/** The workflow bundle for tests, the bench and deployments that bundle ahead of start-up. */
export function bundleWorkflows(logger?: BundleLogger, preloadModules = PRELOADED_WORKFLOW_MODULES) {
  return bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, preloadModules, logger });
}
