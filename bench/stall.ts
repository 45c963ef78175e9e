// `npx tsx bench/stall.ts`: issue 23's items 2 and 3 in one run, small enough for a shared machine. Per storage (in
// memory, file-backed) and per setup (`before`: the server's defaults this change overrides; `now`: hookstep dev's
// settings), on a fresh dev server and worker each: steps one at a time (p50, p99, the ~2 s mode, and for each slow
// run where its history says the time went), then a burst (sustained rate, p50, CPU per 1,000 with every process).
// Setups are interleaved, so before and after share the machine's load; compare ratios within one run.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { temporal as proto } from '@temporalio/proto';
import { z } from 'zod';
import { QUIET_LOGGER, bundleWorkflows } from '../src/worker';
import { startReceiver } from './children';
import {
  FULL,
  burst,
  cpuPerDelivery,
  resultOf,
  startTemporal,
  starter,
  withWorkers,
  type Bench,
  type Temporal,
} from './figures';
import { percentile } from './stats';

type Settings = { dynamicConfig: Record<string, string | number | boolean>; sqlitePragmas: Record<string, string> };

/** What each setup changes on top of hookstep dev's settings (src/worker/devServer.ts). */
const SETUPS: Record<string, Settings> = {
  // The server's and SQLite's defaults: 4 partitions per task queue; a rollback journal synced in full on every
  // commit, the file locked per transaction, a 2 MB page cache.
  before: {
    dynamicConfig: { 'matching.numTaskqueueWritePartitions': 4 },
    sqlitePragmas: { journal_mode: 'DELETE', synchronous: 'FULL', locking_mode: 'NORMAL', cache_size: '-2000' },
  },
  now: { dynamicConfig: {}, sqlitePragmas: {} },
};

const KeyValues = z
  .array(z.string().regex(/^[\w.]+=.+$/, 'key=value'))
  .default([])
  .transform((pairs) => pairs.map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)] as const));

const FlagsSchema = z.object({
  runs: z.coerce.number().int().min(10).default(400),
  burst: z.coerce.number().int().min(0).default(600),
  storage: z.enum(['memory', 'file', 'both']).default('both'),
  setups: z
    .string()
    .default('before,now')
    .transform((s) => s.split(','))
    .pipe(z.array(z.enum(['before', 'now'])).min(1)),
  magnify: z.boolean().default(false),
  dc: KeyValues,
  pragma: KeyValues,
});

interface Row {
  label: string;
  p50: number;
  p99: number;
  stalls: number;
  rate?: number;
  burstP50?: number;
  cpuPer1000?: number;
  load: string;
}

const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');

async function main(): Promise<void> {
  const program = new Command('stall')
    .option('--runs <n>', 'steps one at a time per setup', '400')
    .option('--burst <n>', 'steps in the burst per setup (64 starts in flight); 0 for none', '600')
    .option('--storage <which>', 'memory, file or both', 'both')
    .option('--setups <list>', 'before,now (before: the server defaults this change overrides)', 'before,now')
    .option(
      '--magnify',
      'matching forwards 2 tasks a second per partition instead of 10: the stall of partitions made frequent on a ' +
        'loaded machine, where steps are too slow to exceed 10 (a diagnosis, not a setting)',
    )
    .option('--dc <key=value...>', 'extra server dynamic config on every setup')
    .option('--pragma <key=value...>', 'extra SQLite pragma on every file-backed setup')
    .parse();
  const parsed = FlagsSchema.safeParse(program.opts());
  if (!parsed.success) {
    for (const issue of parsed.error.issues) console.error(`--${issue.path.join('.')}: ${issue.message}`);
    process.exit(2);
  }
  const flags = parsed.data;
  const extraConfig = Object.fromEntries(
    flags.dc.map(([k, v]) => [k, JSON.parse(v) as string | number | boolean] as const),
  );
  if (flags.magnify) extraConfig['matching.forwarderMaxRatePerSecond'] = 2;
  const extraPragmas = Object.fromEntries(flags.pragma);

  const receiver = await startReceiver();
  const bundlePath = join(mkdtempSync(join(tmpdir(), 'hookstep-stall-')), 'workflows.js');
  writeFileSync(bundlePath, (await bundleWorkflows(QUIET_LOGGER)).code);
  const bench: Bench = {
    sizes: { ...FULL, startConcurrency: 64 },
    receiver,
    bundlePath,
    workerNodeArgs: [],
    log: (m) => console.log(m),
  };
  const storages = flags.storage === 'both' ? (['memory', 'file'] as const) : [flags.storage];
  const rows: Row[] = [];
  try {
    for (const storage of storages) {
      for (const setup of flags.setups) {
        const label = `${storage}, ${setup}`;
        const settings = SETUPS[setup];
        const temporal = await startTemporal(
          storage,
          { ...settings.dynamicConfig, ...extraConfig },
          { ...settings.sqlitePragmas, ...extraPragmas },
        );
        try {
          rows.push(
            await withWorkers(bench, temporal, 'hookstep', (workers) =>
              measure(label, bench, temporal, workers, flags),
            ),
          );
        } finally {
          await temporal.close();
        }
      }
    }
  } finally {
    await receiver.stop();
  }
  console.log(
    `\n${'setup'.padEnd(16)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'p99/p50'.padStart(8)} ` +
      `${'>=1.5 s'.padStart(8)} ${'burst/s'.padStart(8)} ${'burst p50'.padStart(10)} ${'CPU s/1k'.padStart(9)}  load`,
  );
  for (const r of rows) {
    console.log(
      `${r.label.padEnd(16)} ${r.p50.toFixed(1).padStart(8)} ${r.p99.toFixed(1).padStart(8)} ` +
        `${(r.p99 / r.p50).toFixed(1).padStart(8)} ${String(r.stalls).padStart(8)} ` +
        `${(r.rate?.toFixed(0) ?? '-').padStart(8)} ${(r.burstP50?.toFixed(0) ?? '-').padStart(10)} ` +
        `${(r.cpuPer1000?.toFixed(1) ?? '-').padStart(9)}  ${r.load}`,
    );
  }
}

async function measure(
  label: string,
  bench: Bench,
  temporal: Temporal,
  workers: Parameters<typeof burst>[2],
  flags: z.output<typeof FlagsSchema>,
): Promise<Row> {
  const start = starter(bench, temporal, 'hookstep', '/ok');
  for (let i = 0; i < 20; i++) await resultOf(await start(i)); // warm-up: JIT, pools, the workflow cache
  const loadBefore = load();
  const runs: { id: string; ms: number; at: number }[] = [];
  for (let i = 0; i < flags.runs; i++) {
    const at = Date.now();
    const t = performance.now();
    const handle = await start(100 + i);
    await resultOf(handle);
    runs.push({ id: handle.workflowId, ms: performance.now() - t, at });
  }
  const latencies = runs.map((r) => r.ms);
  const row: Row = {
    label,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    stalls: latencies.filter((ms) => ms >= 1500).length,
    load: `${loadBefore} / ${load()}`,
  };
  console.log(
    `${label}: ${flags.runs} one at a time: p50 ${row.p50.toFixed(1)} ms, p99 ${row.p99.toFixed(1)} ms, ` +
      `max ${Math.max(...latencies).toFixed(0)} ms, ${row.stalls} at 1.5 s or more (load ${row.load})`,
  );
  // Where the slowest runs' time went (beyond 5x p50, the target): the longest gap between two events of the
  // history, before the first, or after the last until the client had the result.
  const slow = runs
    .filter((r) => r.ms > 5 * row.p50)
    .sort((a, b) => b.ms - a.ms)
    .slice(0, 8);
  for (const r of slow) console.log(`  ${await whereTheTimeWent(temporal, r)}`);
  if (flags.burst > 0) {
    const b = await burst(bench, temporal, workers, flags.burst, start);
    row.rate = b.sustainedPerSecond;
    row.burstP50 = percentile(b.latencies, 50);
    row.cpuPer1000 = cpuPerDelivery(b.cpuMs, flags.burst).all;
    console.log(
      `${label}: burst of ${flags.burst}: ${row.rate.toFixed(0)}/s sustained, p50 ${row.burstP50.toFixed(0)} ms, ` +
        `all done in ${(b.elapsedMs / 1000).toFixed(1)} s, CPU ${row.cpuPer1000.toFixed(1)} s per 1,000 ` +
        `(${perProcess(b.cpuMs, flags.burst)}; load ${load()})`,
    );
  }
  return row;
}

/** CPU seconds per 1,000 deliveries of each process. */
function perProcess(cpuMs: Record<string, number>, runs: number): string {
  return Object.entries(cpuMs)
    .map(([name, ms]) => `${name} ${(ms / runs).toFixed(1)}`)
    .join(', ');
}

async function whereTheTimeWent(temporal: Temporal, run: { id: string; ms: number; at: number }): Promise<string> {
  const history = await temporal.client.workflow.getHandle(run.id).fetchHistory();
  const events = (history.events ?? []).map((e) => ({
    name: proto.api.enums.v1.EventType[e.eventType ?? 0].replace(/^EVENT_TYPE_/, ''),
    ms: Number(e.eventTime?.seconds ?? 0) * 1000 + Math.round((e.eventTime?.nanos ?? 0) / 1e6),
  }));
  let gap = { ms: (events[0]?.ms ?? run.at) - run.at, from: 'the client', to: events[0]?.name ?? '?' };
  for (let i = 1; i < events.length; i++) {
    const ms = events[i].ms - events[i - 1].ms;
    if (ms > gap.ms) gap = { ms, from: events[i - 1].name, to: events[i].name };
  }
  const closed = events.at(-1)!.ms - run.at;
  const toClient = run.ms - closed;
  const where =
    toClient > gap.ms
      ? `${toClient.toFixed(0)} ms from close to the client's result`
      : `${gap.ms} ms ${gap.from} -> ${gap.to}`;
  return `${run.id}: ${run.ms.toFixed(0)} ms; longest: ${where}`;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
