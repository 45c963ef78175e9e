// The Temporal server limits a hookstep run can reach, and hookstep's own budgets under them. Over most of these the
// server ends the run TERMINATED (no failure type, its result lost), so hookstep checks its budget first and fails
// with a failure type of its own. Pure and deterministic: the automation workflow measures with it.
import { utf8Length } from './limits';

/**
 * Temporal server 1.29 defaults (common/dynamicconfig/constants.go). Each is per namespace and may be lowered by an
 * operator; hookstep's budgets below assume the defaults.
 */
export const TEMPORAL_DEFAULTS = {
  /** `limit.blobSize.error`: one payload in one event (a result, an input, a marker); over it, TERMINATED. */
  blobSizeBytes: 2 * 1024 * 1024,
  /** `limit.historySize.error`: a run's whole history; over it, TERMINATED. */
  historySizeBytes: 50 * 1024 * 1024,
  /** `limit.historyCount.error`: events in a run's history; over it, TERMINATED. */
  historyCount: 50 * 1024,
  /** `limit.numPendingChildExecutions.error`: a StartChildWorkflowExecution over it fails the workflow task. */
  pendingChildren: 2000,
  /** `history.maximumSignalsPerExecution`: later signals are refused. */
  signalsPerRun: 10_000,
  /** gRPC's default receive size on the frontend: one workflow task's commands together. */
  grpcMessageBytes: 4 * 1024 * 1024,
  /** `frontend.searchAttributesSizeOfValueLimit` and `frontend.searchAttributesTotalSizeLimit`. */
  searchAttributeValueBytes: 2 * 1024,
  searchAttributesTotalBytes: 40 * 1024,
} as const;

/**
 * What the payload codec adds to a payload, rounded up: the inner Payload's metadata and length, the AES-GCM nonce and
 * tag (28), the envelope's metadata with the key id (114 bytes with a 1-character key id, 177 with a 64-character one,
 * measured in test/unit/temporalLimits.test.ts). The budgets keep far more than this in reserve.
 */
export const CODEC_OVERHEAD_BYTES = 1024;

/**
 * A step's result body and reply note (`reply`), encoded as JSON (UTF-8): 1.5 MiB. hookstep reads at most 1 MiB of a
 * reply; a JSON object within that always fits, and so does any reply kept whole (base64 takes 4 bytes for 3). One
 * that grows more when re-encoded (control characters kept in `reply.text` become `\u0001`, `1e20` becomes 21 digits)
 * may not, and fails ResultTooLarge. The result is then at most this plus ~100 bytes of status and attempts, so the
 * first attempt's marker and the run's result (two of them in one workflow task) fit a payload and a gRPC message.
 */
export const MAX_STEP_RESULT_BYTES = 1536 * 1024;

/**
 * An automation's outputs (its result's `steps`), encoded as JSON: 1.5 MiB, so its result (plus the codec) stays
 * under the 2 MiB payload limit and its `progress` query answer (the outputs plus the step list) under it too.
 */
export const MAX_AUTOMATION_OUTPUTS_BYTES = 1536 * 1024;

/**
 * The steps an automation starts, rendered (templates filled) and encoded as JSON, together: each is recorded in its
 * history. 16 MiB plus the outputs (1.5 MiB, and the 1.5 MiB step that went over), its input and result (2 MiB each)
 * and every event's own bytes (see MAX_AUTOMATION_EVENTS) stays under the 50 MiB history limit.
 */
export const MAX_AUTOMATION_RENDERED_BYTES = 16 * 1024 * 1024;

/**
 * One page of an event's subscribers, as the fan-out records it (a local activity's result): 512 KiB, so the page and
 * the child starts it leads to (one per subscriber, each carrying it) fit one payload and one gRPC message.
 */
export const MAX_SUBSCRIBER_PAGE_BYTES = 512 * 1024;

/**
 * The most events an automation's history can hold, so it never reaches `limit.historyCount.error`: 100 steps, each
 * a delay timer (5 events with its workflow task) and a child run (started, completed: 8 with their tasks) and 99
 * retry signals (4 each with their tasks), plus start and end.
 */
export function maxAutomationEvents(maxSteps: number, maxAttempts: number): number {
  const task = 3; // scheduled, started, completed
  const timer = 2 + task;
  const child = 1 + (1 + task) + (1 + task); // initiated, started, completed
  const signal = 1 + task;
  const perStep = timer + child + (maxAttempts - 1) * signal;
  // Started, the first task and its markers (validation, patches), the outcome's upsert, the end.
  return 10 + maxSteps * perStep;
}

/**
 * The UTF-8 bytes of `value` as JSON (what Temporal's JSON payload converter writes, before the codec). Deterministic,
 * with no TextEncoder: the workflows measure with it.
 */
export function jsonBytes(value: unknown): number {
  const text = JSON.stringify(value);
  return text === undefined ? 0 : utf8Length(text);
}

/** 1536 KiB, 2.05 MB: sizes in messages, in the unit a reader compares with the limit. */
export function formatBytes(bytes: number): string {
  return bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KiB` : `${(bytes / 1024 / 1024).toFixed(2)} MiB`;
}
