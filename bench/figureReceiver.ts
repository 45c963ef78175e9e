// Figure 8, the receiver kit: how many verified deliveries per second it sustains while starting a run for each
// (closed loop), and its latency at half that rate (open loop, timed from when each request was due, so a stall
// counts against it), beside a bare node:http handler that only answers 202 and beside the same starts made
// straight from a client. Runs land on a task queue no worker polls: the figure is about accepting work.
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { Agent, request } from 'undici';
import { decodeSecret, sign } from '../activities/signing';
import { startChild, type Child } from './children';
import { BODY, startTemporal, type Bench, type Metric } from './figures';
import type { ReceiverServerConfig } from './receiverServer';
import { closedLoop, percentile } from './stats';

interface ReceiverSizes {
  warmup: number;
  deliveries: number;
  concurrency: number;
  /** The open loop runs this long at half the sustained rate, up to maxOpenLoop requests. */
  openLoopSeconds: number;
  maxOpenLoop: number;
}

const FULL: ReceiverSizes = {
  warmup: 200,
  deliveries: 3_000,
  concurrency: 32,
  openLoopSeconds: 20,
  maxOpenLoop: 10_000,
};
const SMOKE: ReceiverSizes = { warmup: 10, deliveries: 40, concurrency: 8, openLoopSeconds: 1, maxOpenLoop: 30 };

const SECRET = `whsec_${Buffer.from('bench-receiver-secret-0123456789').toString('base64')}`;
const TASK_QUEUE = 'bench-handlers';
const WORKFLOW_TYPE = 'benchHandler';

type Send = (i: number) => Promise<void>;

export async function figureReceiver(bench: Bench, smoke: boolean): Promise<Metric[]> {
  const sizes = smoke ? SMOKE : FULL;
  const temporal = await startTemporal('memory');
  const children: Child<{ port: number }>[] = [];
  const agent = new Agent({ connections: sizes.concurrency, keepAliveTimeout: 60_000 });
  try {
    const spawn = async (config: ReceiverServerConfig) => {
      const child = await startChild<{ port: number }>('receiverServer.ts', {
        HOOKSTEP_BENCH_RECEIVER: JSON.stringify(config),
      });
      children.push(child);
      return `http://127.0.0.1:${child.ready.port}/`;
    };
    const kitUrl = await spawn({ mode: 'kit', address: temporal.server.address, secret: SECRET });
    const bareUrl = await spawn({ mode: 'bare' });
    const senders = {
      kit: deliveries(agent, kitUrl),
      bare: deliveries(agent, bareUrl),
      direct: directStarts(temporal.client),
    };
    return await measure(bench, sizes, senders);
  } finally {
    await agent.close();
    await Promise.all(children.map((c) => c.stop()));
    await temporal.close();
  }
}

async function measure(bench: Bench, sizes: ReceiverSizes, senders: Record<'kit' | 'bare' | 'direct', () => Send>) {
  const rate = { kit: [] as number[], bare: [] as number[], direct: [] as number[] };
  const p50 = { kit: [] as number[], bare: [] as number[], direct: [] as number[] };
  const p99 = { kit: [] as number[], bare: [] as number[], direct: [] as number[] };
  const names = ['bare', 'kit', 'direct'] as const;
  for (const name of names) await closedLoop(sizes.warmup, sizes.concurrency, senders[name]());
  for (let rep = 0; rep < bench.sizes.reps; rep++) {
    for (const name of names) {
      const { elapsedMs } = await closedLoop(sizes.deliveries, sizes.concurrency, senders[name]());
      rate[name].push(sizes.deliveries / (elapsedMs / 1000));
    }
    // Every one at the same offered load: half of what the kit sustains.
    const offered = rate.kit.at(-1)! / 2;
    const count = Math.min(sizes.maxOpenLoop, Math.max(10, Math.round(offered * sizes.openLoopSeconds)));
    for (const name of names) {
      const latencies = await openLoop(count, offered, senders[name]());
      p50[name].push(percentile(latencies, 50));
      p99[name].push(percentile(latencies, 99));
    }
    bench.log(
      `  receiver rep ${rep + 1}: ${names.map((n) => `${n} ${rate[n].at(-1)!.toFixed(0)}/s`).join(', ')}; at ` +
        `${offered.toFixed(0)}/s p99 ${names.map((n) => `${n} ${p99[n].at(-1)!.toFixed(1)} ms`).join(', ')}`,
    );
  }
  const c = sizes.concurrency;
  return [
    metric('receiver.rate', `kit: verified deliveries/s starting runs, concurrency ${c}`, '/s', rate.kit, {
      'of bare handler': 'receiver.bare.rate',
      'of direct starts': 'receiver.direct.rate',
    }),
    metric('receiver.bare.rate', `bare node:http 202, concurrency ${c}`, '/s', rate.bare),
    metric('receiver.direct.rate', `client.workflow.start, concurrency ${c}`, '/s', rate.direct),
    metric('receiver.p50', 'kit at half its rate: p50', 'ms', p50.kit),
    metric('receiver.p99', 'kit at half its rate: p99 (target ≤ 50 ms)', 'ms', p99.kit, {
      'of direct starts': 'receiver.direct.p99',
    }),
    metric('receiver.bare.p99', 'bare 202 at the same rate: p99', 'ms', p99.bare),
    metric('receiver.direct.p99', 'direct starts at the same rate: p99', 'ms', p99.direct),
  ];
}

function metric(key: string, label: string, unit: string, reps: number[], ratios?: Record<string, string>): Metric {
  return { key, figure: 8, label, unit, reps, ratios };
}

/** Signed deliveries with fresh webhook-ids, each of which must be answered 202. */
function deliveries(agent: Agent, url: string): () => Send {
  const key = decodeSecret(SECRET);
  return () => {
    const batch = randomUUID().slice(0, 8);
    return async (i) => {
      const body = JSON.stringify({ ...BODY, n: i });
      const headers = sign(key, `bench-${batch}-${i}`, Math.floor(Date.now() / 1000), body);
      const res = await request(url, {
        dispatcher: agent,
        method: 'POST',
        body,
        headers: { ...headers, 'content-type': 'application/json' },
      });
      const text = await res.body.text();
      if (res.statusCode !== 202) throw new Error(`receiver answered ${res.statusCode}: ${text.slice(0, 200)}`);
    };
  };
}

/** The same starts as the kit makes, from the bench's own client: what the receiver adds on top of Temporal. */
function directStarts(client: Client): () => Send {
  return () => {
    const batch = randomUUID().slice(0, 8);
    return async (i) => {
      await client.workflow.start(WORKFLOW_TYPE, {
        taskQueue: TASK_QUEUE,
        workflowId: `direct-${batch}-${i}`,
        args: [{ ...BODY, n: i }],
        workflowIdConflictPolicy: 'USE_EXISTING',
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
      });
    };
  };
}

/** Sends `total` requests at `perSecond`, each timed from when it was due; returns the latencies in ms. */
async function openLoop(total: number, perSecond: number, send: Send): Promise<number[]> {
  const latencies = new Array<number>(total);
  const interval = 1000 / perSecond;
  const t0 = performance.now();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = t0 + i * interval;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    pending.push(send(i).then(() => void (latencies[i] = performance.now() - due)));
  }
  await Promise.all(pending);
  return latencies;
}
