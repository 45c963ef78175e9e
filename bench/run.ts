// `npm run bench`: the machine, then the figures (HTTP limit, activity path, end to end, slow receivers, failure path,
// scale-out, the naive and Go baselines, the receiver kit, memory against runs in flight, event webhooks, what an
// automation adds to a publish, fair delivery), each the median of its repetitions with min and max, written to
// bench/results/.
// Everything it talks to runs on 127.0.0.1 and is started and stopped here.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { z } from 'zod';
import { buildGoFloor, startReceiver } from './children';
import {
  FULL,
  SMOKE,
  endToEnd,
  figure1,
  figure2,
  startTemporal,
  withWorkers,
  type Bench,
  type Metric,
} from './figures';
import { figureReceiver } from './figureReceiver';
import { figureCluster } from './figureCluster';
import { figureFair } from './figureFair';
import { figureEventMemory } from './figureEventMemory';
import { leversFile, runLevers } from './levers';
import { describeMachine } from './machine';
import { QUIET_LOGGER, bundleWorkflows } from '../src/worker';
import { FigureGuard } from './guard';
import { DEFAULT_FIGURES, inMemoryFigures } from './suite';
import { renderTable, summarise } from './report';

const FlagsSchema = z.object({
  smoke: z.boolean().default(false),
  reps: z.coerce.number().int().min(1).max(20).optional(),
  figures: z
    .string()
    .regex(/^([1-9]|1[0-4])(,([1-9]|1[0-4]))*$/, 'a comma-separated list of figure numbers 1-14')
    .default(DEFAULT_FIGURES)
    .transform((s) => new Set(s.split(',').map(Number))),
  out: z.string().optional(),
  cpuProf: z.boolean().default(false),
  levers: z.boolean().default(false),
  cluster: z.boolean().default(false),
});

async function main(): Promise<void> {
  const program = new Command('bench')
    .option('--smoke', 'a few dozen runs per figure, to prove the bench works (numbers mean nothing)')
    .option('--reps <n>', 'repetitions per figure (default 3; smoke 1)')
    .option('--figures <list>', 'which figures, e.g. 1,2,3')
    .option('--out <file>', 'where to write the JSON results')
    .option('--levers', 'figure 3 with one lever changed at a time, as after/before ratios (bench/LEVERS.md)')
    .option('--cluster', 'figure 9 only: scale-out against the running scripts/cluster (Temporal on PostgreSQL)')
    .option('--cpu-prof', 'write a V8 CPU profile of each worker process to bench/results/profiles/')
    .parse();
  const parsed = FlagsSchema.safeParse(program.opts());
  if (!parsed.success) {
    for (const issue of parsed.error.issues) console.error(`--${issue.path.join('.')}: ${issue.message}`);
    process.exit(2);
  }
  const flags = parsed.data;
  const sizes = { ...(flags.smoke ? SMOKE : FULL), ...(flags.reps ? { reps: flags.reps } : {}) };

  const machine = describeMachine();
  console.log('machine');
  for (const [k, v] of Object.entries(machine)) console.log(`  ${k.padEnd(12)} ${v}`);
  console.log(
    `sizes ${JSON.stringify(sizes)}${flags.smoke ? '  (SMOKE: proves the bench runs; not a measurement)' : ''}`,
  );

  const log = (m: string) => console.log(m);
  const started = new Date();
  const metrics: Metric[] = [];
  const receiver = await startReceiver();
  const bundleDir = mkdtempSync(join(tmpdir(), 'hookstep-bench-'));
  const bundlePath = join(bundleDir, 'workflows.js');
  const bundle = await bundleWorkflows(QUIET_LOGGER);
  writeFileSync(bundlePath, bundle.code);
  log(
    `workflow bundle: ${(Buffer.byteLength(bundle.code) / 1024).toFixed(0)} KiB (the code each workflow run evaluates)`,
  );
  const goFloor = buildGoFloor(bundleDir, log);
  const profileDir = join(__dirname, 'results', 'profiles');
  if (flags.cpuProf) mkdirSync(profileDir, { recursive: true });
  const bench: Bench = {
    sizes,
    receiver,
    bundlePath,
    goFloor,
    workerNodeArgs: flags.cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
    log,
  };
  if (flags.levers) {
    try {
      await runLevers(bench, flags.out ?? leversFile(join(__dirname, 'results'), started));
    } finally {
      await receiver.stop();
    }
    return;
  }
  const want = flags.cluster ? new Set<number>() : flags.figures;
  const guard = new FigureGuard(log);
  const figure = async (name: string, fn: () => Promise<Metric[]>) => {
    log(name);
    metrics.push(...((await guard.run(name, fn)) ?? []));
  };

  try {
    if (flags.cluster)
      await figure('figure 9: scale-out on the cluster (Temporal on PostgreSQL)', () => figureCluster(bench));
    if (want.has(1)) await figure('figure 1: HTTP limit (raw undici)', () => figure1(bench));
    if (want.has(2)) await figure('figure 2: activity path (deliver() without Temporal)', () => figure2(bench));
    if ([3, 4, 5, 6, 7, 10, 11, 12].some((f) => want.has(f))) {
      await guard.run('figures 3-7: in-memory dev server', async () => {
        const temporal = await startTemporal('memory');
        try {
          await inMemoryFigures(bench, temporal, want, figure);
        } finally {
          await temporal.close();
        }
      });
      if (want.has(3)) {
        await figure(
          'figure 3: end to end, one worker, file-backed dev server (as `hookstep dev` runs it)',
          async () => {
            const file = await startTemporal('file');
            const ratios = { rate: { 'of in-memory': 'e2e.rate' }, 'single.p50': { 'of in-memory': 'e2e.single.p50' } };
            try {
              return await withWorkers(bench, file, 'hookstep', (workers) =>
                endToEnd(bench, file, workers, 'hookstep', 'e2e.file', 3, ratios),
              );
            } finally {
              await file.close();
            }
          },
        );
      }
    }
    if (want.has(8)) await figure('figure 8: receiver kit', () => figureReceiver(bench, flags.smoke));
    if (want.has(13)) {
      // Its own in-memory server: the figures before leave thousands of histories that would weigh on its p99.
      await figure("figure 13: fair delivery (a slow endpoint's burst beside a fast endpoint)", async () => {
        const temporal = await startTemporal('memory');
        try {
          return await figureFair(bench, temporal);
        } finally {
          await temporal.close();
        }
      });
    }
    if (want.has(14)) {
      await figure('figure 14: worker memory per event delivery in flight (both shapes of figure 11)', async () => {
        const temporal = await startTemporal('memory');
        try {
          return await figureEventMemory(bench, temporal, bench.sizes.memCounts.at(-1)!);
        } finally {
          await temporal.close();
        }
      });
    }
  } finally {
    await receiver.stop();
  }

  const rows = summarise(metrics);
  console.log();
  console.log(renderTable(rows));
  const out =
    flags.out ??
    (flags.smoke
      ? join(bundleDir, 'smoke.json')
      : join(__dirname, 'results', `${flags.cluster ? 'cluster-' : ''}${started.toISOString().slice(0, 10)}.json`));
  mkdirSync(join(out, '..'), { recursive: true });
  writeFileSync(
    out,
    `${JSON.stringify({ machine, sizes, startedAt: started.toISOString(), figures: rows }, null, 2)}\n`,
  );
  console.log(`\nresults: ${out}`);
  guard.dispose();
  if (guard.failures.length > 0) {
    console.error(`\n${guard.failures.length} figure(s) failed:`);
    for (const f of guard.failures)
      console.error(`  ${f.figure}: ${f.error}${f.times > 1 ? ` (${f.times} times)` : ''}`);
    process.exitCode = 1;
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
