// The seven figures. Each runs its load `reps` times and reports every repetition; run.ts summarises them.
import { setMaxListeners } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection, ServiceError, type WorkflowHandle } from '@temporalio/client';
import { Agent, request } from 'undici';
import { deliver } from '../activities/deliver';
import { buildRequest } from '../activities/request';
import { parseStepOrFail } from '../activities/validate';
import { DestinationPolicy, parseCidrList } from '../activities/destination';
import { createAgent } from '../activities/http';
import { startSendWebhook } from '../src/client';
import { startDevServer, type DevServer } from '../src/worker';
import type { StepInput } from '../src/contract';
import { startGoFloor, startWorker, type Child, type Receiver } from './children';
import { childrenNamed, cpuMs, rssSampler } from './proc';
import { closedLoop, percentile } from './stats';

export interface Sizes {
  reps: number;
  httpRequests: number;
  httpConcurrency: number;
  latencyRequests: number;
  e2eRuns: number;
  startConcurrency: number;
  oneAtATime: number;
  slowRuns: number;
  slowMs: number;
  flakyRuns: number;
  /** Figure 10: runs held in flight while the worker's memory is read. */
  memCounts: number[];
  /** Figure 11: webhooks one event fans out to, events sent to one webhook, and independent steps beside them. */
  eventDeliveries: number;
  /** Figure 12: events published to one webhook, and to one webhook and one automation; then some one at a time. */
  automationEvents: number;
  automationOneAtATime: number;
  /** Figure 13: events to a slow endpoint (answering after fairSlowMs) beside events to a fast one. */
  fairSlowEvents: number;
  fairFastEvents: number;
  fairSlowMs: number;
}

export const FULL: Sizes = {
  reps: 3,
  httpRequests: 20_000,
  httpConcurrency: 64,
  latencyRequests: 2_000,
  e2eRuns: 2_000,
  startConcurrency: 64,
  oneAtATime: 200,
  slowRuns: 1_000,
  slowMs: 2_000,
  flakyRuns: 1_000,
  memCounts: [100, 500, 1_000],
  eventDeliveries: 1_000,
  automationEvents: 200,
  automationOneAtATime: 20,
  fairSlowEvents: 500,
  fairFastEvents: 50,
  fairSlowMs: 1_000,
};

/** Proves every figure still runs (CI); its numbers mean nothing. */
export const SMOKE: Sizes = {
  reps: 1,
  httpRequests: 300,
  httpConcurrency: 64,
  latencyRequests: 30,
  e2eRuns: 30,
  startConcurrency: 16,
  oneAtATime: 5,
  slowRuns: 20,
  slowMs: 500,
  flakyRuns: 20,
  memCounts: [10, 20],
  eventDeliveries: 20,
  automationEvents: 10,
  automationOneAtATime: 3,
  fairSlowEvents: 20,
  fairFastEvents: 5,
  fairSlowMs: 200,
};

/** One number per repetition. `ratios` name another metric's key: the median of this over the median of that. */
export interface Metric {
  key: string;
  figure: number;
  label: string;
  unit: string;
  reps: number[];
  ratios?: Record<string, string>;
  /** Per-repetition detail that explains the number (CPU shares, attempts, ...). */
  detail?: Record<string, unknown>[];
}

export interface Bench {
  sizes: Sizes;
  receiver: Receiver;
  bundlePath: string;
  /** The Go floor's binary, when Go could build it. */
  goFloor?: string;
  /** Extra node flags for worker processes, e.g. --cpu-prof. */
  workerNodeArgs: string[];
  log(message: string): void;
}

export const BODY = { orderId: 'AG-1:ORD-9', total: 12.5, paid: true, note: null };

/** The step every figure sends: query, a header, a signature and a declared response, as a real step has. */
export function benchStep(url: string): StepInput {
  return {
    url,
    query: { eventType: 'order.created' },
    headers: { 'X-Api-Key': 'k-123' },
    body: BODY,
    response: { fields: { ok: 'boolean', ticketId: 'string', priority: 'number' } },
    signing: { secret: `whsec_${Buffer.from('bench-signing-secret-0123456789').toString('base64')}` },
  };
}

// ---- 1 and 2: the HTTP limit and hookstep's activity path, no Temporal --------------------------------------------

async function httpFigure(
  bench: Bench,
  figure: number,
  prefix: string,
  send: () => Promise<unknown>,
  ratios: Record<string, Record<string, string>> = {},
  what = '',
): Promise<Metric[]> {
  const { sizes } = bench;
  const rps: number[] = [];
  const p50: number[] = [];
  const p99: number[] = [];
  await closedLoop(Math.min(500, sizes.httpRequests), sizes.httpConcurrency, send); // warm-up: JIT and the pool
  for (let rep = 0; rep < sizes.reps; rep++) {
    const load = await closedLoop(sizes.httpRequests, sizes.httpConcurrency, send);
    rps.push(sizes.httpRequests / (load.elapsedMs / 1000));
    const one = await closedLoop(sizes.latencyRequests, 1, send);
    p50.push(percentile(one.latencies, 50));
    p99.push(percentile(one.latencies, 99));
    bench.log(`  ${prefix} rep ${rep + 1}: ${rps.at(-1)!.toFixed(0)} req/s, p50 ${p50.at(-1)!.toFixed(2)} ms`);
  }
  const c = sizes.httpConcurrency;
  return [
    {
      key: `${prefix}.rps`,
      figure,
      label: `${what}requests/s, concurrency ${c}`,
      unit: 'req/s',
      reps: rps,
      ratios: ratios['rps'],
    },
    {
      key: `${prefix}.p50`,
      figure,
      label: `${what}latency p50, concurrency 1`,
      unit: 'ms',
      reps: p50,
      ratios: ratios['p50'],
    },
    { key: `${prefix}.p99`, figure, label: `${what}latency p99, concurrency 1`, unit: 'ms', reps: p99 },
  ];
}

export async function figure1(bench: Bench): Promise<Metric[]> {
  const agent = new Agent();
  const url = `${bench.receiver.url}/ok?eventType=order.created`;
  const body = JSON.stringify(BODY);
  // The step's own request (its headers and signature built once): the same bytes on the wire as figure 2 sends, so
  // figure 2's ratio to it is hookstep's own cost, not the receiver's for parsing five more headers.
  const same = buildRequest(parseStepOrFail(benchStep(`${bench.receiver.url}/ok`)), 'bench-same', Date.now());
  try {
    const bare = await httpFigure(bench, 1, 'http', async () => {
      const res = await request(url, {
        dispatcher: agent,
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json' },
      });
      await res.body.text();
    });
    const sameRequest = await httpFigure(
      bench,
      1,
      'httpSame',
      async () => {
        const res = await request(same.url, {
          dispatcher: agent,
          method: 'POST',
          body: same.body,
          headers: same.headers,
        });
        await res.body.text();
      },
      {},
      "the step's request: ",
    );
    return [...bare, ...sameRequest];
  } finally {
    await agent.close();
  }
}

export async function figure2(bench: Bench): Promise<Metric[]> {
  const agent = createAgent({ policy: new DestinationPolicy(parseCidrList('127.0.0.0/8')) });
  // What the activity does per attempt: parse the step as its caller wrote it, then deliver.
  const input = benchStep(`${bench.receiver.url}/ok`);
  let n = 0;
  try {
    return await httpFigure(
      bench,
      2,
      'activity',
      () => deliver({ step: parseStepOrFail(input), webhookId: `bench-${n++}` }, { agent, attempt: 1 }),
      {
        rps: { "of the step's request, raw": 'httpSame.rps', 'of HTTP limit': 'http.rps' },
        p50: { "of the step's request, raw": 'httpSame.p50', 'of HTTP limit': 'http.p50' },
      },
    );
  } finally {
    await agent.close();
  }
}

// ---- Temporal set-up shared by figures 3 to 7 ----------------------------------------------------------------------

export interface Temporal {
  server: DevServer;
  serverPid: number;
  client: Client;
  close(): Promise<void>;
}

export async function startTemporal(
  storage: 'memory' | 'file',
  dynamicConfig?: Record<string, string | number | boolean>,
  sqlitePragmas?: Record<string, string>,
): Promise<Temporal> {
  const before = new Set(childrenNamed(process.pid, 'temporal'));
  const server = await startDevServer({
    dynamicConfig,
    sqlitePragmas,
    ...(storage === 'file' ? { dbFilename: join(mkdtempSync(join(tmpdir(), 'hookstep-bench-')), 'temporal.db') } : {}),
  });
  const serverPid = childrenNamed(process.pid, 'temporal').find((pid) => !before.has(pid)) ?? NaN;
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection });
  return {
    server,
    serverPid,
    client,
    async close() {
      await connection.close();
      await server.stop();
    },
  };
}

/** hookstep's worker; the naive TypeScript baseline (fetch, SDK defaults); the Go floor (net/http, Go SDK). */
export type WorkerKind = 'hookstep' | 'naive' | 'go';

export interface WorkerSetup {
  count?: number;
  workerOptions?: Record<string, unknown>;
  bundlePath?: string;
  /** hookstep: serve the HTTP API of event webhooks from the worker process, on an in-memory registry. */
  api?: boolean;
  /** hookstep: the worker's deliveries bound (HOOKSTEP_MAX_CONCURRENT_DELIVERIES), when not its default. */
  maxConcurrentDeliveries?: number;
}

/** Starts worker processes, runs `fn` with them, and stops them whatever happens. */
export async function withWorkers<T>(
  bench: Bench,
  temporal: Temporal,
  kind: WorkerKind,
  fn: (workers: Child<unknown>[]) => Promise<T>,
  {
    count = 1,
    workerOptions = {},
    bundlePath = bench.bundlePath,
    api = false,
    maxConcurrentDeliveries,
  }: WorkerSetup = {},
): Promise<T> {
  const taskQueue = `bench-${kind}`;
  const address = temporal.server.address;
  const start = () => {
    if (kind !== 'go') {
      const config = {
        kind,
        address,
        taskQueue,
        bundlePath: kind === 'hookstep' ? bundlePath : undefined,
        workerOptions,
        api,
        maxConcurrentDeliveries,
      };
      return startWorker(config, bench.workerNodeArgs);
    }
    if (!bench.goFloor) throw new Error('the Go floor was not built (is Go installed?)');
    return startGoFloor(bench.goFloor, address, taskQueue);
  };
  const workers = await Promise.all(Array.from({ length: count }, start));
  try {
    return await fn(workers);
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
  }
}

let runSeq = 0;

/** Starts one delivery of the given kind and receiver path; returns its handle. */
export function starter(
  bench: Bench,
  temporal: Temporal,
  kind: WorkerKind,
  path: string,
  step: Partial<StepInput> = {},
) {
  const url = `${bench.receiver.url}${path}`;
  const run = `${Date.now().toString(36)}-${runSeq++}`;
  return (i: number): Promise<WorkflowHandle> => {
    const workflowId = `bench-${kind}-${run}-${i}`;
    if (kind !== 'hookstep') {
      // The baselines send the same body and query; they neither sign nor type the reply.
      return temporal.client.workflow.start(kind === 'go' ? 'goSendWebhook' : 'naiveSendWebhook', {
        taskQueue: `bench-${kind}`,
        workflowId,
        args: [`${url}${url.includes('?') ? '&' : '?'}eventType=order.created`, BODY],
      });
    }
    return startSendWebhook(
      temporal.client,
      { ...benchStep(url), ...step },
      { taskQueue: 'bench-hookstep', workflowId },
    );
  };
}

interface Burst {
  elapsedMs: number;
  sustainedPerSecond: number;
  latencies: number[];
  results: unknown[];
  /** % of one core per process over the burst. */
  cpu: Record<string, number>;
  /** CPU milliseconds per process over the burst. */
  cpuMs: Record<string, number>;
}

/** Starts `total` runs as fast as one client can (bounded in-flight starts) and waits for every result. */
export async function burst(
  bench: Bench,
  temporal: Temporal,
  workers: Child<unknown>[],
  total: number,
  start: (i: number) => Promise<WorkflowHandle>,
): Promise<Burst> {
  const cpu = cpuMeter(bench, temporal, workers);
  const t0 = performance.now();
  const finished: number[] = [];
  const latencies: number[] = [];
  const results: Promise<unknown>[] = [];
  // A failed burst cancels the result polls it leaves behind, so none outlives the figure or its connection.
  const abandon = new AbortController();
  // Every result poll listens to it; thousands of listeners are expected, not a leak.
  setMaxListeners(0, abandon.signal);
  const values = await (async () => {
    await closedLoop(total, bench.sizes.startConcurrency, async (i) => {
      const started = performance.now();
      const handle = await start(i);
      results.push(
        temporal.client
          .withAbortSignal(abandon.signal, () => resultOf(handle))
          .then((r: unknown) => {
            const now = performance.now();
            finished.push(now);
            latencies.push(now - started);
            return r;
          }),
      );
    });
    return Promise.all(results);
  })().catch((err: unknown) => {
    abandon.abort();
    throw err;
  });
  const elapsedMs = performance.now() - t0;
  // Sustained: completions after the first 10% (warm-up) over the time they took.
  finished.sort((a, b) => a - b);
  const warm = Math.floor(total * 0.1);
  const window = (finished[total - 1] - finished[warm]) / 1000;
  return {
    elapsedMs,
    sustainedPerSecond: window > 0 ? (total - 1 - warm) / window : NaN,
    latencies,
    results: values,
    ...cpu.stop(elapsedMs),
  };
}

/** CPU used per process during a load, as % of one core (2 cores = 200%): where the time goes. */
export function cpuMeter(bench: Bench, temporal: Temporal, workers: Child<unknown>[]) {
  const pids: Record<string, number> = { server: temporal.serverPid, receiver: bench.receiver.pid };
  workers.forEach((w, i) => (pids[`worker${workers.length > 1 ? i + 1 : ''}`] = w.pid));
  const before = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, cpuMs(pid)]));
  const self = process.cpuUsage();
  return {
    stop(elapsedMs: number): { cpu: Record<string, number>; cpuMs: Record<string, number> } {
      const used = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, cpuMs(pid) - before[k]]));
      const mine = process.cpuUsage(self);
      used.client = (mine.user + mine.system) / 1000;
      const cpu = Object.fromEntries(Object.entries(used).map(([k, ms]) => [k, Math.round((ms / elapsedMs) * 100)]));
      return { cpu, cpuMs: used };
    },
  };
}

async function oneAtATime(total: number, start: (i: number) => Promise<WorkflowHandle>): Promise<number[]> {
  const { latencies } = await closedLoop(total, 1, async (i) => resultOf(await start(i)));
  return latencies;
}

/**
 * A run's result, asked again when the server fails the read itself (a ServiceError, not the run's failure): under a
 * burst of thousands of long polls the dev server now and then answers one with an internal deadline, and one lost
 * read would otherwise discard the whole figure (it did, once, for the Go floor's).
 */
export async function resultOf(handle: WorkflowHandle, tries = 3): Promise<unknown> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await handle.result();
    } catch (err) {
      if (!(err instanceof ServiceError) || attempt >= tries) throw err;
    }
  }
}

// ---- 3 and 7: end to end ------------------------------------------------------------------------------------------

export async function endToEnd(
  bench: Bench,
  temporal: Temporal,
  workers: Child<unknown>[],
  kind: WorkerKind,
  prefix: string,
  figure: number,
  ratios: Record<string, Record<string, string>> = {},
): Promise<Metric[]> {
  const { sizes } = bench;
  const start = starter(bench, temporal, kind, '/ok');
  // Warm-up, one at a time so no backlog forms: JIT, pools, the workflow cache.
  await oneAtATime(Math.min(20, sizes.oneAtATime * 4), start);
  const single50: number[] = [];
  const single99: number[] = [];
  // One at a time on a quiet system first: after a burst the dev server's matching dispatches more slowly for a
  // while (measured below as "after a burst"), which is a property of the server, not of one delivery.
  for (let rep = 0; rep < sizes.reps; rep++) {
    const single = await oneAtATime(sizes.oneAtATime, start);
    single50.push(percentile(single, 50));
    single99.push(percentile(single, 99));
  }
  const rate: number[] = [];
  const p50: number[] = [];
  const p99: number[] = [];
  const after50: number[] = [];
  const workerCpu: number[] = [];
  const allCpu: number[] = [];
  const detail: Record<string, unknown>[] = [];
  for (let rep = 0; rep < sizes.reps; rep++) {
    const b = await burst(bench, temporal, workers, sizes.e2eRuns, start);
    const cpu = cpuPerDelivery(b.cpuMs, sizes.e2eRuns);
    workerCpu.push(cpu.workers);
    allCpu.push(cpu.all);
    rate.push(b.sustainedPerSecond);
    p50.push(percentile(b.latencies, 50));
    p99.push(percentile(b.latencies, 99));
    detail.push({ cpuPercent: b.cpu, allDoneMs: Math.round(b.elapsedMs) });
    after50.push(percentile(await oneAtATime(Math.min(50, sizes.oneAtATime), start), 50));
    bench.log(
      `  ${prefix} rep ${rep + 1}: ${b.sustainedPerSecond.toFixed(0)}/s sustained, one-at-a-time p50 ` +
        `${single50[rep].toFixed(1)} ms (after the burst ${after50.at(-1)!.toFixed(1)} ms); CPU % ${JSON.stringify(b.cpu)}`,
    );
  }
  const n = sizes.e2eRuns;
  return [
    {
      key: `${prefix}.rate`,
      figure,
      label: `${n} runs: sustained completions/s`,
      unit: '/s',
      reps: rate,
      ratios: ratios['rate'],
      detail,
    },
    { key: `${prefix}.p50`, figure, label: `${n} runs: start-to-result p50`, unit: 'ms', reps: p50 },
    { key: `${prefix}.p99`, figure, label: `${n} runs: start-to-result p99`, unit: 'ms', reps: p99 },
    {
      key: `${prefix}.single.p50`,
      figure,
      label: 'one at a time: p50',
      unit: 'ms',
      reps: single50,
      ratios: ratios['single.p50'],
    },
    { key: `${prefix}.single.p99`, figure, label: 'one at a time: p99', unit: 'ms', reps: single99 },
    { key: `${prefix}.after.p50`, figure, label: 'one at a time after a burst: p50', unit: 'ms', reps: after50 },
    {
      key: `${prefix}.workerCpu`,
      figure,
      label: `${n} runs: worker CPU per delivery`,
      unit: 'ms',
      reps: workerCpu,
      ratios: ratios['workerCpu'],
    },
    {
      key: `${prefix}.cpuPer1000`,
      figure,
      label: `${n} runs: CPU per 1,000 deliveries, every process`,
      unit: 's',
      reps: allCpu,
      ratios: ratios['cpuPer1000'],
    },
  ];
}

/**
 * Worker CPU (every worker process) per delivery in ms, and every process's (server, workers, client, receiver) per
 * 1,000 deliveries in s: numerically the same as ms per delivery.
 */
export function cpuPerDelivery(cpuMs: Record<string, number>, runs: number): { workers: number; all: number } {
  const sum = (keys: string[]) => keys.reduce((total, k) => total + cpuMs[k], 0);
  const all = Object.keys(cpuMs);
  return { workers: sum(all.filter((k) => k.startsWith('worker'))) / runs, all: sum(all) / runs };
}

// ---- 4: slow receivers --------------------------------------------------------------------------------------------

export async function slowReceivers(
  bench: Bench,
  temporal: Temporal,
  workers: Child<unknown>[],
  kind: WorkerKind,
  prefix: string,
  figure: number,
  ratios: Record<string, Record<string, string>> = {},
): Promise<Metric[]> {
  const { sizes } = bench;
  const start = starter(bench, temporal, kind, `/slow?ms=${sizes.slowMs}`);
  const doneMs: number[] = [];
  const rss: number[] = [];
  const sockets: number[] = [];
  for (let rep = 0; rep < sizes.reps; rep++) {
    await bench.receiver.reset();
    const sampler = rssSampler(workers.map((w) => w.pid));
    const b = await burst(bench, temporal, workers, sizes.slowRuns, start);
    const peaks = sampler.stop();
    doneMs.push(b.elapsedMs);
    rss.push(Math.max(...peaks) / 2 ** 20);
    sockets.push((await bench.receiver.stats()).peakOpenSockets);
    bench.log(
      `  ${prefix} rep ${rep + 1}: all done in ${(b.elapsedMs / 1000).toFixed(1)} s, peak RSS ${rss.at(-1)!.toFixed(0)} MB, ` +
        `${sockets.at(-1)} sockets`,
    );
  }
  const n = sizes.slowRuns;
  const s = sizes.slowMs / 1000;
  return [
    {
      key: `${prefix}.done`,
      figure,
      label: `${n} runs, ${s} s receiver: all done`,
      unit: 'ms',
      reps: doneMs,
      ratios: ratios['done'],
    },
    {
      key: `${prefix}.rss`,
      figure,
      label: `${n} runs, ${s} s receiver: worker peak RSS`,
      unit: 'MB',
      reps: rss,
      ratios: ratios['rss'],
    },
    {
      key: `${prefix}.sockets`,
      figure,
      label: `${n} runs, ${s} s receiver: peak open sockets`,
      unit: '',
      reps: sockets,
    },
  ];
}

// ---- 5: failure path ----------------------------------------------------------------------------------------------

export async function failurePath(bench: Bench, temporal: Temporal, workers: Child<unknown>[]): Promise<Metric[]> {
  const { sizes } = bench;
  // Short backoff so the figure measures the machinery, not the waiting; unbounded attempts would hide a lost step.
  const retry = { initialInterval: '100ms', backoffCoefficient: 2, maximumInterval: '1s', maximumAttempts: 30 };
  const start = starter(bench, temporal, 'hookstep', '/flaky?rate=0.5', { retry });
  const doneMs: number[] = [];
  const attempts: number[] = [];
  const detail: Record<string, unknown>[] = [];
  for (let rep = 0; rep < sizes.reps; rep++) {
    await bench.receiver.reset();
    const b = await burst(bench, temporal, workers, sizes.flakyRuns, start);
    const stats = await bench.receiver.stats();
    const delivered = (b.results as { status: number }[]).filter((r) => r.status === 200).length;
    if (delivered !== sizes.flakyRuns || stats.deliveredIds !== sizes.flakyRuns) {
      throw new Error(`failure path lost steps: ${delivered} results, ${stats.deliveredIds} ids delivered`);
    }
    doneMs.push(b.elapsedMs);
    attempts.push(stats.requests);
    detail.push({ delivered, failedResponses: stats.failed });
    bench.log(
      `  failure rep ${rep + 1}: ${delivered} delivered, ${stats.requests} attempts, ${(b.elapsedMs / 1000).toFixed(1)} s`,
    );
  }
  const n = sizes.flakyRuns;
  return [
    { key: 'failure.done', figure: 5, label: `${n} runs, 50% 500s: all delivered`, unit: 'ms', reps: doneMs, detail },
    { key: 'failure.attempts', figure: 5, label: `${n} runs, 50% 500s: total attempts`, unit: '', reps: attempts },
  ];
}
