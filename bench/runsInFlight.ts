// Worker memory per run in flight, on its own (figure 10's question, one lever at a time): a fresh worker process per
// count holds N sendWebhook runs in one state and its resident memory is read from /proc at idle, held and peak.
//   npx tsx bench/runsInFlight.ts                         # 200 and 1,000 first attempts held open, hookstep's defaults
//   npx tsx bench/runsInFlight.ts --state backoff         # runs waiting on their retry backoff (a timer) instead
//   npx tsx bench/runsInFlight.ts --options '{"maxCachedWorkflows":100}'   # worker options after hookstep's own
//   npx tsx bench/runsInFlight.ts --snapshot --counts 0,200  # a heap snapshot once N are held (workflows on the main
//                                                             # thread: debugMode); N = 0 is the baseline
//   npx tsx bench/runsInFlight.ts --node '--max-semi-space-size=4'   # node flags for the worker process
//   npx tsx bench/runsInFlight.ts --throughput 1000       # and a burst of 1,000 to /ok: rate and worker CPU a run
//   npx tsx bench/runsInFlight.ts --plain-malloc          # without the allocator setting hookstep's launchers set
import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { WorkflowHandle } from '@temporalio/client';
import { QUIET_LOGGER, bundleWorkflows } from '../src/worker';
import { startReceiver, startWorker, type Child } from './children';
import { burst, startTemporal, starter, type Bench, type Temporal } from './figures';
import type { BenchWorkerConfig } from './worker';
import { cpuMs, rssBytes, rssSampler } from './proc';
import { closedLoop, percentile } from './stats';

const MB = 2 ** 20;
const WAIT_LIMIT_MS = 300_000;

const { values: args } = parseArgs({
  options: {
    counts: { type: 'string', default: '200,1000' },
    state: { type: 'string', default: 'attempt' },
    options: { type: 'string', default: '{}' },
    snapshot: { type: 'boolean', default: false },
    throughput: { type: 'string', default: '0' },
    node: { type: 'string', default: '' },
    'plain-malloc': { type: 'boolean', default: false },
  },
});
const counts = args.counts.split(',').map(Number);
const state = args.state === 'backoff' ? 'backoff' : 'attempt';
const workerOptions = JSON.parse(args.options) as Record<string, unknown>;
const throughputRuns = Number(args.throughput);
const nodeArgs = args.node.split(' ').filter(Boolean);

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'hookstep-mem-'));
  const bundlePath = join(dir, 'workflows.js');
  writeFileSync(bundlePath, (await bundleWorkflows(QUIET_LOGGER)).code);
  const receiver = await startReceiver();
  const temporal = await startTemporal('memory');
  const log = (m: string) => console.log(m);
  const sizes = { reps: 1, startConcurrency: 32 } as Bench['sizes'];
  const bench: Bench = { sizes, receiver, bundlePath, workerNodeArgs: [], log };
  log(
    `load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')} on ${cpus().length} cores`,
  );
  log(
    `state ${state}, worker options ${JSON.stringify(workerOptions)}, node ${nodeArgs.join(' ') || '(defaults)'}, ` +
      `${args['plain-malloc'] ? 'plain malloc' : "hookstep's allocator setting"}` +
      (args.snapshot ? ', heap snapshots' : ''),
  );
  try {
    for (const n of counts) {
      const snapshots = args.snapshot ? mkdtempSync(join(dir, `snap-${n}-`)) : undefined;
      const options = snapshots ? { ...workerOptions, debugMode: true } : workerOptions;
      bench.workerNodeArgs = [
        ...nodeArgs,
        ...(snapshots ? ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${snapshots}`] : []),
      ];
      const report = join(dir, `memory-${n}.jsonl`);
      await withWorker(bench, temporal, { workerOptions: options, memoryReport: snapshots ? undefined : report }, (w) =>
        hold(bench, temporal, w, n, snapshots, report),
      );
      if (snapshots) log(`  heap snapshots in ${snapshots}`);
    }
    if (throughputRuns > 0) {
      await withWorker(bench, temporal, { workerOptions }, (w) => throughput(bench, temporal, [w]));
    }
  } finally {
    await temporal.close();
    await receiver.stop();
  }
}

/** One hookstep worker process, as the bench starts it, logging errors only; stopped whatever happens. */
async function withWorker<T>(
  bench: Bench,
  temporal: Temporal,
  config: Partial<BenchWorkerConfig>,
  fn: (worker: Child<unknown>) => Promise<T>,
): Promise<T> {
  const worker = await startWorker(
    {
      kind: 'hookstep',
      address: temporal.server.address,
      taskQueue: 'bench-hookstep',
      bundlePath: bench.bundlePath,
      maxConcurrentDeliveries: Math.max(...counts) + 100,
      logLevel: 'ERROR',
      ...config,
    },
    bench.workerNodeArgs,
    args['plain-malloc'],
  );
  try {
    return await fn(worker);
  } finally {
    await worker.stop();
  }
}

async function hold(
  bench: Bench,
  temporal: Temporal,
  worker: Child<unknown>,
  n: number,
  snapshots: string | undefined,
  report: string,
) {
  const warm = starter(bench, temporal, 'hookstep', '/ok');
  await closedLoop(20, 1, async (i) => (await warm(i)).result());
  await settle(2_000);
  const idle = rssBytes(worker.pid);
  const idleJs = snapshots ? undefined : await memoryUsage(report);
  await bench.receiver.reset();
  const peak = rssSampler([worker.pid]);
  const handles: WorkflowHandle[] = [];
  // Held: every first attempt waits on the receiver. Backoff: every first attempt failed (500) and the run waits on a
  // 30-minute timer, cached, with nothing else in flight.
  const start =
    state === 'attempt'
      ? starter(bench, temporal, 'hookstep', '/hold', { timeout: '5m' })
      : starter(bench, temporal, 'hookstep', '/flaky?rate=1', { retry: { initialInterval: '30m' } });
  await closedLoop(n, bench.sizes.startConcurrency, async (i) => void handles.push(await start(i)));
  await waitFor(bench, n);
  await settle(3_000);
  const held = rssBytes(worker.pid);
  const [peakBytes] = peak.stop();
  bench.log(
    `  ${n} ${state === 'attempt' ? 'first attempts held' : 'runs in backoff'}: idle ${mb(idle)} MB, held ` +
      `${mb(held)} MB, ${((held - idle) / n / MB).toFixed(3)} MB a run, peak ${mb(peakBytes)} MB`,
  );
  if (idleJs) {
    // The main thread's heap only: with workflows on their thread (the default), their heap is in RSS alone.
    const heldJs = await memoryUsage(report);
    const perRun = (k: keyof NodeJS.MemoryUsage) => `${((heldJs[k] - idleJs[k]) / n / 1024).toFixed(0)} KB`;
    bench.log(
      `    main thread a run: heapUsed ${perRun('heapUsed')}, heapTotal ${perRun('heapTotal')}, external ` +
        `${perRun('external')}, arrayBuffers ${perRun('arrayBuffers')}`,
    );
  }
  if (snapshots) await snapshot(worker, snapshots);
  if (state === 'attempt') {
    await bench.receiver.release();
    await Promise.all(handles.map((h) => h.result()));
  } else {
    await closedLoop(handles.length, 32, (i) => handles[i].terminate('memory study done'));
  }
}

async function throughput(bench: Bench, temporal: Temporal, workers: Child<unknown>[]) {
  const [worker] = workers;
  const start = starter(bench, temporal, 'hookstep', '/ok');
  await closedLoop(50, 8, async (i) => (await start(i)).result());
  const cpu0 = cpuMs(worker.pid);
  const peak = rssSampler([worker.pid]);
  const b = await burst(
    { ...bench, sizes: { ...bench.sizes, startConcurrency: 64 } },
    temporal,
    workers,
    throughputRuns,
    start,
  );
  const [peakBytes] = peak.stop();
  bench.log(
    `  burst of ${throughputRuns} to /ok: ${(throughputRuns / (b.elapsedMs / 1000)).toFixed(0)} runs/s, p50 ` +
      `${percentile(b.latencies, 50).toFixed(0)} ms, worker CPU ${((cpuMs(worker.pid) - cpu0) / throughputRuns).toFixed(2)} ` +
      `ms a run, worker peak RSS ${mb(peakBytes)} MB`,
  );
}

/** Waits until `n` requests are held on /hold, or `n` first attempts failed; fails naming how many came. */
async function waitFor(bench: Bench, n: number): Promise<void> {
  const deadline = Date.now() + WAIT_LIMIT_MS;
  for (;;) {
    const { waiting, failed } = await bench.receiver.stats();
    const reached = state === 'attempt' ? waiting : failed;
    if (reached >= n) return;
    if (Date.now() > deadline) throw new Error(`only ${reached} of ${n} runs reached the receiver in time`);
    await settle(100);
  }
}

/** The worker's process.memoryUsage(), the next it appends to `report` (every second). */
async function memoryUsage(report: string): Promise<NodeJS.MemoryUsage> {
  const lines = () => (existsSync(report) ? readFileSync(report, 'utf8').trim().split('\n').filter(Boolean) : []);
  const before = lines().length;
  while (lines().length <= before) await settle(100);
  return JSON.parse(lines().at(-1)!) as NodeJS.MemoryUsage;
}

/**
 * Asks the worker for a heap snapshot (--heapsnapshot-signal) and waits until the file stops growing. A worker sent a
 * signal took no workflow task afterwards, so this is the last thing asked of it.
 */
async function snapshot(worker: Child<unknown>, dir: string): Promise<void> {
  const before = readdirSync(dir).length;
  process.kill(worker.pid, 'SIGUSR2');
  let size = -1;
  for (;;) {
    await settle(2_000);
    const files = readdirSync(dir);
    if (files.length <= before) continue;
    const now = statSync(join(dir, files.sort().at(-1)!)).size;
    if (now === size && now > 0) return;
    size = now;
  }
}

function settle(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function mb(bytes: number): string {
  return (bytes / MB).toFixed(0);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
