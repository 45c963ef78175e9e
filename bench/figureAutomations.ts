// Figure 12: what a stored automation adds to a publish (issue 22). N events published through the API to a tenant
// with one webhook subscribed, against the same with one webhook and one active automation of one step posting to the
// same fast receiver: CPU per event with every process counted (server, worker with the API and its registry, client,
// receiver), and publish-to-last-delivery latency p50/p99 (an event's last request answered, from its publish call),
// under the burst (N published 16 at a time: the backlog's queueing included) and one event at a time.
import { createApiClient, type ApiClient } from '../src/client/api';
import type { Child } from './children';
import { cpuMeter, cpuPerDelivery, withWorkers, type Bench, type Metric, type Temporal } from './figures';
import { closedLoop, percentile } from './stats';

/** Publishes in flight at once, as figure 11's stream of events. */
const CONCURRENCY = 16;

interface Shape {
  key: 'webhook' | 'automation';
  label: string;
  /** Requests each event makes at the receiver. */
  requests: number;
}

const SHAPES: Shape[] = [
  { key: 'webhook', label: 'one webhook', requests: 1 },
  { key: 'automation', label: 'one webhook and one automation (one step)', requests: 2 },
];

interface Rep {
  cpuMsPerEvent: number;
  /** CPU ms an event by process (server, worker, client, receiver). */
  byProcess: Record<string, number>;
  p50: number;
  p99: number;
  elapsedMs: number;
  /** One event at a time: publish to last delivery, p50. */
  singleP50: number;
}

export async function figureAutomations(bench: Bench, temporal: Temporal): Promise<Metric[]> {
  const n = bench.sizes.automationEvents;
  const reps: Record<Shape['key'], Rep[]> = { webhook: [], automation: [] };
  await withWorkers(
    bench,
    temporal,
    'hookstep',
    async ([worker]) => {
      const { apiUrl, apiKey } = worker.ready as { apiUrl: string; apiKey: string };
      const api = createApiClient({ url: apiUrl, apiKey });
      // A warm-up not counted: the worker's first runs load the workflow bundle and open the registry's paths.
      await measure(bench, temporal, worker, api, SHAPES[1], Math.min(20, n));
      // Shapes alternate within each repetition, so a machine getting busier weighs on both alike.
      for (let rep = 0; rep < bench.sizes.reps; rep++) {
        for (const shape of SHAPES) {
          const r = await measure(bench, temporal, worker, api, shape, n);
          reps[shape.key].push(r);
          bench.log(
            `  ${shape.key} rep ${rep + 1}: ${n} events in ${(r.elapsedMs / 1000).toFixed(1)} s, ` +
              `${r.cpuMsPerEvent.toFixed(1)} ms CPU an event, publish to last delivery p50 ${r.p50.toFixed(0)} ms ` +
              `p99 ${r.p99.toFixed(0)} ms; one at a time p50 ${r.singleP50.toFixed(0)} ms`,
          );
        }
      }
    },
    { api: true },
  );
  return SHAPES.flatMap((shape) => metricsOf(shape, n, reps[shape.key]));
}

function metricsOf(shape: Shape, n: number, reps: Rep[]): Metric[] {
  const key = (m: string) => `auto.${shape.key}.${m}`;
  const than = (m: string) =>
    shape.key === 'automation' ? { ratios: { 'of webhook only': `auto.webhook.${m}` } } : {};
  const label = `${n.toLocaleString('en')} events to ${shape.label}`;
  return [
    {
      key: key('cpu'),
      figure: 12,
      label: `${label}: CPU per event, every process`,
      unit: 'ms',
      reps: reps.map((r) => r.cpuMsPerEvent),
      detail: reps.map((r) => ({ cpuMsPerEventByProcess: r.byProcess })),
      ...than('cpu'),
    },
    {
      key: key('p50'),
      figure: 12,
      label: `${label}: publish to last delivery p50`,
      unit: 'ms',
      reps: reps.map((r) => r.p50),
      ...than('p50'),
    },
    {
      key: key('p99'),
      figure: 12,
      label: `${label}: publish to last delivery p99`,
      unit: 'ms',
      reps: reps.map((r) => r.p99),
      ...than('p99'),
    },
    {
      key: key('single'),
      figure: 12,
      label: `${label.replace(/^[\d,]+ events/, 'one event at a time')}: publish to last delivery p50`,
      unit: 'ms',
      reps: reps.map((r) => r.singleP50),
      ...than('single'),
    },
  ];
}

async function measure(
  bench: Bench,
  temporal: Temporal,
  worker: Child<unknown>,
  api: ApiClient,
  shape: Shape,
  n: number,
): Promise<Rep> {
  const stamp = `${shape.key}-${Date.now()}`;
  const type = `bench.auto.${stamp}`;
  const url = `${bench.receiver.url}/ok`;
  await api.webhooks.create({ label: 'bench', event: type, url });
  if (shape.key === 'automation') {
    await api.automations.create({
      label: 'bench',
      on: { event: type },
      // The event's id in the query, so the receiver's arrival is told to its event.
      steps: [{ id: 'post', type: 'sendWebhook', with: { url: `${url}?e={{trigger.id}}`, body: { n: 1 } } }],
    });
  }
  const publish = (i: number, published: Map<string, number>) => {
    const id = `e-${stamp}-${i}`;
    published.set(id, Date.now());
    return api.events.publish({ id, type, entity: { id: i, type: 'order' }, data: { i } });
  };

  await bench.receiver.reset();
  const published = new Map<string, number>();
  const meter = cpuMeter(bench, temporal, [worker]);
  const t0 = performance.now();
  await closedLoop(n, CONCURRENCY, (i) => publish(i, published));
  const latencies = latenciesOf(published, await untilArrived(bench, n * shape.requests));
  const elapsedMs = performance.now() - t0;
  const { cpuMs } = meter.stop(elapsedMs);

  // One at a time, on a quiet worker: what the automation's runs add to an event's way, without a backlog.
  await bench.receiver.reset();
  const single = new Map<string, number>();
  const k = bench.sizes.automationOneAtATime;
  for (let i = 0; i < k; i++) {
    await publish(n + i, single);
    await untilArrived(bench, (i + 1) * shape.requests);
  }
  const singles = latenciesOf(single, await untilArrived(bench, k * shape.requests));
  return {
    cpuMsPerEvent: cpuPerDelivery(cpuMs, n).all,
    byProcess: Object.fromEntries(Object.entries(cpuMs).map(([p, ms]) => [p, Math.round((ms / n) * 10) / 10])),
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    elapsedMs,
    singleP50: percentile(singles, 50),
  };
}

/** Each event's publish-to-last-answer time. */
function latenciesOf(published: Map<string, number>, arrivals: [string, string, number][]): number[] {
  const last = new Map<string, number>();
  for (const [webhookId, search, at] of arrivals) {
    // A delivery's webhook-id is `<webhook id>/<event id>`; the step's request names its event in the query.
    const event = new URLSearchParams(search).get('e') ?? webhookId.slice(webhookId.indexOf('/') + 1);
    last.set(event, Math.max(last.get(event) ?? 0, at));
  }
  const latencies = [...published].map(([id, at]) => (last.get(id) ?? NaN) - at);
  if (latencies.some(Number.isNaN)) throw new Error('an event has no delivery at the receiver');
  return latencies;
}

/** Polls the receiver until `count` requests were answered 2xx; returns each answer's webhook-id, query and time. */
async function untilArrived(bench: Bench, count: number, limitMs = 600_000): Promise<[string, string, number][]> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const stats = (await (await fetch(`${bench.receiver.url}/__stats?arrivals=1`)).json()) as {
      deliveredIds: number;
      arrivals: [string, string, number][];
    };
    if (stats.deliveredIds >= count) return stats.arrivals;
    if (Date.now() > deadline)
      throw new Error(`only ${stats.deliveredIds} of ${count} requests arrived in ${limitMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
