// Every default hookstep applies, in one place: where Temporal is, what a step does when a field is left out, and how
// large an input may be. Entry points, workflows and activities read these; none repeats a literal.

/** Where the worker and the clients find each other. */
export const DEFAULT_TASK_QUEUE = 'webhooks';
export const DEFAULT_NAMESPACE = 'default';
export const DEFAULT_TEMPORAL_ADDRESS = 'localhost:7233';

/** `hookstep dev`: the frontend port (the Web UI is on port + 1000) and where state survives a restart. */
export const DEV_SERVER_PORT = 7233;
export const DEV_UI_PORT_OFFSET = 1000;
export const DEV_STATE_DIR = '.hookstep';
export const DEV_DB_FILE = `${DEV_STATE_DIR}/temporal.db`;

/**
 * The longest workflow ID (and task queue, activity ID, ...) hookstep's servers accept: what Temporal's SQL
 * persistence stores (VARCHAR(255) in its PostgreSQL and MySQL schemas). The dev server gets the same limit
 * (`limit.maxIDLength`), so an ID that works in development works in production.
 */
export const MAX_ID_LENGTH = 255;

/** Deliveries in flight per worker: they wait on the network, not the CPU. */
export const DEFAULT_MAX_CONCURRENT_DELIVERIES = 1000;

/** A step's fields when left out. */
export const DEFAULT_METHOD = 'POST';
export const DEFAULT_TIMEOUT = '60s';
export const DEFAULT_RETRY = {
  initialInterval: '5s',
  backoffCoefficient: 2,
  maximumInterval: '1h',
  maximumAttempts: 10,
} as const;

/** Limits of a step. */
export const MAX_HEADERS = 64;
export const MAX_BODY_BYTES = 256 * 1024;
export const MAX_URL_LENGTH = 8 * 1024;
export const MAX_TIMEOUT_MS = 15 * 60_000;
export const MAX_STEPS = 100;

/** Event webhooks: Virto's limit on additional fields, and the HTTP API's port. */
export const MAX_ADDITIONAL_FIELDS = 10;

/**
 * A webhook is disabled after this many consecutive failed deliveries, unless its `disableAfter` says otherwise
 * (issue 20, item 4; Convoy and GrowthBook count failed deliveries the same way, Polar disables after 10).
 */
export const DEFAULT_DISABLE_AFTER = 5;
/** The most `disableAfter` may be: a count that high is no longer a health rule. */
export const MAX_DISABLE_AFTER = 1000;
export const DEFAULT_API_PORT = 8788;
/** The embedded registry (PGlite) of `hookstep dev`, beside the Temporal state. */
export const DEV_REGISTRY_DIR = `${DEV_STATE_DIR}/registry`;

/** The receiver kit (`hookstep/receiver`, `hookstep receive`): where handler runs go and how requests are bounded. */
export const DEFAULT_RECEIVER_TASK_QUEUE = 'webhook-handlers';
/** Its own port, beside every one `hookstep dev` (`npm start`) serves by default, so the two run side by side. */
export const DEFAULT_RECEIVER_PORT = 8789;
export const DEFAULT_RECEIVER_MAX_BODY_BYTES = 1024 * 1024;
/** Standard Webhooks' replay window, either side of the receiver's clock. */
export const DEFAULT_TIMESTAMP_TOLERANCE_SECONDS = 5 * 60;
/** A start that takes longer is answered 503, so the sender retries rather than waits out its own timeout. */
export const DEFAULT_RECEIVER_START_TIMEOUT_MS = 5_000;
/** Sent as Retry-After with a 503. */
export const DEFAULT_RECEIVER_RETRY_AFTER_SECONDS = 5;
