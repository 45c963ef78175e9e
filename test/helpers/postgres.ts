// A throwaway PostgreSQL server for the registry's tests: Debian's PostgreSQL binaries, a data directory in tmp, a
// free port on 127.0.0.1. PostgreSQL refuses to run as root, so as root it runs as the `postgres` user.
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { findPostgres } from '../../scripts/temporal-cluster/tools';
import { freePort } from './ports';

export interface TestPostgres {
  /** postgres://hookstep@127.0.0.1:<port>/postgres */
  url: string;
  stop(): void;
}

/** Undefined when no PostgreSQL is installed here (CI installs it; see .ci/run). */
export async function startPostgres(): Promise<TestPostgres | undefined> {
  let tools: { initdb: string; pgCtl: string };
  try {
    tools = findPostgres();
  } catch {
    return undefined;
  }
  const dir = mkdtempSync(join(tmpdir(), 'hookstep-pg-'));
  const asRoot = userInfo().uid === 0;
  if (asRoot) chownSync(dir, uidOf('postgres'), gidOf('postgres'));
  const run = (cmd: string, args: string[]) =>
    execFileSync(asRoot ? 'runuser' : cmd, asRoot ? ['-u', 'postgres', '--', cmd, ...args] : args, { stdio: 'pipe' });
  const port = await freePort();
  run(tools.initdb, ['-D', join(dir, 'data'), '-A', 'trust', '-U', 'hookstep', '--no-sync']);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
  run(tools.pgCtl, ['-D', join(dir, 'data'), '-o', options, '-l', join(dir, 'log'), '-w', 'start']);
  return {
    url: `postgres://hookstep@127.0.0.1:${port}/postgres`,
    stop() {
      spawnSync(asRoot ? 'runuser' : tools.pgCtl, [
        ...(asRoot ? ['-u', 'postgres', '--', tools.pgCtl] : []),
        ...['-D', join(dir, 'data'), '-m', 'immediate', 'stop'],
      ]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A database of its own on the test server, so test files do not see each other's webhooks. */
export async function createDatabase(serverUrl: string): Promise<string> {
  const { Client } = await import('pg');
  const name = `hookstep_${Math.random().toString(36).slice(2, 10)}`;
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(`create database ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

function uidOf(user: string): number {
  return Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim());
}

function gidOf(user: string): number {
  return Number(execFileSync('id', ['-g', user], { encoding: 'utf8' }).trim());
}
