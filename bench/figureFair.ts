// Figure 13: fair delivery (issue 20, item 5). A burst of events to a slow endpoint (1 s per request) beside a steady
// stream to a fast one: the fast endpoint's p99 (publish to arrival) alone and with the burst beside it, and the most
// requests the slow endpoint had open at once (its webhook's cap, maxInFlight 10). Then the same burst with the cap
// out of the way (maxInFlight 1000), to show what the cap changes. Its receiver runs in the bench process: it only
// answers and stamps arrivals, and both endpoints' numbers come from the one clock that stamped each publish.
import { WorkflowNotFoundError } from '@temporalio/client';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApiClient, type ApiClient } from '../src/client/api';
import { withWorkers, type Bench, type Metric, type Temporal } from './figures';
import { closedLoop, percentile } from './stats';

interface FairReceiver {
  url: string;
  /** Arrival time (performance.now) of each fast request, by webhook-id. */
  fastArrived: Map<string, number>;
  slowDelivered: Set<string>;
  slowOpen: number;
  slowPeak: number;
  close(): Promise<void>;
}

function startFairReceiver(slowMs: number): Promise<FairReceiver> {
  const state = { fastArrived: new Map<string, number>(), slowDelivered: new Set<string>(), slowOpen: 0, slowPeak: 0 };
  const server: Server = createServer((req, res) => {
    const at = performance.now();
    const id = String(req.headers['webhook-id'] ?? '');
    req.resume();
    req.on('end', () => {
      if (req.url?.startsWith('/slow')) {
        state.slowPeak = Math.max(state.slowPeak, ++state.slowOpen);
        setTimeout(() => {
          state.slowOpen--;
          state.slowDelivered.add(id);
          res.writeHead(200).end('{}');
        }, slowMs);
      } else {
        if (!state.fastArrived.has(id)) state.fastArrived.set(id, at);
        res.writeHead(200).end('{}');
      }
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve(
        Object.assign(state, {
          url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
          close: () => new Promise<void>((done) => (server.closeAllConnections(), server.close(() => done()))),
        }),
      ),
    ),
  );
}

interface Round {
  /** Throttled tries (waits on a timer) per slow delivery, over a sample of its runs. */
  waitsPerSlow: number;
  fastP99: number;
  fastP50: number;
  slowPeak: number;
  slowDoneMs: number;
}

export async function figureFair(bench: Bench, temporal: Temporal): Promise<Metric[]> {
  const { fairSlowEvents: slowN, fairFastEvents: fastN, fairSlowMs: slowMs } = bench.sizes;
  const rounds: { alone: Round; backlog: Round; during: Round; uncapped: Round }[] = [];
  await withWorkers(
    bench,
    temporal,
    'hookstep',
    async ([worker]) => {
      const { apiUrl, apiKey } = worker.ready as { apiUrl: string; apiKey: string };
      const api = createApiClient({ url: apiUrl, apiKey });
      const receiver = await startFairReceiver(slowMs);
      try {
        for (let rep = 0; rep < bench.sizes.reps; rep++) {
          const alone = await round(api, temporal, receiver, { fastN, slowN: 0, maxInFlight: 10, fastFrom: 'start' });
          const backlog = await round(api, temporal, receiver, {
            fastN,
            slowN,
            maxInFlight: 10,
            fastFrom: 'published',
          });
          const during = await round(api, temporal, receiver, { fastN, slowN, maxInFlight: 10, fastFrom: 'start' });
          const uncapped = await round(api, temporal, receiver, { fastN, slowN, maxInFlight: 1000, fastFrom: 'start' });
          rounds.push({ alone, backlog, during, uncapped });
          bench.log(
            `  rep ${rep + 1}: fast p99 ${alone.fastP99.toFixed(0)} ms alone, ${backlog.fastP99.toFixed(0)} ms beside ` +
              `the slow one's backlog (peak ${backlog.slowPeak} open, all in ${(backlog.slowDoneMs / 1000).toFixed(1)} s), ` +
              `${during.fastP99.toFixed(0)} ms while the burst is published (peak ${during.slowPeak}); uncapped: ` +
              `${uncapped.fastP99.toFixed(0)} ms, peak ${uncapped.slowPeak} open; ` +
              `${backlog.waitsPerSlow.toFixed(1)} waits per slow delivery`,
          );
        }
      } finally {
        await receiver.close();
      }
    },
    { api: true },
  );
  const of = (pick: (r: (typeof rounds)[number]) => number) => rounds.map(pick);
  const fast = `${fastN} events to a fast endpoint, 5 a second`;
  const burst = `${slowN} to a ${slowMs} ms endpoint`;
  const vsAlone = { 'of alone': 'fair.alone.p99' };
  const p99 = (
    key: string,
    label: string,
    pick: (r: (typeof rounds)[number]) => Round,
    ratios: Record<string, string> = vsAlone,
  ): Metric => ({
    key,
    figure: 13,
    label: `${fast}, ${label}: p99 (publish to arrival)`,
    unit: 'ms',
    reps: of((r) => pick(r).fastP99),
    ratios,
  });
  return [
    p99('fair.alone.p99', 'alone', (r) => r.alone, {}),
    p99('fair.backlog.p99', `beside the backlog of ${burst} (maxInFlight 10)`, (r) => r.backlog),
    p99('fair.during.p99', `while ${burst} are published (maxInFlight 10)`, (r) => r.during),
    p99('fair.uncapped.p99', `while ${burst} are published (maxInFlight 1000)`, (r) => r.uncapped),
    {
      key: 'fair.slow.peak',
      figure: 13,
      label: `the slow endpoint's most requests open at once, maxInFlight 10 (both rounds)`,
      unit: '',
      reps: of((r) => Math.max(r.backlog.slowPeak, r.during.slowPeak)),
    },
    {
      key: 'fair.slow.done',
      figure: 13,
      label: `${burst} under maxInFlight 10: all delivered (${(slowN * slowMs) / 10_000} s at best)`,
      unit: 'ms',
      reps: of((r) => r.backlog.slowDoneMs),
    },
    {
      key: 'fair.slow.waits',
      figure: 13,
      label: `times a slow delivery waited for a slot, on average (beside the backlog)`,
      unit: '',
      reps: of((r) => r.backlog.waitsPerSlow),
    },
    {
      key: 'fair.uncapped.peak',
      figure: 13,
      label: `the slow endpoint's most requests open at once with maxInFlight 1000`,
      unit: '',
      reps: of((r) => r.uncapped.slowPeak),
    },
  ];
}

interface RoundPlan {
  fastN: number;
  slowN: number;
  maxInFlight: number;
  /** start: the fast stream begins with the burst's publishing; published: once every burst event's fan-out ended. */
  fastFrom: 'start' | 'published';
}

/**
 * One round: `slowN` events to a new slow webhook (cap `maxInFlight`), published as fast as 16 callers can, and
 * `fastN` events to a new fast webhook at 5 a second; waits until every one arrived.
 */
async function round(api: ApiClient, temporal: Temporal, receiver: FairReceiver, plan: RoundPlan): Promise<Round> {
  const { fastN, slowN, maxInFlight } = plan;
  const stamp = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
  const fast = await api.webhooks.create({ label: 'fast', event: `fair.fast.${stamp}`, url: `${receiver.url}/fast` });
  const slow = await api.webhooks.create({
    label: 'slow',
    event: `fair.slow.${stamp}`,
    url: `${receiver.url}/slow`,
    maxInFlight,
    timeout: '30s',
  });
  receiver.slowPeak = 0;
  receiver.slowDelivered.clear();
  const published = new Map<string, number>();
  const t0 = performance.now();
  const slowBurst = closedLoop(slowN, 16, async (i) => {
    const event = { id: `slow-${stamp}-${i}`, type: slow.event, entity: { id: i, type: 'order' } };
    await api.events.publish(event);
  });
  const fastStream = async () => {
    const from = performance.now();
    for (let i = 0; i < fastN; i++) {
      const due = from + i * 200;
      const now = performance.now();
      if (due > now) await new Promise((resolve) => setTimeout(resolve, due - now));
      const id = `fast-${stamp}-${i}`;
      published.set(`${fast.id}/${id}`, performance.now());
      await api.events.publish({ id, type: fast.event, entity: { id: i, type: 'order' } });
    }
  };
  if (plan.fastFrom === 'start') await Promise.all([slowBurst, fastStream()]);
  else {
    // The backlog: every slow delivery queued (a publish answers once its deliveries are in the outbox), all but the
    // first few waiting there for a slot.
    await slowBurst;
    await fastStream();
  }
  await waitUntil(() => [...published.keys()].every((id) => receiver.fastArrived.has(id)), 'every fast event');
  await waitUntil(() => receiver.slowDelivered.size >= slowN, `${slowN} slow events`);
  const slowDoneMs = performance.now() - t0;
  const latencies = [...published].map(([id, at]) => receiver.fastArrived.get(id)! - at);
  const waitsPerSlow = await waitsPer(temporal, slow.id, `slow-${stamp}`, slowN);
  await api.webhooks.delete(fast.id);
  await api.webhooks.delete(slow.id);
  return {
    fastP99: percentile(latencies, 99),
    fastP50: percentile(latencies, 50),
    slowPeak: receiver.slowPeak,
    slowDoneMs: slowN > 0 ? slowDoneMs : NaN,
    waitsPerSlow,
  };
}

/**
 * How often a slow delivery waited for a slot, on average over up to 50 of its runs spread through the burst: each
 * wait is one timer (these deliveries have no delay and never fail), and each wake-up a workflow task and one try.
 */
async function waitsPer(temporal: Temporal, webhookId: string, prefix: string, slowN: number): Promise<number> {
  if (slowN === 0) return NaN;
  const sample = Array.from({ length: Math.min(50, slowN) }, (_, i) => Math.floor((i * slowN) / Math.min(50, slowN)));
  let timers = 0;
  for (const i of sample) {
    // Since issue 23 a delivery waiting for a slot waits in the outbox, with no run: it counts no timer.
    const history = await temporal.client.workflow
      .getHandle(`${webhookId}/${prefix}-${i}`)
      .fetchHistory()
      .catch((err: unknown) => {
        if (err instanceof WorkflowNotFoundError || String(err).includes('NOT_FOUND')) return { events: [] };
        throw err;
      });
    timers += (history.events ?? []).filter((e) => e.timerStartedEventAttributes).length;
  }
  return timers / sample.length;
}

async function waitUntil(done: () => boolean, what: string, limitMs = 600_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`${what} did not arrive in ${limitMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
