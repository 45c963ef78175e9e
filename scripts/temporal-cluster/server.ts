// The Temporal server of the cluster: its config files (from settings.ts), its process (detached, so it outlives
// `scripts/cluster up`), and the namespace and search attributes hookstep needs, registered once it serves.
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Connection, type TLSConfig } from '@temporalio/client';
import { grpc } from '@temporalio/proto';
import { stringify } from 'yaml';
import type { Postgres } from './postgres';
import { DATABASES, NUM_HISTORY_SHARDS, SQL_PLUGIN, dynamicConfigDocument } from './settings';
import { clientTlsConfig, serverTlsConfig, type ClusterTls } from './tls';
import { run, type Tools } from './tools';

export interface Server {
  /** Holds config/, server.log and server.pid. */
  home: string;
  /** The first of SERVER_PORT_COUNT consecutive ports; the frontend's gRPC port. */
  port: number;
  logLevel: string;
  /** The frontend's certificates when it serves TLS. */
  tls?: ClusterTls;
}

export const frontendAddress = (server: Pick<Server, 'port'>) => `127.0.0.1:${server.port}`;
const ENV_NAME = 'hookstep';
const pidFile = (server: Server) => join(server.home, 'server.pid');
export const serverLog = (server: Server) => join(server.home, 'server.log');

/** The static config: PostgreSQL persistence and visibility, every service bound to 127.0.0.1 on our ports. */
export function serverConfig(server: Server, pg: Postgres): Record<string, unknown> {
  const sql = (databaseName: string, maxConns: number) => ({
    sql: {
      pluginName: SQL_PLUGIN,
      databaseName,
      connectAddr: `127.0.0.1:${pg.port}`,
      connectProtocol: 'tcp',
      user: pg.user,
      password: pg.password,
      maxConns,
      maxIdleConns: maxConns,
      maxConnLifetime: '1h',
    },
  });
  const p = server.port;
  const rpc = (grpcPort: number, membershipPort: number) => ({ grpcPort, membershipPort, bindOnIP: '127.0.0.1' });
  return {
    log: { stdout: true, level: server.logLevel },
    persistence: {
      defaultStore: 'default',
      visibilityStore: 'visibility',
      numHistoryShards: NUM_HISTORY_SHARDS,
      datastores: { default: sql(DATABASES[0].name, 20), visibility: sql(DATABASES[1].name, 10) },
    },
    global: {
      membership: { maxJoinDuration: '30s', broadcastAddress: '127.0.0.1' },
      ...(server.tls && { tls: serverTlsConfig(server.tls) }),
    },
    services: {
      frontend: { rpc: { ...rpc(p, p + 4), httpPort: p + 8 } },
      history: { rpc: rpc(p + 1, p + 5) },
      matching: { rpc: rpc(p + 2, p + 6) },
      worker: { rpc: rpc(p + 3, p + 7) },
    },
    clusterMetadata: {
      enableGlobalNamespace: false,
      failoverVersionIncrement: 10,
      masterClusterName: 'active',
      currentClusterName: 'active',
      clusterInformation: {
        active: {
          enabled: true,
          initialFailoverVersion: 1,
          rpcName: 'frontend',
          rpcAddress: frontendAddress(server),
          httpAddress: `127.0.0.1:${p + 8}`,
        },
      },
    },
    dcRedirectionPolicy: { policy: 'noop' },
    dynamicConfigClient: { filepath: join(server.home, 'config', 'dynamicconfig.yaml'), pollInterval: '10s' },
  };
}

/** Writes both files and has the server itself check the dynamic config (it only warns, so warnings fail here). */
export async function writeServerConfig(tools: Tools, server: Server, pg: Postgres): Promise<void> {
  const dir = join(server.home, 'config');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${ENV_NAME}.yaml`), stringify(serverConfig(server, pg)), { mode: 0o600 });
  const dynamic = join(dir, 'dynamicconfig.yaml');
  writeFileSync(
    dynamic,
    `# written by scripts/cluster from scripts/temporal-cluster/settings.ts\n${stringify(dynamicConfigDocument())}`,
  );
  const report = await run(tools.server, ['validate-dynamic-config', dynamic]);
  if (/warning/i.test(report)) throw new Error(`the server rejects the dynamic config ${dynamic}:\n${report}`);
}

/** Creates and migrates both databases with temporal-sql-tool; each step is safe to repeat on a migrated database. */
export async function migrate(tools: Tools, pg: Postgres): Promise<void> {
  // The password goes in the environment, not argv, where any user could read it from the process list.
  const env = {
    SQL_PLUGIN,
    SQL_HOST: '127.0.0.1',
    SQL_PORT: String(pg.port),
    SQL_USER: pg.user,
    SQL_PASSWORD: pg.password,
  };
  for (const db of DATABASES) {
    const versioned = join(tools.schemaDir, db.schema, 'versioned');
    await run(tools.sqlTool, ['--db', db.name, 'create-database'], { env }).catch((err: Error) => {
      if (!/already exists/.test(err.message)) throw err;
    });
    await run(tools.sqlTool, ['--db', db.name, 'setup-schema', '-v', '0.0'], { env });
    await run(tools.sqlTool, ['--db', db.name, 'update-schema', '-d', versioned], { env });
  }
}

/** Starts the server detached (its output in server.log) and waits until its frontend serves. */
export async function startServer(tools: Tools, server: Server): Promise<number> {
  const running = serverPid(server);
  if (running) return running;
  const log = openSync(serverLog(server), 'a');
  const child = spawn(
    tools.server,
    ['--root', server.home, '--config', 'config', '--env', ENV_NAME, '--allow-no-auth', 'start'],
    { detached: true, stdio: ['ignore', log, log] },
  );
  closeSync(log);
  child.unref();
  writeFileSync(pidFile(server), `${child.pid}\n`);
  await waitServing(server, child.pid!);
  return child.pid!;
}

/** The server's pid when it runs; the pid file alone could name a recycled pid, so its command line must match. */
export function serverPid(server: Server): number | undefined {
  let pid: number;
  try {
    pid = Number(readFileSync(pidFile(server), 'utf8').trim());
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return cmdline.includes(server.home) && cmdline.includes('start') ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** SIGTERM drains the services; SIGKILL is a crash (the fault script uses it). Waits until the process is gone. */
export async function stopServer(server: Server, signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
  const pid = serverPid(server);
  if (!pid) return;
  process.kill(pid, signal);
  const deadline = Date.now() + 30_000;
  while (serverPid(server) === pid) {
    if (Date.now() > deadline) process.kill(pid, 'SIGKILL');
    await sleep(100);
  }
  rmSync(pidFile(server), { force: true });
}

async function waitServing(server: Server, pid: number): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (serverPid(server) !== pid)
      throw new Error(`the Temporal server exited; ${serverLog(server)} ends:\n${tail(server)}`);
    const tls = server.tls && clientTlsConfig(server.tls);
    if (await serving({ address: frontendAddress(server), tls })) return;
    if (Date.now() > deadline)
      throw new Error(`the Temporal server did not serve within 120 s; see ${serverLog(server)}`);
    await sleep(250);
  }
}

/** True when the frontend answers its gRPC health check with SERVING; `tls` for a frontend that serves TLS. */
export async function serving(target: string | { address: string; tls?: TLSConfig }): Promise<boolean> {
  const { address, tls } = typeof target === 'string' ? { address: target, tls: undefined } : target;
  let connection: Connection | undefined;
  try {
    connection = await Connection.connect({ address, tls, connectTimeout: 1_000 });
    const { status } = await connection.healthService.check({
      service: 'temporal.api.workflowservice.v1.WorkflowService',
    });
    return status === grpc.health.v1.HealthCheckResponse.ServingStatus.SERVING;
  } catch {
    return false;
  } finally {
    await connection?.close();
  }
}

/** The log's last lines, each cut short: the server logs stack traces on one line. */
function tail(server: Server): string {
  const lines = readFileSync(serverLog(server), 'utf8').trim().split('\n').slice(-5);
  return lines.map((line) => (line.length > 400 ? `${line.slice(0, 400)}…` : line)).join('\n');
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
