// Which figures run on the in-memory dev server, in which order, with which workers, and what each is compared to.
import {
  endToEnd,
  startTemporal,
  failurePath,
  slowReceivers,
  withWorkers,
  type Bench,
  type Metric,
  type Temporal,
  type WorkerKind,
} from './figures';
import { figureAutomations } from './figureAutomations';
import { figureEvents } from './figureEvents';
import { memoryFigure } from './memory';

/** Figure 9 is the cluster's (`--figures 9` with a cluster up); the rest run on the embedded dev server. */
export const DEFAULT_FIGURES = '1,2,3,4,5,6,7,8,10,11,12,13,14';

export type RunFigure = (name: string, fn: () => Promise<Metric[]>) => Promise<void>;

/** Against the HTTP limit, the naive TypeScript baseline and the Go floor, measured later in the same run. */
const baselineRatios = (metric: string) => ({
  'of naive': `naive.e2e.${metric}`,
  'of Go floor': `go.e2e.${metric}`,
});

/**
 * Figures 3-7 and 10 on one in-memory dev server: hookstep's worker for 3-5, two for 6, the baselines for 7, and
 * memory against runs in flight for all three in 10.
 */
export async function inMemoryFigures(bench: Bench, temporal: Temporal, want: Set<number>, figure: RunFigure) {
  const e2eRatios = {
    rate: { 'of HTTP limit': 'http.rps', ...baselineRatios('rate') },
    'single.p50': { 'of HTTP limit': 'http.p50', ...baselineRatios('single.p50') },
    workerCpu: baselineRatios('workerCpu'),
    cpuPer1000: baselineRatios('cpuPer1000'),
  };
  if ([3, 4, 5].some((f) => want.has(f))) {
    await withWorkers(bench, temporal, 'hookstep', async (workers) => {
      if (want.has(3)) {
        await figure('figure 3: end to end, one worker, in-memory dev server', () =>
          endToEnd(bench, temporal, workers, 'hookstep', 'e2e', 3, e2eRatios),
        );
      }
      if (want.has(4)) {
        const ratios = { done: { 'of naive': 'naive.slow.done', 'of Go floor': 'go.slow.done' } };
        await figure('figure 4: slow receivers', () =>
          slowReceivers(bench, temporal, workers, 'hookstep', 'slow', 4, ratios),
        );
      }
      if (want.has(5)) await figure('figure 5: failure path', () => failurePath(bench, temporal, workers));
    });
  }
  if (want.has(6)) {
    const ratios = { rate: { 'of one worker': 'e2e.rate' } };
    await figure('figure 6: scale-out, two worker processes', () =>
      withWorkers(bench, temporal, 'hookstep', (w) => endToEnd(bench, temporal, w, 'hookstep', 'scale2', 6, ratios), {
        count: 2,
      }),
    );
  }
  if (want.has(7)) {
    for (const kind of ['naive', 'go'] as const) await baseline(bench, temporal, kind, figure);
  }
  if (want.has(11)) {
    await figure('figure 11: event webhooks (fan-out, a stream of events, independent steps)', () =>
      figureEvents(bench, temporal),
    );
  }
  if (want.has(12)) {
    await figure(
      'figure 12: what an automation adds to a publish (one webhook, then one webhook and one automation)',
      () => figureAutomations(bench, temporal),
    );
  }
  if (want.has(10)) {
    // A fresh server: after the figures above the in-memory one holds tens of thousands of histories and starts
    // runs slowly enough that the first held attempts could time out before the last run arrives.
    const fresh = await startTemporal('memory');
    try {
      const kinds: WorkerKind[] = bench.goFloor ? ['hookstep', 'naive', 'go'] : ['hookstep', 'naive'];
      for (const kind of kinds) {
        // The naive worker runs at most 100 activities at once (the SDK's default), so it is held at 100 only.
        const counts = kind === 'naive' ? bench.sizes.memCounts.slice(0, 1) : bench.sizes.memCounts;
        await figure(`figure 10: memory against runs in flight (${kind})`, () =>
          memoryFigure(bench, fresh, kind, counts),
        );
      }
    } finally {
      await fresh.close();
    }
  }
}

async function baseline(bench: Bench, temporal: Temporal, kind: 'naive' | 'go', figure: RunFigure) {
  if (kind === 'go' && !bench.goFloor) return;
  const name = kind === 'go' ? 'the Go floor (Go SDK, net/http)' : 'naive baseline (fetch, default worker options)';
  await figure(`figure 7: ${name}`, () =>
    withWorkers(bench, temporal, kind, async (workers) => [
      ...(await endToEnd(bench, temporal, workers, kind, `${kind}.e2e`, 7)),
      ...(await slowReceivers(bench, temporal, workers, kind, `${kind}.slow`, 7)),
    ]),
  );
}
