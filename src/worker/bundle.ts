// The workflow code as the worker loads it: one bundle of workflows/ and the pure contract modules they import (no
// schema library: steps are validated in activities).
import { bundleWorkflowCode } from '@temporalio/worker';

/** Every workflow type the worker registers (workflows/index.ts). */
export const WORKFLOWS_PATH = require.resolve('../../workflows');
/** The payload converter every hookstep worker and its bundle use (payloadConverter.ts). */
export const PAYLOAD_CONVERTER_PATH = require.resolve('./payloadConverter');

/**
 * hookstep's workflow modules are evaluated once per worker thread, into the SDK's shared module cache, instead of
 * once per cached run: that was ~34 KB of a run's ~124 KB of JS heap (21 modules), measured with
 * bench/runsInFlight.ts --snapshot and bench/heapDiff.ts. Safe because workflows/ and the contract modules it imports
 * keep no per-run state at module scope (constants, pure functions, activity proxies and message definitions, which
 * the SDK resolves against the current run when called); the SDK deep-freezes what they export.
 */
export const WORKFLOW_BUNDLER_OPTIONS = { preloadModules: [WORKFLOWS_PATH] };

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
export function bundleWorkflows(logger?: BundleLogger) {
  return bundleWorkflowCode({
    workflowsPath: WORKFLOWS_PATH,
    payloadConverterPath: PAYLOAD_CONVERTER_PATH,
    ...WORKFLOW_BUNDLER_OPTIONS,
    logger,
  });
}
