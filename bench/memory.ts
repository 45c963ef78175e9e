// Figure 10: worker memory against runs in flight. The receiver holds every request on /hold until released, so
// exactly N runs are in flight when the worker's resident memory is read (not a guess from timing); each N runs on a
// fresh worker process, whose idle size is read after a warm-up and again after the held runs end.
import type { WorkflowHandle } from '@temporalio/client';
import type { Child } from './children';
import { starter, withWorkers, type Bench, type Metric, type Temporal, type WorkerKind } from './figures';
import { rssBytes } from './proc';
import { closedLoop } from './stats';

const MB = 2 ** 20;
const WAIT_LIMIT_MS = 180_000;

interface Reading {
  idle: number;
  held: number;
  after: number;
}

export async function memoryFigure(
  bench: Bench,
  temporal: Temporal,
  kind: WorkerKind,
  counts: number[],
  figure = 10,
): Promise<Metric[]> {
  const metrics: Metric[] = [];
  for (const n of counts) {
    const readings: Reading[] = [];
    for (let rep = 0; rep < bench.sizes.reps; rep++) {
      readings.push(
        await withWorkers(bench, temporal, kind, ([worker]) => holdOpen(bench, temporal, kind, worker, n), {
          // At exactly its bound of 1,000 a worker was seen holding 998 first attempts (not yet explained: its task
          // pollers may hold slots too), so the bound sits above the largest count measured; memory per run held
          // does not depend on it.
          maxConcurrentDeliveries: kind === 'hookstep' ? Math.max(...counts) + 100 : undefined,
        }),
      );
      const r = readings.at(-1)!;
      bench.log(
        `  ${kind} ${n} in flight rep ${rep + 1}: idle ${mb(r.idle)} MB, held ${mb(r.held)} MB ` +
          `(${((r.held - r.idle) / n / MB).toFixed(2)} MB a run), after ${mb(r.after)} MB`,
      );
    }
    const key = `mem.${kind}.${n}`;
    metrics.push(
      {
        key: `${key}.held`,
        figure,
        label: `${kind}: worker RSS, ${n} runs in flight`,
        unit: 'MB',
        reps: readings.map((r) => r.held / MB),
      },
      {
        key: `${key}.perRun`,
        figure,
        label: `${kind}: RSS a run in flight above idle, ${n} in flight`,
        unit: 'MB',
        reps: readings.map((r) => (r.held - r.idle) / n / MB),
      },
      {
        key: `${key}.idle`,
        figure,
        label: `${kind}: idle worker RSS (after warm-up)`,
        unit: 'MB',
        reps: readings.map((r) => r.idle / MB),
      },
      {
        key: `${key}.after`,
        figure,
        label: `${kind}: worker RSS 5 s after the ${n} runs ended`,
        unit: 'MB',
        reps: readings.map((r) => r.after / MB),
      },
    );
  }
  return metrics;
}

async function holdOpen(bench: Bench, temporal: Temporal, kind: WorkerKind, worker: Child<unknown>, n: number) {
  const warm = starter(bench, temporal, kind, '/ok');
  await closedLoop(20, 1, async (i) => (await warm(i)).result());
  await settle();
  const idle = rssBytes(worker.pid);
  await bench.receiver.reset();
  // hookstep's held attempt may wait 5 minutes (the baselines' are fixed at 60 s), so filling never outlasts one.
  const hold = starter(bench, temporal, kind, '/hold', { timeout: '5m' });
  const handles: WorkflowHandle[] = [];
  await closedLoop(n, bench.sizes.startConcurrency, async (i) => void handles.push(await hold(i)));
  await waitForWaiting(bench, n);
  await settle();
  const held = rssBytes(worker.pid);
  await bench.receiver.release();
  await Promise.all(handles.map((h) => h.result()));
  await new Promise((resolve) => setTimeout(resolve, 5_000));
  return { idle, held, after: rssBytes(worker.pid) };
}

/** Polls the receiver until `n` requests wait on /hold; fails naming how many came when they do not. */
export async function waitForWaiting(bench: Bench, n: number): Promise<void> {
  const deadline = Date.now() + WAIT_LIMIT_MS;
  for (;;) {
    const { waiting } = await bench.receiver.stats();
    if (waiting >= n) return;
    if (Date.now() > deadline)
      throw new Error(`only ${waiting} of ${n} runs reached the receiver in ${WAIT_LIMIT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Lets allocation from the last step settle before reading memory. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 1_000));
}

function mb(bytes: number): string {
  return (bytes / MB).toFixed(0);
}
