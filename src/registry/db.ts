// The registry's database: PGlite (PostgreSQL compiled to WASM, in this process, nothing to install) by default, a
// PostgreSQL server through `pg` when a URL is given. One SQL dialect for both; callers see only `query` and
// `transaction`. JSON goes in as text cast to jsonb, since pg would send a JS array as a PostgreSQL array.
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { PGlite, Transaction } from '@electric-sql/pglite';
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
}

export type Queryable = Pick<Db, 'query'>;

export type DbOptions = { url: string } | { dataDir: string } | { memory: true };

export async function openDb(options: DbOptions): Promise<Db> {
  if ('url' in options) return openPostgres(options.url);
  return openPglite('dataDir' in options ? options.dataDir : undefined);
}

async function openPostgres(url: string): Promise<Db> {
  const { Pool } = await import('pg');
  const pool: Pool = new Pool({ connectionString: url, max: 10 });
  const run = async <T>(client: Pool | PoolClient, sql: string, params?: unknown[]) =>
    (await client.query(sql, params)).rows as T[];
  const where = new URL(url);
  return {
    description: `PostgreSQL at ${where.host}${where.pathname}`,
    query: (sql, params) => run(pool, sql, params),
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('begin');
        const result = await fn({ query: (sql, params) => run(client, sql, params) });
        await client.query('commit');
        return result;
      } catch (err) {
        await client.query('rollback');
        throw err;
      } finally {
        client.release();
      }
    },
    listen: (channel, onNotify) => listenPostgres(pool, channel, onNotify),
    close: () => pool.end(),
  };
}

/** A connection of the pool kept for LISTEN; a dropped one is only logged: the listener's poll goes on. */
async function listenPostgres(pool: Pool, channel: string, onNotify: () => void): Promise<() => Promise<void>> {
  const client = await pool.connect();
  client.on('notification', (n) => {
    if (n.channel === channel) onNotify();
  });
  client.on('error', (err) => {
    process.stderr.write(`hookstep: the registry's notification connection failed: ${err.message}\n`);
  });
  await client.query(`listen "${channel.replace(/"/g, '')}"`);
  return async () => {
    await client.query(`unlisten "${channel.replace(/"/g, '')}"`).catch(() => undefined);
    client.release();
  };
}

async function openPglite(dataDir: string | undefined): Promise<Db> {
  const { PGlite } = await import('@electric-sql/pglite');
  const unlock = dataDir ? lockDataDir(dataDir) : () => undefined;
  const db: PGlite = await PGlite.create(dataDir);
  const run = async <T>(client: PGlite | Transaction, sql: string, params?: unknown[]) =>
    (await client.query<T>(sql, params)).rows;
  return {
    description: dataDir ? `PGlite at ${dataDir}` : 'PGlite in memory',
    query: (sql, params) => run(db, sql, params),
    transaction: (fn) => db.transaction((tx) => fn({ query: (sql, params) => run(tx, sql, params) })),
    async listen(channel, onNotify) {
      const stop = await db.listen(channel, () => onNotify());
      return async () => stop();
    },
    async close() {
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
