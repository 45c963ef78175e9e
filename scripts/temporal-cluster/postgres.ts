// A throwaway PostgreSQL cluster for Temporal, in a directory of its own: password auth over TCP on 127.0.0.1 as in
// production, no Unix socket, durable (fsync stays on). PostgreSQL refuses to run as root, so as root it runs as the
// `postgres` user, which owns the directory.
import { chownSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { run, type PostgresTools as Tools } from './tools';

export interface Postgres {
  /** Owned by the user PostgreSQL runs as; holds data/ and postgres.log. */
  home: string;
  port: number;
  user: string;
  password: string;
  /** Set when we are root. */
  runAs?: string;
}

const dataDir = (pg: Postgres) => join(pg.home, 'data');
const logFile = (pg: Postgres) => join(pg.home, 'postgres.log');

/** Creates the data directory once; a directory that already holds a cluster is kept. */
export async function initPostgres(tools: Tools, pg: Postgres): Promise<void> {
  if (existsSync(join(dataDir(pg), 'PG_VERSION'))) return;
  mkdirSync(pg.home, { recursive: true });
  if (pg.runAs) {
    const ids = await Promise.all(['-u', '-g'].map((flag) => run('id', [flag, pg.runAs!]))).catch((err: unknown) => {
      throw new Error(
        `PostgreSQL refuses to run as root and there is no ${pg.runAs} user to run it as: install Debian's ` +
          `postgresql package (it creates one) or create it (useradd --system ${pg.runAs})`,
        { cause: err },
      );
    });
    chownSync(pg.home, Number(ids[0]), Number(ids[1]));
    // Every directory above must be searchable by that user, which a home directory (/root) often is not.
    await run('test', ['-w', pg.home], { asUser: pg.runAs }).catch((err: unknown) => {
      throw new Error(
        `PostgreSQL runs as the ${pg.runAs} user, who cannot write ${pg.home}: set HOOKSTEP_CLUSTER_DIR to a ` +
          `directory that user can reach (e.g. under /tmp)`,
        { cause: err },
      );
    });
  }
  const pwfile = join(pg.home, 'pwfile');
  writeFileSync(pwfile, `${pg.password}\n`, { mode: 0o600 });
  if (pg.runAs) chownSync(pwfile, ...(await ownerOf(pg.home)));
  try {
    await run(
      tools.initdb,
      ['-D', dataDir(pg), '-U', pg.user, '--pwfile', pwfile, '--auth-host=scram-sha-256', '--auth-local=peer'],
      { asUser: pg.runAs, env: { LC_ALL: 'C.UTF-8' } },
    );
  } finally {
    rmSync(pwfile, { force: true });
  }
  // Temporal opens a pool per service (four in one process), each up to maxConns: the default 100 is too few.
  appendFileSync(
    join(dataDir(pg), 'postgresql.conf'),
    "\n# scripts/cluster\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = ''\nmax_connections = 200\n",
  );
}

async function ownerOf(path: string): Promise<[number, number]> {
  const [uid, gid] = (await run('stat', ['-c', '%u %g', path])).trim().split(' ').map(Number);
  return [uid, gid];
}

export async function startPostgres(tools: Tools, pg: Postgres): Promise<void> {
  if (await postgresRunning(tools, pg)) return;
  await run(tools.pgCtl, ['-D', dataDir(pg), '-l', logFile(pg), '-o', `-p ${pg.port}`, '-w', '-t', '60', 'start'], {
    asUser: pg.runAs,
  }).catch((err: unknown) => {
    throw new Error(`PostgreSQL did not start; its log ${logFile(pg)} ends:\n${tail(logFile(pg))}`, { cause: err });
  });
}

/** `fast` disconnects clients and shuts down cleanly; `immediate` aborts as a crash would (recovery on start). */
export async function stopPostgres(tools: Tools, pg: Postgres, mode: 'fast' | 'immediate' = 'fast'): Promise<void> {
  if (!(await postgresRunning(tools, pg))) return;
  await run(tools.pgCtl, ['-D', dataDir(pg), '-m', mode, '-w', '-t', '60', 'stop'], { asUser: pg.runAs });
}

export async function postgresRunning(tools: Tools, pg: Postgres): Promise<boolean> {
  if (!existsSync(join(dataDir(pg), 'PG_VERSION'))) return false;
  // pg_ctl status exits 3 when no server runs, 4 without a data directory.
  return run(tools.pgCtl, ['-D', dataDir(pg), 'status'], { asUser: pg.runAs }).then(
    () => true,
    () => false,
  );
}

/** The postmaster's process id, from its lock file; undefined when it is not running. */
export function postmasterPid(pg: Postgres): number | undefined {
  try {
    return Number(readFileSync(join(dataDir(pg), 'postmaster.pid'), 'utf8').split('\n')[0]) || undefined;
  } catch {
    return undefined;
  }
}

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').slice(-10).join('\n');
  } catch {
    return '(no log)';
  }
}
