// `npm run faults`: faults a deployment meets, injected into a real one, and every step accounted for. Against the
// running `scripts/cluster` (Temporal on PostgreSQL), with two worker processes and a receiver process, each fault
// gets a burst of sendWebhook steps with the fault injected mid-burst, then every result is awaited. Per fault:
// steps started, completed, failed, requests at the receiver, distinct webhook-ids, duplicates (2xx answers beyond
// the first for a webhook-id: what receivers deduplicate) and lost (started, but not both completed and received).
// Exits 1 when a step is lost or failed. The machine is printed first; numbers from a busy machine are provisional.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection, WorkflowExecutionAlreadyStartedError, WorkflowFailedError } from '@temporalio/client';
import { Command } from 'commander';
import { z } from 'zod';
import { postgresOf, readCluster, serverOf, type ClusterState } from '../scripts/temporal-cluster/cluster';
import { loadClusterEnv } from '../scripts/temporal-cluster/env';
import { startPostgres, stopPostgres } from '../scripts/temporal-cluster/postgres';
import { serving, startServer, stopServer } from '../scripts/temporal-cluster/server';
import { ensureTools, type Tools } from '../scripts/temporal-cluster/tools';
import { validateStep } from '../src/client';
import { type StepInput } from '../src/contract';
import { QUIET_LOGGER, bundleWorkflows } from '../src/worker';
import { startReceiver, startWorker, type Child, type Receiver } from './children';
import { benchStep } from './figures';
import { FigureGuard } from './guard';
import { describeMachine } from './machine';
import { closedLoop } from './stats';

const FAULT_NAMES = ['server-kill', 'postgres-restart', 'worker-kill', 'flaky-receiver'] as const;
type FaultName = (typeof FAULT_NAMES)[number];
/** How long the server or PostgreSQL stays down before it is started again. */
const OUTAGE_MS = 3_000;
/** The receiver takes this long to answer, so a fault finds deliveries in flight, as a real one would. */
const RECEIVER_MS = 250;
const NOT_INJECTED = 'not injected: deliveries stalled before a third had arrived';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const FlagsSchema = z.object({
  smoke: z.boolean().default(false),
  steps: z.coerce.number({ error: '--steps must be a number' }).int().min(3).max(5_000).optional(),
  faults: z
    .string()
    .default(FAULT_NAMES.join(','))
    .refine((s) => s.split(',').every((f) => (FAULT_NAMES as readonly string[]).includes(f)), {
      error: `--faults takes a comma-separated list of ${FAULT_NAMES.join(', ')}`,
    })
    .transform((s) => s.split(',') as FaultName[]),
  flakySeconds: z.coerce.number({ error: '--flaky-seconds must be a number' }).int().min(1).max(600).optional(),
  out: z.string().optional(),
});

interface Context {
  cluster: ClusterState;
  tools: Tools;
  client: Client;
  receiver: Receiver;
  bundlePath: string;
  steps: number;
  flakyMs: number;
  log(line: string): void;
}

interface Fault {
  label: string;
  /** The receiver path the steps post to; the flaky receiver's window starts when the burst does. */
  path(startedAt: number): string;
  /** Steps started per second, or as fast as 16 starts in flight allow. */
  pacedOverMs?: number;
  /** Runs once a third of the steps have reached the receiver; returns what it did. None: faulty from the start. */
  inject?(workers: Child<unknown>[]): Promise<string>;
}

function faults(ctx: Context): Record<FaultName, Fault> {
  const server = serverOf(ctx.cluster);
  const pg = postgresOf(ctx.cluster);
  const outage = async (stop: () => Promise<void>, start: () => Promise<unknown>) => {
    const t0 = performance.now();
    await stop();
    await sleep(OUTAGE_MS);
    await start();
    return `down ${((performance.now() - t0) / 1000).toFixed(1)} s`;
  };
  return {
    'server-kill': {
      label: 'Temporal server SIGKILLed mid-burst, restarted',
      path: () => `/slow?ms=${RECEIVER_MS}`,
      inject: () =>
        outage(
          () => stopServer(server, 'SIGKILL'),
          () => startServer(ctx.tools, server),
        ),
    },
    'postgres-restart': {
      label: 'PostgreSQL stopped mid-burst (immediate: as a crash), restarted',
      path: () => `/slow?ms=${RECEIVER_MS}`,
      inject: () =>
        outage(
          () => stopPostgres(ctx.tools, pg, 'immediate'),
          () => startPostgres(ctx.tools, pg),
        ),
    },
    'worker-kill': {
      label: 'one of two worker processes SIGKILLed mid-burst',
      path: () => `/slow?ms=${RECEIVER_MS}`,
      inject: (workers) => {
        process.kill(workers[0].pid, 'SIGKILL');
        return Promise.resolve(`worker pid ${workers[0].pid} killed`);
      },
    },
    'flaky-receiver': {
      label: `receiver fails 50% of requests (HTTP 500) for ${ctx.flakyMs / 1000} s`,
      path: (startedAt) => `/flaky?rate=0.5&until=${startedAt + ctx.flakyMs}`,
      pacedOverMs: ctx.flakyMs,
    },
  };
}

interface Row {
  fault: FaultName;
  label: string;
  injected: string;
  steps: number;
  started: number;
  completed: number;
  failed: number;
  requests: number;
  distinctIds: number;
  duplicates: number;
  lost: number;
  allDoneMs: number;
}

/** Starts a step; retried while the server is unreachable, and never twice (REJECT_DUPLICATE, FAIL on conflict). */
async function startStep(ctx: Context, taskQueue: string, workflowId: string, step: StepInput): Promise<boolean> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      await ctx.client.workflow.start('sendWebhook', {
        taskQueue,
        workflowId,
        args: [step],
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        workflowIdConflictPolicy: 'FAIL',
      });
      return true;
    } catch (err) {
      // An earlier attempt got through, though its answer was lost.
      if (err instanceof WorkflowExecutionAlreadyStartedError) return true;
      if (Date.now() > deadline) return false;
      await sleep(250);
    }
  }
}

/** A step's outcome, polled through outages until the deadline. */
async function outcome(ctx: Context, workflowId: string, deadline: number): Promise<'completed' | 'failed' | 'none'> {
  for (;;) {
    try {
      const result = (await ctx.client.workflow.getHandle(workflowId).result()) as { status: number };
      return result.status >= 200 && result.status < 300 ? 'completed' : 'failed';
    } catch (err) {
      if (err instanceof WorkflowFailedError) return 'failed';
      if (Date.now() > deadline) return 'none';
      await sleep(500);
    }
  }
}

/** Injects the fault once a third of the steps have reached the receiver, so deliveries are in full flow. */
async function injectMidBurst(ctx: Context, inject: () => Promise<string>): Promise<string> {
  const deadline = Date.now() + 120_000;
  let requests = 0;
  while ((requests = (await ctx.receiver.stats()).requests) < Math.ceil(ctx.steps / 3)) {
    if (Date.now() > deadline) return NOT_INJECTED;
    await sleep(50);
  }
  return `${await inject()} after ${requests} requests`;
}

async function runFault(ctx: Context, name: FaultName, fault: Fault): Promise<Row> {
  const taskQueue = `faults-${name}-${Date.now().toString(36)}`;
  const config = {
    kind: 'hookstep' as const,
    address: ctx.cluster.address,
    taskQueue,
    bundlePath: ctx.bundlePath,
    logLevel: 'ERROR' as const,
  };
  const workers = await Promise.all([startWorker(config), startWorker(config)]);
  try {
    await ctx.receiver.reset();
    const t0 = Date.now();
    // Short backoff, so the run measures recovery rather than waiting; 100 attempts outlast every fault here.
    const maximumInterval = name === 'flaky-receiver' ? '5s' : '2s';
    const step: StepInput = {
      ...benchStep(`${ctx.receiver.url}${fault.path(t0)}`),
      retry: { initialInterval: '200ms', backoffCoefficient: 2, maximumInterval, maximumAttempts: 100 },
    };
    validateStep(step);
    const ids = Array.from({ length: ctx.steps }, (_, i) => `${taskQueue}-${i}`);
    const outcomes = new Map<string, Promise<'completed' | 'failed' | 'none'>>();
    const injection = fault.inject
      ? injectMidBurst(ctx, () => fault.inject!(workers))
      : Promise.resolve('failing from the first step');
    const resultDeadline = t0 + (fault.pacedOverMs ?? 0) + 300_000;
    await closedLoop(ctx.steps, fault.pacedOverMs ? 1 : 16, async (i) => {
      if (fault.pacedOverMs) await sleep(Math.max(0, t0 + (i * fault.pacedOverMs) / ctx.steps - Date.now()));
      if (await startStep(ctx, taskQueue, ids[i], step)) outcomes.set(ids[i], outcome(ctx, ids[i], resultDeadline));
    });
    const injected = await injection;
    const results = new Map(await Promise.all([...outcomes].map(async ([id, p]) => [id, await p] as const)));
    const allDoneMs = Date.now() - t0;
    const stats = await ctx.receiver.stats(true);
    const delivered = new Set(stats.deliveredIdList);
    const started = results.size;
    const completedIds = [...results].filter(([, r]) => r === 'completed').map(([id]) => id);
    const row: Row = {
      fault: name,
      label: fault.label,
      injected,
      steps: ctx.steps,
      started,
      completed: completedIds.length,
      failed: [...results.values()].filter((r) => r === 'failed').length,
      requests: stats.requests,
      distinctIds: stats.distinctIds,
      duplicates: stats.ok - stats.deliveredIds,
      // Every started step must have ended completed, and its webhook-id must have reached the receiver with a 2xx.
      lost: started - completedIds.filter((id) => delivered.has(id)).length,
      allDoneMs,
    };
    ctx.log(`  ${JSON.stringify(row)}`);
    return row;
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
  }
}

function renderTable(rows: Row[]): string {
  const head = ['fault', 'started', 'completed', 'failed', 'requests', 'distinct webhook-ids', 'duplicates', 'lost'];
  const body = rows.map((r) => [
    `${r.label} (${r.injected}; all done in ${(r.allDoneMs / 1000).toFixed(0)} s)`,
    ...[r.started, r.completed, r.failed, r.requests, r.distinctIds, r.duplicates, r.lost].map(String),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  return [
    line(head),
    `|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`,
    ...body.map(line),
  ].join('\n');
}

async function main(): Promise<void> {
  const program = new Command('faults')
    .option('--steps <n>', 'steps per fault (default 300; smoke 30)')
    .option('--faults <list>', `which faults, of ${FAULT_NAMES.join(',')}`)
    .option('--flaky-seconds <n>', 'how long the receiver fails (default 60; smoke 10)')
    .option('--smoke', 'few steps and a short flaky window: proves the script runs (numbers mean nothing)')
    .option('--out <file>', 'where to write the JSON results')
    .parse();
  const parsed = FlagsSchema.safeParse(program.opts());
  if (!parsed.success) {
    for (const issue of parsed.error.issues) console.error(issue.message);
    process.exit(2);
  }
  const flags = parsed.data;
  const dir = loadClusterEnv().HOOKSTEP_CLUSTER_DIR;
  const cluster = readCluster(dir);
  if (!cluster || !(await serving(cluster.address))) {
    console.error(`no cluster serves from ${dir}: run scripts/cluster up first (HOOKSTEP_CLUSTER_DIR names another)`);
    process.exit(2);
  }
  const log = (line: string) => console.log(line);
  const machine = describeMachine();
  log('machine');
  for (const [k, v] of Object.entries(machine)) log(`  ${k.padEnd(12)} ${v}`);
  log(`  cluster      Temporal ${cluster.temporalVersion} on PostgreSQL, frontend ${cluster.address}`);
  const steps = flags.steps ?? (flags.smoke ? 30 : 300);
  const flakyMs = (flags.flakySeconds ?? (flags.smoke ? 10 : 60)) * 1000;
  log(`steps per fault ${steps}${flags.smoke ? '  (SMOKE: proves the script runs; not a measurement)' : ''}`);

  const bundleDir = mkdtempSync(join(tmpdir(), 'hookstep-faults-'));
  const bundlePath = join(bundleDir, 'workflows.js');
  writeFileSync(bundlePath, (await bundleWorkflows(QUIET_LOGGER)).code);
  const [tools, receiver, connection] = await Promise.all([
    ensureTools(log),
    startReceiver(),
    Connection.connect({ address: cluster.address }),
  ]);
  const ctx: Context = {
    cluster,
    tools,
    client: new Client({ connection }),
    receiver,
    bundlePath,
    steps,
    flakyMs,
    log,
  };
  const guard = new FigureGuard(log);
  const rows: Row[] = [];
  const all = faults(ctx);
  try {
    for (const name of flags.faults) {
      log(`fault ${name}: ${all[name].label}`);
      const row = await guard.run(name, () => runFault(ctx, name, all[name]));
      if (row) rows.push(row);
    }
  } finally {
    await receiver.stop();
    await connection.close();
    guard.dispose();
  }
  log(`\n${renderTable(rows)}`);
  const out =
    flags.out ??
    (flags.smoke ? join(bundleDir, 'faults.json') : join(__dirname, 'results', `faults-${machineDate()}.json`));
  mkdirSync(join(out, '..'), { recursive: true });
  writeFileSync(out, `${JSON.stringify({ machine, steps, flakyMs, outageMs: OUTAGE_MS, faults: rows }, null, 2)}\n`);
  log(`\nresults: ${out}`);
  const bad = rows.filter((r) => r.lost > 0 || r.failed > 0 || r.started < r.steps || r.injected === NOT_INJECTED);
  if (bad.length > 0 || guard.failures.length > 0 || rows.length < flags.faults.length) {
    console.error(`FAILED: ${bad.map((r) => `${r.fault} lost ${r.lost}, failed ${r.failed}`).join('; ')}`);
    for (const f of guard.failures) console.error(`  ${f.figure}: ${f.error}`);
    process.exitCode = 1;
  }
}

function machineDate(): string {
  return new Date().toISOString().slice(0, 10);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
