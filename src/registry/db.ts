// The registry's database: PGlite (PostgreSQL compiled to WASM, in this process, nothing to install) by default, a
// PostgreSQL server through `pg` when a URL is given. One SQL dialect for both; callers see only `query` and
// `transaction`. JSON goes in as text cast to jsonb, since pg would send a JS array as a PostgreSQL array.
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { createHash } from 'node:crypto';
import type { PGlite } from '@electric-sql/pglite';
import type { Pool, PoolClient } from 'pg';

export interface Db {
  query<T>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Runs `fn` in one transaction; a throw rolls it back. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  /**
   * Calls `onNotify` on each NOTIFY of `channel` (sent in a transaction: on its commit); returns how to stop. A
   * notification may be missed (a dropped connection): listeners poll as well, and this only wakes them sooner.
   */
  listen(channel: string, onNotify: () => void): Promise<() => Promise<void>>;
  /** "PGlite in memory", "PGlite at .hookstep/registry", "PostgreSQL at host:port/db": never a password. */
  readonly description: string;
  /** Whether the database vacuums itself: a PostgreSQL server does; PGlite, in single-user mode, does not (vacuum.ts). */
  readonly autovacuum: boolean;
}

export type Queryable = Pick<Db, 'query'>;

/**
 * A query on a registry after its close(): final, unlike a failed connection, which the next query replaces. Whoever
 * polls the registry (the event dispatcher) stops on it instead of trying again forever.
 */
export class RegistryClosedError extends Error {
  override name = 'RegistryClosedError';
  constructor() {
    super('the registry was closed');
  }
}

export type DbOptions = { url: string } | { dataDir: string } | { memory: true };

export async function openDb(options: DbOptions): Promise<Db> {
  if ('url' in options) return openPostgres(options.url);
  return openPglite('dataDir' in options ? options.dataDir : undefined);
}

async function openPostgres(url: string): Promise<Db> {
  const { Pool } = await import('pg');
  const pool: Pool = new Pool({ connectionString: url, max: 10 });
  // An idle connection that dies (the server restarted, the backend terminated) is an 'error' of the pool, which would
  // end the process without a listener (node-postgres #1324, #2780): it is reported, and the next query connects anew.
  pool.on('error', (err) => {
    process.stderr.write(
      `hookstep: a registry connection failed while idle; the next query reconnects: ${err.message}\n`,
    );
  });
  const where = new URL(url);
  return {
    ...onPool(pool),
    description: `PostgreSQL at ${where.host}${where.pathname}`,
    autovacuum: true,
    listen: (channel, onNotify) => listenPostgres(pool, channel, onNotify),
    close: () => pool.end(),
  };
}

/**
 * `query` and `transaction` on a `pg` pool, for both databases. A statement with parameters is a named prepared
 * statement (named by its text's hash), so each connection parses and plans it once and then only binds and runs it:
 * on PGlite the event path's statements then cost 2.5x less CPU (bench/statements.ts: 1.9 ms a delivery against 4.8,
 * one at a time), and a PostgreSQL server saves the same planning. Statements without parameters (migrations' DDL, a
 * few reads) are not kept. A statement a migration made stale is prepared again (stalePlan). Named statements need a
 * session per connection: a PgBouncer in front must run in session mode, or keep prepared statements
 * (max_prepared_statements, 1.21 and on).
 */
function onPool(pool: Pool): Pick<Db, 'query' | 'transaction'> {
  const run = async <T>(client: PoolClient, sql: string, params: unknown[] | undefined, inTx: boolean) => {
    if (!params?.length) return (await client.query(sql)).rows as T[];
    try {
      return (await client.query({ name: statementName(sql), text: sql, values: params })).rows as T[];
    } catch (err) {
      if (!stalePlan(err)) throw err;
      // A migration changed what the statement returns, or the session lost it: prepared afresh under a new name,
      // at once (nothing ran), or by the transaction's caller trying again (an error ends a transaction).
      names.delete(sql);
      generation += 1;
      if (inTx) throw err;
      return (await client.query({ name: statementName(sql), text: sql, values: params })).rows as T[];
    }
  };
  // A client is checked out and given back by hand, not with pool.query: that drops the connection on any SQL error
  // (a conflict the caller expects included), and with it the connection's prepared statements; a broken connection
  // is dropped by the pool all the same. On PGlite, whose adapter has one shared connection, a dropped client's end
  // would also reach the client that replaces it ("Connection terminated unexpectedly").
  // While checked out, a client whose connection dies (the server restarted, the backend terminated) emits 'error'
  // besides failing its query; with no listener that would end the process (node-postgres #1324, #3083). The query's
  // own rejection reports it, and the pool drops the broken client when it is given back.
  const withClient = async <T>(fn: (client: PoolClient) => Promise<T>): Promise<T> => {
    // pg's own error here ("Cannot use a pool after calling end on the pool") reads like any failed connection.
    if (pool.ending) throw new RegistryClosedError();
    const client = await pool.connect();
    const reported = () => undefined;
    client.on('error', reported);
    try {
      return await fn(client);
    } finally {
      client.off('error', reported);
      client.release();
    }
  };
  return {
    query: (sql, params) => withClient((client) => run(client, sql, params, false)),
    transaction: (fn) =>
      withClient(async (client) => {
        await client.query('begin');
        try {
          const result = await fn({ query: (sql, params) => run(client, sql, params, true) });
          await client.query('commit');
          return result;
        } catch (err) {
          await client.query('rollback');
          throw err;
        }
      }),
  };
}

/**
 * A prepared statement that can no longer run as prepared: "cached plan must not change result type" (a table it reads
 * was altered, e.g. by a newer release's migration while this process runs) or "prepared statement does not exist"
 * (a pooler gave the connection another session). `pg` keeps such a statement, so every later call would fail too.
 */
function stalePlan(err: unknown): boolean {
  const { code, routine } = (err ?? {}) as { code?: string; routine?: string };
  return code === '26000' || (code === '0A000' && routine === 'RevalidateCachedQuery');
}

/** A prepared statement's name: its text's hash, so one text has one name on every connection, for the pool's life. */
function statementName(sql: string): string {
  let name = names.get(sql);
  if (!name) {
    name = `hs_${createHash('sha1').update(sql).digest('hex').slice(0, 20)}_${generation}`;
    names.set(sql, name);
  }
  return name;
}
const names = new Map<string, string>();
/** Bumped when a statement went stale, so the text is prepared again under a name no connection knows yet. */
let generation = 0;

/** A connection of the pool kept for LISTEN; a dropped one is only logged: the listener's poll goes on. */
async function listenPostgres(pool: Pool, channel: string, onNotify: () => void): Promise<() => Promise<void>> {
  const client = await pool.connect();
  client.on('notification', (n) => {
    if (n.channel === channel) onNotify();
  });
  client.on('error', (err) => {
    process.stderr.write(`hookstep: the registry's notification connection failed: ${err.message}\n`);
  });
  await client.query(`listen ${quoted(channel)}`);
  return async () => {
    await client.query(`unlisten ${quoted(channel)}`).catch(() => undefined);
    client.release();
  };
}

const quoted = (channel: string) => `"${channel.replace(/"/g, '')}"`;

/**
 * PGlite through `pg` as well (PGlite's own node-postgres adapter, one connection: PGlite is one session), so both
 * databases run the same client code and the same prepared statements. PGlite's session hears its own NOTIFYs, which
 * it hands to every `onNotification` callback; LISTEN goes through the pool like any statement, so nothing reaches
 * PGlite beside the pool's one connection.
 */
async function openPglite(dataDir: string | undefined): Promise<Db> {
  const [{ PGlite }, { createPgConfig }, { Pool }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('@electric-sql/pglite/node-postgres'),
    import('pg'),
  ]);
  const unlock = dataDir ? lockDataDir(dataDir) : () => undefined;
  const db: PGlite = await PGlite.create(dataDir);
  // One connection, never closed while the registry is open: its session holds the prepared statements.
  const pool: Pool = new Pool({ ...createPgConfig(db), max: 1, idleTimeoutMillis: 0 });
  const onOne = onPool(pool);
  return {
    ...onOne,
    description: dataDir ? `PGlite at ${dataDir}` : 'PGlite in memory',
    autovacuum: false,
    async listen(channel, onNotify) {
      const stop = db.onNotification((heard) => {
        if (heard === channel) onNotify();
      });
      await onOne.query(`listen ${quoted(channel)}`);
      return async () => {
        stop();
        await onOne.query(`unlisten ${quoted(channel)}`).catch(() => undefined);
      };
    },
    async close() {
      await pool.end();
      await db.close();
      unlock();
    },
  };
}

/**
 * PGlite serves one process: a second process on the same directory would corrupt it. A lock file with the owner's
 * pid refuses that, naming the way out; a lock left by a process that died is taken over.
 */
function lockDataDir(dataDir: string): () => void {
  const lock = `${dataDir}.lock`;
  mkdirSync(dirname(lock), { recursive: true });
  try {
    closeSync(openSync(lock, 'wx'));
  } catch {
    const owner = Number(readFileSync(lock, 'utf8'));
    if (owner && owner !== process.pid && alive(owner)) {
      throw new Error(
        `the embedded registry ${dataDir} is open in process ${owner}; run the API and the worker in one process ` +
          '(hookstep dev) or give both HOOKSTEP_DATABASE_URL (PostgreSQL)',
      );
    }
  }
  writeFileSync(lock, String(process.pid));
  return () => rmSync(lock, { force: true });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
