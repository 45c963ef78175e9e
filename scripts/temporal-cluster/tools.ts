// The programs the cluster runs: the Temporal server and temporal-sql-tool, built once from the Go module proxy when
// missing (go.temporal.io/server has no replace directive, so `go install ...@version` works), the PostgreSQL schemas
// that ship inside that module, and PostgreSQL's own initdb and pg_ctl.
import { execFile } from 'node:child_process';
import { accessSync, constants, existsSync, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { SERVER_MODULE, TEMPORAL_SERVER_VERSION } from './settings';

const execFileAsync = promisify(execFile);

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  /** Run as this user (through runuser): PostgreSQL refuses to run as root. */
  asUser?: string;
  timeoutMs?: number;
}

/** Runs a program to completion; a failure says which command and ends with the tail of what it printed. */
export async function run(file: string, args: string[], options: RunOptions = {}): Promise<string> {
  const [cmd, argv] = options.asUser ? ['runuser', ['-u', options.asUser, '--', file, ...args]] : [file, args];
  try {
    const { stdout } = await execFileAsync(cmd, argv, {
      env: { ...process.env, ...options.env },
      maxBuffer: 64 * 2 ** 20,
      timeout: options.timeoutMs ?? 300_000,
      encoding: 'utf8',
    });
    return stdout;
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    const output = `${e.stdout ?? ''}${e.stderr ?? ''}`.trim().split('\n').slice(-15).join('\n');
    throw new Error(`${[cmd, ...argv].join(' ')} failed: ${e.message.split('\n')[0]}\n${output}`, { cause: err });
  }
}

export interface PostgresTools {
  initdb: string;
  pgCtl: string;
}

export interface Tools extends PostgresTools {
  server: string;
  sqlTool: string;
  /** schema/postgresql/v12 inside the server module. */
  schemaDir: string;
}

/** Finds every tool, building the server and the SQL tool first when they are missing or another version. */
export async function ensureTools(log: (line: string) => void): Promise<Tools> {
  const go = await goEnv();
  const server = join(go.bin, 'server');
  const sqlTool = join(go.bin, 'sql');
  const wanted = [
    [server, 'temporal version'],
    [sqlTool, 'temporal-sql-tool version'],
  ];
  const stale = await Promise.all(
    wanted.map(([bin, prefix]) => versionIs(bin, `${prefix} ${TEMPORAL_SERVER_VERSION}`)),
  );
  if (stale.includes(false)) {
    log(
      `building the Temporal server and temporal-sql-tool ${TEMPORAL_SERVER_VERSION} with go install (minutes, once)`,
    );
    const version = `v${TEMPORAL_SERVER_VERSION}`;
    await run(
      'go',
      ['install', `${SERVER_MODULE}/cmd/server@${version}`, `${SERVER_MODULE}/cmd/tools/sql@${version}`],
      // Pure Go builds need no C toolchain; GOBIN is where we look for the result.
      { env: { CGO_ENABLED: '0', GOBIN: go.bin }, timeoutMs: 30 * 60_000 },
    );
  }
  const schemaDir = join(go.modCache, `${SERVER_MODULE}@v${TEMPORAL_SERVER_VERSION}`, 'schema', 'postgresql', 'v12');
  if (!existsSync(schemaDir)) {
    await run('go', ['mod', 'download', `${SERVER_MODULE}@v${TEMPORAL_SERVER_VERSION}`], { timeoutMs: 30 * 60_000 });
  }
  return { server, sqlTool, schemaDir, ...findPostgres() };
}

async function goEnv(): Promise<{ bin: string; modCache: string }> {
  let out: string;
  try {
    out = await run('go', ['env', 'GOBIN', 'GOPATH', 'GOMODCACHE']);
  } catch (err) {
    throw new Error(
      `Go is needed to build the Temporal server ${TEMPORAL_SERVER_VERSION} and read its schemas, and \`go env\` ` +
        'failed: install Go 1.25 or newer (https://go.dev/dl/)',
      { cause: err },
    );
  }
  // One line per variable, in order; an unset GOBIN is an empty first line.
  const [gobin, gopath, modCache] = out.split('\n');
  return { bin: gobin || join(gopath.split(delimiter)[0], 'bin'), modCache };
}

async function versionIs(bin: string, expected: string): Promise<boolean> {
  if (!isExecutable(bin)) return false;
  return (await run(bin, ['--version']).catch(() => '')).trim() === expected;
}

/** initdb and pg_ctl on PATH, else in Debian's versioned directory (its package puts only wrappers on PATH). */
export function findPostgres(): PostgresTools {
  const dirs = (process.env.PATH ?? '').split(delimiter).filter(Boolean);
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const versions = readdirSync(debian).sort((a, b) => Number(b) - Number(a));
    dirs.push(...versions.map((v) => join(debian, v, 'bin')));
  }
  const dir = dirs.find((d) => isExecutable(join(d, 'initdb')) && isExecutable(join(d, 'pg_ctl')));
  if (!dir) {
    throw new Error(
      'PostgreSQL is not installed: initdb and pg_ctl were found neither on PATH nor under /usr/lib/postgresql; ' +
        'install it (Debian: apt-get install postgresql)',
    );
  }
  return { initdb: join(dir, 'initdb'), pgCtl: join(dir, 'pg_ctl') };
}

export function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
