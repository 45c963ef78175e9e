// Figure 9, scale-out on the cluster: figure 3's burst of sendWebhook runs against the running `scripts/cluster`
// (Temporal on PostgreSQL), with one and then two worker processes, and where the CPU goes: the server's share,
// PostgreSQL's (postmaster and backends), each worker's, the receiver's and the client's, as % of one core.
import { Client, Connection } from '@temporalio/client';
import { postgresOf, readCluster, serverOf } from '../scripts/temporal-cluster/cluster';
import { loadClusterEnv } from '../scripts/temporal-cluster/env';
import { postmasterPid } from '../scripts/temporal-cluster/postgres';
import { serverPid, serving } from '../scripts/temporal-cluster/server';
import { startSendWebhook } from '../src/client';
import { startWorker, type Child } from './children';
import { benchStep, type Bench, type Metric } from './figures';
import { childrenNamed, cpuMs, rssSampler } from './proc';
import { closedLoop, percentile } from './stats';

interface Target {
  client: Client;
  address: string;
  serverPid: number;
  postmasterPid: number;
}

export async function figureCluster(bench: Bench): Promise<Metric[]> {
  const dir = loadClusterEnv().HOOKSTEP_CLUSTER_DIR;
  const cluster = readCluster(dir);
  if (!cluster || !(await serving(cluster.address))) {
    throw new Error(`figure 9 needs a running cluster and none serves from ${dir}: run scripts/cluster up first`);
  }
  const connection = await Connection.connect({ address: cluster.address });
  const target: Target = {
    client: new Client({ connection }),
    address: cluster.address,
    serverPid: serverPid(serverOf(cluster)) ?? NaN,
    postmasterPid: postmasterPid(postgresOf(cluster)) ?? NaN,
  };
  try {
    const one = await withWorkers(bench, target, 1);
    const two = await withWorkers(bench, target, 2);
    return [...one, ...two];
  } finally {
    await connection.close();
  }
}

async function withWorkers(bench: Bench, target: Target, count: 1 | 2): Promise<Metric[]> {
  const taskQueue = `bench-cluster-${count}-${Date.now().toString(36)}`;
  const config = { kind: 'hookstep' as const, address: target.address, taskQueue, bundlePath: bench.bundlePath };
  const workers = await Promise.all(Array.from({ length: count }, () => startWorker(config, bench.workerNodeArgs)));
  try {
    const { sizes } = bench;
    let seq = 0;
    const start = () =>
      startSendWebhook(target.client, benchStep(`${bench.receiver.url}/ok`), {
        taskQueue,
        workflowId: `${taskQueue}-${seq++}`,
      });
    // Warm-up, one at a time so no backlog forms: JIT, pools, the workflow cache.
    await closedLoop(Math.min(20, sizes.oneAtATime * 4), 1, async () => (await start()).result());
    const rate: number[] = [];
    const p50: number[] = [];
    const detail: Record<string, unknown>[] = [];
    const rss: number[] = [];
    for (let rep = 0; rep < sizes.reps; rep++) {
      const meter = cpuMeter(bench, target, workers);
      const sampler = rssSampler(workers.map((w) => w.pid));
      const b = await burst(sizes.e2eRuns, sizes.startConcurrency, start);
      const cpu = meter.stop(b.elapsedMs);
      rss.push(Math.max(...sampler.stop()) / 2 ** 20);
      rate.push(b.sustainedPerSecond);
      p50.push(percentile(b.latencies, 50));
      detail.push({ cpuPercent: cpu, allDoneMs: Math.round(b.elapsedMs) });
      bench.log(
        `  cluster, ${count} worker(s), rep ${rep + 1}: ${b.sustainedPerSecond.toFixed(1)}/s sustained; ` +
          `CPU % ${JSON.stringify(cpu)}; worker peak RSS ${rss.at(-1)!.toFixed(0)} MB`,
      );
    }
    const n = sizes.e2eRuns;
    const w = count === 1 ? '1 worker' : '2 workers';
    const shares = (key: string) => detail.map((d) => (d.cpuPercent as Record<string, number>)[key]);
    return [
      {
        key: `cluster.rate.${count}`,
        figure: 9,
        label: `${n} runs, ${w}: sustained completions/s`,
        unit: '/s',
        reps: rate,
        ratios: count === 2 ? { 'of one worker': 'cluster.rate.1' } : undefined,
        detail,
      },
      { key: `cluster.p50.${count}`, figure: 9, label: `${n} runs, ${w}: start-to-result p50`, unit: 'ms', reps: p50 },
      { key: `cluster.server.${count}`, figure: 9, label: `${w}: server CPU`, unit: '% core', reps: shares('server') },
      {
        key: `cluster.postgres.${count}`,
        figure: 9,
        label: `${w}: PostgreSQL CPU`,
        unit: '% core',
        reps: shares('postgres'),
      },
      { key: `cluster.rss.${count}`, figure: 9, label: `${w}: peak RSS per worker`, unit: 'MB', reps: rss },
    ];
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
  }
}

/** As figures 3-7's burst: as fast as one client starts them, every result awaited, sustained after the first 10%. */
async function burst(total: number, concurrency: number, start: () => Promise<{ result(): Promise<unknown> }>) {
  const t0 = performance.now();
  const finished: number[] = [];
  const latencies: number[] = [];
  const results: Promise<unknown>[] = [];
  await closedLoop(total, concurrency, async () => {
    const started = performance.now();
    const handle = await start();
    results.push(
      handle.result().then(() => {
        const now = performance.now();
        finished.push(now);
        latencies.push(now - started);
      }),
    );
  });
  await Promise.all(results);
  const elapsedMs = performance.now() - t0;
  finished.sort((a, b) => a - b);
  const warm = Math.floor(total * 0.1);
  const window = (finished[total - 1] - finished[warm]) / 1000;
  return { elapsedMs, latencies, sustainedPerSecond: window > 0 ? (total - 1 - warm) / window : NaN };
}

/**
 * CPU per process during a burst, as % of one core. PostgreSQL is the postmaster and its live children (backends,
 * background workers); the server's connection pools keep their backends for an hour, so none exits mid-burst.
 */
function cpuMeter(bench: Bench, target: Target, workers: Child<unknown>[]) {
  const postgres = () =>
    [target.postmasterPid, ...childrenNamed(target.postmasterPid, 'postgres')].reduce(
      (sum, pid) => sum + cpuMs(pid),
      0,
    );
  const probes: Record<string, () => number> = {
    server: () => cpuMs(target.serverPid),
    postgres,
    receiver: () => cpuMs(bench.receiver.pid),
  };
  workers.forEach((w, i) => (probes[`worker${workers.length > 1 ? i + 1 : ''}`] = () => cpuMs(w.pid)));
  const before = Object.fromEntries(Object.entries(probes).map(([k, probe]) => [k, probe()]));
  const self = process.cpuUsage();
  return {
    stop(elapsedMs: number): Record<string, number> {
      const used = Object.fromEntries(Object.entries(probes).map(([k, probe]) => [k, probe() - before[k]]));
      const mine = process.cpuUsage(self);
      used.client = (mine.user + mine.system) / 1000;
      return Object.fromEntries(Object.entries(used).map(([k, ms]) => [k, Math.round((ms / elapsedMs) * 100)]));
    },
  };
}
