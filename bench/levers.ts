// `npm run bench -- --levers`: figure 3 (end to end, one worker) with hookstep's defaults and then with one lever
// changed at a time, each on a fresh dev server and worker, reported as after/before ratios from this one run.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { QUIET_LOGGER } from '../src/worker';
import { endToEnd, startTemporal, withWorkers, type Bench } from './figures';
import { spread } from './stats';

export interface Lever {
  name: string;
  /** Dev server dynamic config on top of hookstep's defaults. */
  dynamicConfig?: Record<string, string | number | boolean>;
  /** Worker.create options on top of hookstep's. */
  workerOptions?: Record<string, unknown>;
  /** Another workflows file to bundle in place of hookstep's (same workflow types and activities). */
  workflowsPath?: string;
}

export const LEVERS: Lever[] = [
  { name: 'hookstep defaults' },
  {
    name: 'worker: first attempt as a regular activity (no local-activity fast path)',
    workflowsPath: require.resolve('./baselines/regular-first/workflows'),
  },
  { name: 'server: eager activity dispatch off', dynamicConfig: { 'system.enableActivityEagerExecution': false } },
  {
    name: 'server: transfer and timer queues read 20 times a second per shard (server default)',
    dynamicConfig: { 'history.transferProcessorMaxPollRPS': 20, 'history.timerProcessorMaxPollRPS': 20 },
  },
  {
    name: 'worker: 40 workflow-task slots (SDK default; hookstep: as many as deliveries)',
    workerOptions: { maxConcurrentWorkflowTaskExecutions: 40 },
  },
  {
    name: 'worker: 100 cached workflows (SDK default: from the heap size)',
    workerOptions: { maxCachedWorkflows: 100 },
  },
  { name: 'worker: reuseV8Context off', workerOptions: { reuseV8Context: false } },
];

export async function runLevers(full: Bench, out: string): Promise<void> {
  // Smaller than figure 3 so every configuration fits in minutes; every lever runs the same load.
  const bench = {
    ...full,
    sizes: {
      ...full.sizes,
      e2eRuns: Math.min(600, full.sizes.e2eRuns),
      oneAtATime: Math.min(50, full.sizes.oneAtATime),
    },
  };
  const results: { lever: string; rate: number[]; singleP50: number[]; cpu: unknown[] }[] = [];
  for (const lever of LEVERS) {
    bench.log(`lever: ${lever.name}`);
    let bundlePath = bench.bundlePath;
    if (lever.workflowsPath) {
      bundlePath = `${bench.bundlePath}.lever.js`;
      const bundle = await bundleWorkflowCode({ workflowsPath: lever.workflowsPath, logger: QUIET_LOGGER });
      writeFileSync(bundlePath, bundle.code);
    }
    const temporal = await startTemporal('memory', lever.dynamicConfig);
    try {
      const setup = { workerOptions: lever.workerOptions, bundlePath };
      const metrics = await withWorkers(
        bench,
        temporal,
        'hookstep',
        (workers) => endToEnd(bench, temporal, workers, 'hookstep', 'lever', 3),
        setup,
      );
      const get = (key: string) => metrics.find((m) => m.key === key)!;
      results.push({
        lever: lever.name,
        rate: get('lever.rate').reps,
        singleP50: get('lever.single.p50').reps,
        cpu: get('lever.rate').detail ?? [],
      });
    } finally {
      await temporal.close();
    }
  }
  const base = results[0];
  const ratio = (after: number[], before: number[]) => spread(after).median / spread(before).median;
  const rows = results.map((r) => ({
    ...r,
    rateMedian: spread(r.rate).median,
    singleP50Median: spread(r.singleP50).median,
    rateRatio: ratio(r.rate, base.rate),
    singleP50Ratio: ratio(r.singleP50, base.singleP50),
  }));
  console.log('\n| lever | completions/s (median) | × defaults | one-at-a-time p50 | × defaults |');
  console.log('|---|---:|---:|---:|---:|');
  for (const r of rows) {
    console.log(
      `| ${r.lever} | ${r.rateMedian.toFixed(1)} | ${r.rateRatio.toFixed(2)} | ${r.singleP50Median.toFixed(1)} ms | ${r.singleP50Ratio.toFixed(2)} |`,
    );
  }
  writeFileSync(out, `${JSON.stringify({ sizes: bench.sizes, levers: rows }, null, 2)}\n`);
  console.log(`\nlevers: ${out}`);
}

export const leversFile = (dir: string, date: Date) => join(dir, `levers-${date.toISOString().slice(0, 10)}.json`);
