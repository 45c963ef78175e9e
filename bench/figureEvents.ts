// Figure 11: event webhooks at a peer's cost. One event fanned out to N webhooks, and N events to one webhook, beside
// N independent steps on the same server: every delivery checked by its webhook-id at the receiver; the time until
// all arrived; CPU per 1,000 deliveries with every process counted (server, worker with the API, client, receiver),
// from the first publish (the webhooks are created before, unmeasured: until issue 23 their creation was counted).
import { createApiClient, type ApiClient } from '../src/client/api';
import type { Child } from './children';
import {
  burst,
  cpuMeter,
  cpuPerDelivery,
  starter,
  withWorkers,
  type Bench,
  type Metric,
  type Temporal,
} from './figures';
import { closedLoop } from './stats';

export interface Shape {
  key: string;
  label: string;
  /** Creates the shape's webhooks (not measured: a webhook is made once and receives for long); returns the type. */
  setup(api: ApiClient, n: number, url: string, fields?: WebhookBenchFields): Promise<string>;
  /** Publishes so that `n` deliveries go out (measured, up to the last arrival). */
  run(api: ApiClient, n: number, type: string): Promise<void>;
}

/** A webhook's fields a figure sets beyond its URL: a long timeout for held requests, a cap that holds them all. */
type WebhookBenchFields = { maxInFlight?: number; timeout?: string };

/** Figure 11's two shapes of event delivery (figure 14 holds the same shapes in flight). */
export const SHAPES: Shape[] = [
  {
    key: 'fanout',
    label: 'one event to N webhooks',
    async setup(api, n, url, fields) {
      const type = `bench.fanout.${Date.now()}`;
      await createWebhooks(api, type, n, url, fields);
      return type;
    },
    async run(api, _n, type) {
      await api.events.publish({ id: `fan-${Date.now()}`, type, entity: { id: 1, type: 'order' } });
    },
  },
  {
    key: 'stream',
    label: 'N events to one webhook',
    async setup(api, _n, url, fields) {
      const type = `bench.stream.${Date.now()}`;
      await createWebhooks(api, type, 1, url, fields);
      return type;
    },
    async run(api, n, type) {
      const stamp = Date.now();
      await closedLoop(n, 16, async (i) => {
        await api.events.publish({ id: `s-${stamp}-${i}`, type, entity: { id: i, type: 'order' } });
      });
    },
  },
];

export async function figureEvents(bench: Bench, temporal: Temporal): Promise<Metric[]> {
  const n = bench.sizes.eventDeliveries;
  const metrics: Metric[] = [];
  await withWorkers(
    bench,
    temporal,
    'hookstep',
    async ([worker]) => {
      const { apiUrl, apiKey } = worker.ready as { apiUrl: string; apiKey: string };
      const api = createApiClient({ url: apiUrl, apiKey });
      for (const shape of SHAPES) metrics.push(...(await measureShape(bench, temporal, worker, api, shape, n)));
      metrics.push(...(await measureSteps(bench, temporal, worker, n)));
    },
    { api: true },
  );
  return metrics;
}

async function measureShape(
  bench: Bench,
  temporal: Temporal,
  worker: Child<unknown>,
  api: ApiClient,
  shape: Shape,
  n: number,
) {
  const done: number[] = [];
  const cpu: number[] = [];
  for (let rep = 0; rep < bench.sizes.reps; rep++) {
    await bench.receiver.reset();
    const type = await shape.setup(api, n, `${bench.receiver.url}/ok`);
    const meter = cpuMeter(bench, temporal, [worker]);
    const t0 = performance.now();
    await shape.run(api, n, type);
    await untilDelivered(bench, n);
    // Up to the last delivery logged: its log write (and the slot it frees) comes after the receiver's answer, and a
    // burst's last writes would otherwise fall outside the measured CPU.
    await untilLogged(api, type);
    const elapsed = performance.now() - t0;
    done.push(elapsed);
    const { cpuMs } = meter.stop(elapsed);
    cpu.push(cpuPerDelivery(cpuMs, n).all);
    const each = Object.entries(cpuMs).map(([k, ms]) => `${k} ${(ms / n).toFixed(1)}`);
    bench.log(
      `  ${shape.key} rep ${rep + 1}: ${n} delivered in ${(elapsed / 1000).toFixed(1)} s, ${cpu.at(-1)!.toFixed(1)} s CPU ` +
        `per 1,000 (${each.join(', ')})`,
    );
  }
  const label = shape.label.replace('N', n.toLocaleString('en'));
  return [
    {
      key: `events.${shape.key}.done`,
      figure: 11,
      label: `${label}: all delivered and logged`,
      unit: 'ms',
      reps: done,
    },
    {
      key: `events.${shape.key}.cpu`,
      figure: 11,
      label: `${label}: CPU per 1,000 deliveries, every process`,
      unit: 's',
      reps: cpu,
      ratios: { 'of independent steps': 'events.steps.cpu' },
    },
  ];
}

async function measureSteps(bench: Bench, temporal: Temporal, worker: Child<unknown>, n: number): Promise<Metric[]> {
  const done: number[] = [];
  const cpu: number[] = [];
  const start = starter(bench, temporal, 'hookstep', '/ok');
  for (let rep = 0; rep < bench.sizes.reps; rep++) {
    const b = await burst(bench, temporal, [worker], n, start);
    done.push(b.elapsedMs);
    cpu.push(cpuPerDelivery(b.cpuMs, n).all);
  }
  return [
    {
      key: 'events.steps.done',
      figure: 11,
      label: `${n.toLocaleString('en')} independent steps: all delivered`,
      unit: 'ms',
      reps: done,
    },
    {
      key: 'events.steps.cpu',
      figure: 11,
      label: `${n.toLocaleString('en')} independent steps: CPU per 1,000 deliveries`,
      unit: 's',
      reps: cpu,
    },
  ];
}

export async function createWebhooks(
  api: ApiClient,
  type: string,
  count: number,
  url: string,
  fields: WebhookBenchFields = {},
): Promise<void> {
  await closedLoop(count, 16, async (i) => {
    await api.webhooks.create({ label: `bench ${i}`, event: type, url, ...fields });
  });
}

/** Polls the delivery log until no delivery of the event type is pending. */
async function untilLogged(api: ApiClient, eventType: string, limitMs = 600_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while ((await api.deliveries.list({ eventType, state: 'pending', limit: 1 })).deliveries.length > 0) {
    if (Date.now() > deadline) throw new Error(`deliveries of ${eventType} still pending after ${limitMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Polls the receiver until `n` distinct webhook-ids have been answered; a lost delivery fails the figure. */
export async function untilDelivered(bench: Bench, n: number, limitMs = 600_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const { deliveredIds } = await bench.receiver.stats();
    if (deliveredIds >= n) return;
    if (Date.now() > deadline) throw new Error(`only ${deliveredIds} of ${n} deliveries arrived in ${limitMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
