// The embedded Temporal server: the temporal CLI's dev server (one process, SQLite, Web UI). The binary is looked
// up locally first, and built with Go when missing, since machines without internet cannot use the SDK's download.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import {
  DEFAULT_NAMESPACE,
  DEV_UI_PORT_OFFSET,
  MAX_ID_LENGTH,
  SEARCH_ATTRIBUTES,
  TemporalCliUnavailableError,
} from '../contract';
import { INSTALL_HINT, ensureTemporalCli } from './temporalCli';

export { findTemporalCli } from './temporalCli';

export interface DevServerOptions {
  /** SQLite file to keep state in across restarts; in memory when absent. */
  dbFilename?: string;
  port?: number;
  /** Serve the Web UI on this port (the CLI's default is port + DEV_UI_PORT_OFFSET). */
  uiPort?: number;
  ui?: boolean;
  namespace?: string;
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  /** The Web UI decodes payloads through this codec server endpoint (the token may be its first path segment). */
  uiCodecEndpoint?: string;
  /** Server dynamic config, on top of DEV_SERVER_DYNAMIC_CONFIG and DEV_SERVER_ONLY_DYNAMIC_CONFIG. */
  dynamicConfig?: Record<string, string | number | boolean>;
  /** SQLite pragmas of the file-backed server, on top of DEV_SERVER_SQLITE_PRAGMAS; ignored in memory. */
  sqlitePragmas?: Record<string, string>;
}

/**
 * Server settings of hookstep's dev server, and of `scripts/cluster` and compose, which share them
 * (scripts/temporal-cluster/settings.ts); `npm run bench -- --levers` measures the first two (bench/LEVERS.md).
 * - Eager activity dispatch: the delivery activity comes back with the workflow task's completion, so it starts
 *   without a trip through matching (the server's default is off).
 * - The CLI refreshes the search-attribute cache on every read so new attributes show at once; hookstep registers
 *   its own at start-up, and the refresh costs a persistence read per workflow.
 * - The history service loads new transfer tasks (a workflow task to dispatch) at most 20 times a second per shard
 *   by default, and the dev server has one shard: a run waits up to 50 ms per workflow task for its turn, which is
 *   the ~100 ms one-at-a-time floor every SDK saw (Go included). A production server spreads runs over hundreds of
 *   shards, so it rarely waits; here the limit is raised. The timer queue (delays, backoff) has the same limit.
 * - IDs as long as PostgreSQL stores (MAX_ID_LENGTH): the server's default, 1,000, lets a start through that the
 *   database then refuses with an internal error.
 */
export const DEV_SERVER_DYNAMIC_CONFIG: Readonly<Record<string, string | number | boolean>> = {
  'system.enableActivityEagerExecution': true,
  'system.forceSearchAttributesCacheRefreshOnRead': false,
  'history.transferProcessorMaxPollRPS': 1000,
  'history.timerProcessorMaxPollRPS': 1000,
  'limit.maxIDLength': MAX_ID_LENGTH,
};

/**
 * Settings of the dev server alone; the cluster and compose keep the server's defaults (scripts/temporal-cluster).
 * - New tasks go to one partition of their task queue instead of 4. With 4, a task written to a partition no poller
 *   waits on is forwarded to the root partition, at most 10 a second per partition
 *   (matching.forwarderMaxRatePerSecond); a task that misses is stored in its partition's backlog, and the backlog's
 *   forward holds it at the root for up to 2 s while a poller may be waiting on the task's own partition
 *   (MustOffer in the server's service/matching/matcher.go). Steps one at a time, ~10 ms each, need more than 10
 *   forwards a second: about 1 in 100 waited 2 s between WorkflowTaskScheduled and WorkflowTaskStarted
 *   (`npx tsx bench/stall.ts`). With one write partition nothing is forwarded. All 4 are still read, so tasks an
 *   older hookstep left in a database file's other partitions are still delivered (reading fewer partitions than
 *   were written strands their backlog). Partitions spread a task queue over matching hosts; the dev server is
 *   one process, so they buy nothing there.
 */
export const DEV_SERVER_ONLY_DYNAMIC_CONFIG: Readonly<Record<string, string | number | boolean>> = {
  'matching.numTaskqueueWritePartitions': 1,
};

/**
 * SQLite pragmas of the file-backed dev server (`hookstep dev`'s default), which ran at 0.39x the in-memory one.
 * - WAL with synchronous=NORMAL: SQLite's defaults (a rollback journal, synchronous=FULL) sync the disk several times
 *   per commit, and the server commits several times per step. In WAL mode a commit appends to the log without a
 *   sync; the log is synced at checkpoints. A crash of the server process loses nothing (what was committed is in
 *   the operating system's cache); a crash of the machine can lose the last commits, never the database's
 *   consistency (https://www.sqlite.org/wal.html, `synchronous` in https://www.sqlite.org/pragma.html).
 * - locking_mode=EXCLUSIVE and a 64 MiB page cache: the server uses one connection, so it may keep the file's lock
 *   and its cache between transactions instead of taking the lock and checking the log's index (a shared-memory
 *   file) at each. In `npx tsx bench/stall.ts` runs minutes apart (load 9-12), a burst went from 82/s to 112/s with
 *   the lock kept, 91/s with the cache, 278/s with both (in-memory: 312/s in a quieter run). A second process
 *   cannot open the file while the server runs: it gets "database is locked".
 */
export const DEV_SERVER_SQLITE_PRAGMAS: Readonly<Record<string, string>> = {
  journal_mode: 'WAL',
  synchronous: 'NORMAL',
  locking_mode: 'EXCLUSIVE',
  cache_size: '-65536',
};

export interface DevServer {
  /** host:port for Temporal clients and workers. */
  address: string;
  uiUrl?: string;
  env: TestWorkflowEnvironment;
  stop(): Promise<void>;
}

/**
 * Starts the dev server with the temporal CLI found or built by ensureTemporalCli. Throws
 * TemporalCliUnavailableError, naming what to install, when there is no CLI, no Go, and the SDK's download failed.
 */
export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  const cli = await ensureTemporalCli();
  if (options.dbFilename) mkdirSync(dirname(options.dbFilename), { recursive: true });
  const ui = options.ui ?? options.uiPort !== undefined;
  // Loaded here, not at the top: a worker that never runs a dev server never loads the testing package.
  const { TestWorkflowEnvironment } = await import('@temporalio/testing');
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      // Without a local binary, the SDK downloads one: that serves users who have internet.
      executable: cli ? { type: 'existing-path', path: cli } : undefined,
      ip: '127.0.0.1',
      port: options.port,
      ui,
      uiPort: options.uiPort,
      dbFilename: options.dbFilename,
      namespace: options.namespace ?? DEFAULT_NAMESPACE,
      // hookstep's search attributes exist from the start, so runs can set them and operators list by them.
      searchAttributes: [...SEARCH_ATTRIBUTES],
      log: { format: 'pretty', level: options.logLevel ?? 'warn' },
      extraArgs: [
        ...Object.entries({
          ...DEV_SERVER_DYNAMIC_CONFIG,
          ...DEV_SERVER_ONLY_DYNAMIC_CONFIG,
          ...options.dynamicConfig,
        }).flatMap(([k, v]) => ['--dynamic-config-value', `${k}=${JSON.stringify(v)}`]),
        ...(options.dbFilename
          ? Object.entries({ ...DEV_SERVER_SQLITE_PRAGMAS, ...options.sqlitePragmas }).flatMap(([k, v]) => [
              '--sqlite-pragma',
              `${k}=${v}`,
            ])
          : []),
        ...(options.uiCodecEndpoint ? ['--ui-codec-endpoint', options.uiCodecEndpoint] : []),
      ],
    },
  }).catch((err: unknown) => {
    if (cli) throw err;
    const why = err instanceof Error ? (err.message.split('\n')[0] ?? '') : String(err);
    throw new TemporalCliUnavailableError(
      `no temporal CLI on this machine, no Go to build it, and the Temporal SDK could not download it (${why}): ` +
        INSTALL_HINT,
      { cause: err },
    );
  });
  const [host, port] = splitAddress(env.address);
  return {
    address: env.address,
    uiUrl: ui ? `http://${host}:${options.uiPort ?? port + DEV_UI_PORT_OFFSET}` : undefined,
    env,
    stop: () => env.teardown(),
  };
}

function splitAddress(address: string): [string, number] {
  const i = address.lastIndexOf(':');
  return [address.slice(0, i), Number(address.slice(i + 1))];
}
