// Figure 14: worker memory per event delivery in flight (issue 23's target: at most 0.1 MB), for both shapes of figure
// 11: one event to N webhooks, and N events to one webhook (its maxInFlight raised to N, so N are in flight at once).
// The receiver holds every request on /hold until released, so exactly N deliveries are in flight when the worker's
// resident memory is read; each shape runs on a fresh worker process (with the API, as `hookstep dev` runs them), whose
// idle size is read after a warm-up of 20 deliveries.
import { createApiClient } from '../src/client/api';
import { withWorkers, type Bench, type Metric, type Temporal } from './figures';
import { SHAPES, untilDelivered } from './figureEvents';
import { settle, waitForWaiting } from './memory';
import { rssBytes } from './proc';

const MB = 2 ** 20;

export async function figureEventMemory(bench: Bench, temporal: Temporal, n: number): Promise<Metric[]> {
  const metrics: Metric[] = [];
  for (const shape of SHAPES) {
    const perDelivery: number[] = [];
    const held: number[] = [];
    for (let rep = 0; rep < bench.sizes.reps; rep++) {
      const reading = await withWorkers(
        bench,
        temporal,
        'hookstep',
        async ([worker]) => {
          const { apiUrl, apiKey } = worker.ready as { apiUrl: string; apiKey: string };
          const api = createApiClient({ url: apiUrl, apiKey });
          await bench.receiver.reset();
          const stream = SHAPES.find((x) => x.key === 'stream')!;
          await stream.run(api, 20, await stream.setup(api, 20, `${bench.receiver.url}/ok`));
          await untilDelivered(bench, 20);
          await settle();
          const idle = rssBytes(worker.pid);
          await bench.receiver.reset();
          // A 5-minute timeout, and the stream's cap at n, so all n wait at the receiver at once.
          const fields = { timeout: '5m', ...(shape.key === 'stream' ? { maxInFlight: n } : {}) };
          await shape.run(api, n, await shape.setup(api, n, `${bench.receiver.url}/hold`, fields));
          await waitForWaiting(bench, n);
          await settle();
          const during = rssBytes(worker.pid);
          await bench.receiver.release();
          await untilDelivered(bench, n);
          return { idle, during };
        },
        { api: true, maxConcurrentDeliveries: n + 100 },
      );
      perDelivery.push((reading.during - reading.idle) / n / MB);
      held.push(reading.during / MB);
      bench.log(
        `  ${shape.key} ${n} in flight rep ${rep + 1}: idle ${(reading.idle / MB).toFixed(0)} MB, held ` +
          `${(reading.during / MB).toFixed(0)} MB (${perDelivery.at(-1)!.toFixed(3)} MB a delivery)`,
      );
    }
    const label = shape.label.replace('N', n.toLocaleString('en'));
    metrics.push(
      {
        key: `eventmem.${shape.key}.held`,
        figure: 14,
        label: `${label}: worker RSS, all in flight`,
        unit: 'MB',
        reps: held,
      },
      {
        key: `eventmem.${shape.key}.perDelivery`,
        figure: 14,
        label: `${label}: worker RSS a delivery in flight above idle`,
        unit: 'MB',
        reps: perDelivery,
      },
    );
  }
  return metrics;
}
