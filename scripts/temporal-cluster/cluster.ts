// The cluster as one thing: PostgreSQL and the Temporal server in one directory, with a state file (cluster.json)
// that says where they listen, so `up` is repeatable, `down` stops what `up` started, and tests, the bench and the
// fault script find the frontend without being told.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { z } from 'zod';
import { type ClusterEnv, MAX_PORT, SERVER_PORT_COUNT, loadClusterEnv } from './env';
import { setUpNamespace } from './namespace';
import { initPostgres, postgresRunning, postmasterPid, startPostgres, stopPostgres, type Postgres } from './postgres';
import {
  frontendAddress,
  migrate,
  serverPid,
  serving,
  startServer,
  stopServer,
  writeServerConfig,
  type Server,
} from './server';
import type { TLSConfig } from '@temporalio/client';
import { TEMPORAL_SERVER_VERSION } from './settings';
import { clientTlsConfig, clusterTls, makeCertificates, tlsEnvironment } from './tls';
import { ensureTools, findPostgres } from './tools';

const StateSchema = z.object({
  dir: z.string(),
  address: z.string(),
  serverPort: z.number().int(),
  logLevel: z.string(),
  temporalVersion: z.string(),
  /** The frontend serves TLS with the certificates in <dir>/tls (HOOKSTEP_CLUSTER_TLS at the first `up`). */
  tls: z.boolean().default(false),
  postgres: z.object({
    port: z.number().int(),
    user: z.string(),
    password: z.string(),
    runAs: z.string().optional(),
  }),
});
export type ClusterState = z.infer<typeof StateSchema>;

const stateFile = (dir: string) => join(dir, 'cluster.json');

export function readCluster(dir: string = loadClusterEnv().HOOKSTEP_CLUSTER_DIR): ClusterState | undefined {
  if (!existsSync(stateFile(dir))) return undefined;
  return StateSchema.parse(JSON.parse(readFileSync(stateFile(dir), 'utf8')));
}

export function postgresOf(state: ClusterState): Postgres {
  return { home: join(state.dir, 'postgres'), ...state.postgres };
}

export function serverOf(state: ClusterState): Server {
  return {
    home: join(state.dir, 'server'),
    port: state.serverPort,
    logLevel: state.logLevel,
    tls: state.tls ? clusterTls(state.dir) : undefined,
  };
}

/** How a client reaches the cluster's frontend: its address, and TLS when it serves TLS. */
export function clusterConnection(state: ClusterState): { address: string; tls?: TLSConfig } {
  return state.tls
    ? { address: state.address, tls: clientTlsConfig(clusterTls(state.dir)) }
    : { address: state.address };
}

/** Starts whatever is not running yet; returns the state, whose `address` is the frontend. */
export async function up(env: ClusterEnv, log: (line: string) => void): Promise<ClusterState> {
  const tools = await ensureTools(log);
  const state = readCluster(env.HOOKSTEP_CLUSTER_DIR) ?? (await newState(env));
  const pg = postgresOf(state);
  const server = serverOf(state);
  if (server.tls) await makeCertificates(server.tls);
  if (!(await postgresRunning(tools, pg))) {
    await requireFree([state.postgres.port], `PostgreSQL's port (HOOKSTEP_CLUSTER_PG_PORT, in ${state.dir})`);
    await initPostgres(tools, pg);
    log(`PostgreSQL: starting on 127.0.0.1:${pg.port}`);
    await startPostgres(tools, pg);
  }
  await migrate(tools, pg);
  // Written on every `up`: a running server re-reads its dynamic config within 10 s.
  await writeServerConfig(tools, server, pg);
  if (!serverPid(server)) {
    const ports = Array.from({ length: SERVER_PORT_COUNT }, (_, i) => state.serverPort + i);
    await requireFree(ports, `the server's ports (HOOKSTEP_CLUSTER_PORT and the 8 after it, in ${state.dir})`);
    log(`Temporal server ${TEMPORAL_SERVER_VERSION}: starting, frontend ${state.address}`);
    await startServer(tools, server);
  }
  await setUpNamespace(clusterConnection(state));
  return state;
}

async function newState(env: ClusterEnv): Promise<ClusterState> {
  const serverPort =
    env.HOOKSTEP_CLUSTER_PORT === 'auto' ? await freeRun(SERVER_PORT_COUNT) : env.HOOKSTEP_CLUSTER_PORT;
  const pgPort =
    env.HOOKSTEP_CLUSTER_PG_PORT === 'auto' ? await freeRun(1, [serverPort]) : env.HOOKSTEP_CLUSTER_PG_PORT;
  const state: ClusterState = {
    dir: env.HOOKSTEP_CLUSTER_DIR,
    address: frontendAddress({ port: serverPort }),
    serverPort,
    logLevel: env.HOOKSTEP_CLUSTER_LOG_LEVEL,
    temporalVersion: TEMPORAL_SERVER_VERSION,
    tls: env.HOOKSTEP_CLUSTER_TLS,
    postgres: {
      port: pgPort,
      user: 'temporal',
      password: randomBytes(18).toString('base64url'),
      // PostgreSQL refuses to run as root; Debian's package creates this user.
      runAs: process.getuid?.() === 0 ? 'postgres' : undefined,
    },
  };
  mkdirSync(state.dir, { recursive: true });
  writeFileSync(stateFile(state.dir), `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  return state;
}

/** Stops the server, then PostgreSQL; removes the directory unless asked to keep it. */
export async function down(dir: string, keepData: boolean, log: (line: string) => void): Promise<boolean> {
  const state = readCluster(dir);
  if (!state) return false;
  const server = serverOf(state);
  if (serverPid(server)) log('Temporal server: stopping');
  await stopServer(server);
  const tools = findPostgres();
  if (await postgresRunning(tools, postgresOf(state))) log('PostgreSQL: stopping');
  await stopPostgres(tools, postgresOf(state));
  if (!keepData) rmSync(dir, { recursive: true, force: true });
  return true;
}

export interface ClusterStatus {
  dir: string;
  address?: string;
  /** Temporal's environment variables for reaching a TLS frontend; absent for a plain one. */
  tlsEnv?: Record<string, string>;
  postgres: { running: boolean; pid?: number; port?: number };
  server: { running: boolean; pid?: number; serving: boolean; version?: string };
}

export async function status(dir: string): Promise<ClusterStatus> {
  const state = readCluster(dir);
  if (!state) return { dir, postgres: { running: false }, server: { running: false, serving: false } };
  const pg = postgresOf(state);
  const pid = serverPid(serverOf(state));
  const pgRunning = await postgresRunning(findPostgres(), pg);
  return {
    dir,
    address: state.address,
    tlsEnv: state.tls ? tlsEnvironment(clusterTls(state.dir)) : undefined,
    postgres: { running: pgRunning, pid: pgRunning ? postmasterPid(pg) : undefined, port: pg.port },
    server: {
      running: pid !== undefined,
      pid,
      serving: pid !== undefined && (await serving(clusterConnection(state))),
      version: state.temporalVersion,
    },
  };
}

async function requireFree(ports: number[], what: string): Promise<void> {
  for (const port of ports) {
    if (!(await isFree(port))) throw new Error(`port ${port} is in use: it is ${what}; free it or choose another`);
  }
}

/** The first of `count` consecutive free ports, from a range clear of common defaults and below MAX_PORT. */
async function freeRun(count: number, avoid: number[] = []): Promise<number> {
  for (let base = 20_000 + Math.floor(Math.random() * 10_000); base + count - 1 <= MAX_PORT; base += count + 1) {
    const ports = Array.from({ length: count }, (_, i) => base + i);
    if (ports.some((p) => avoid.some((a) => p >= a && p < a + SERVER_PORT_COUNT))) continue;
    if ((await Promise.all(ports.map(isFree))).every(Boolean)) return base;
  }
  throw new Error('no free ports found for the cluster');
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}
