// The workflow code as the worker loads it: one bundle of workflows/ and the pure contract modules they import (no
// schema library: steps are validated in activities).
import { bundleWorkflowCode } from '@temporalio/worker';

/** Every workflow type the worker registers (workflows/index.ts). */
export const WORKFLOWS_PATH = require.resolve('../../workflows');
/** The payload converter every hookstep worker and its bundle use (payloadConverter.ts). */
export const PAYLOAD_CONVERTER_PATH = require.resolve('./payloadConverter');

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
  return bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, payloadConverterPath: PAYLOAD_CONVERTER_PATH, logger });
}
