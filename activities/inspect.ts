// What each delivery attempt tells operators: one structured JSON log line and the delivery metrics (a counter and
// an attempt-duration histogram by outcome type and host) on the activity's metric meter, which the worker's
// Prometheus exporter serves. Neither ever holds a header, a body, a URL path or a secret.
import { performance } from 'node:perf_hooks';
import type { Context } from '@temporalio/activity';
import { ApplicationFailure, type MetricMeter } from '@temporalio/common';
import { destinationHost } from '../src/contract';

/** The outcome label of a 2xx that matched its declaration; failures are labelled with their failure type. */
export const DELIVERED = 'Delivered';
export const DELIVERIES_METRIC = 'hookstep_deliveries';
export const ATTEMPT_DURATION_METRIC = 'hookstep_delivery_attempt_duration';

/** One line per attempt: the signal of a delivery's progress, so at INFO (the SDK's own line for it is DEBUG). */
export interface AttemptRecord {
  time: string;
  level: 'INFO';
  msg: 'delivery attempt';
  workflowId: string;
  runId: string;
  attempt: number;
  method: string;
  host: string;
  status?: number;
  outcome: string;
  /** No attempt follows: delivered, not retryable, or the last one the retry policy allows. */
  final: boolean;
  durationMs: number;
}

export type AttemptLog = (record: AttemptRecord) => void;

/** The default: a JSON line on stdout, for a log shipper. */
export const jsonLineLog: AttemptLog = (record) => {
  process.stdout.write(`${JSON.stringify(record)}\n`);
};

export interface AttemptFacts {
  /** The destination; only its host is reported. */
  url: string;
  method: string;
  attempt: number;
  maxAttempts: number;
}

/** Where an attempt is reported: the meter its metrics go to, and the run it belongs to (a dispatcher's: none). */
export interface AttemptObserver {
  metricMeter: MetricMeter;
  workflowId: string;
  runId: string;
}

/** An activity's observer: its own metric meter and workflow execution. */
export function observerOf(ctx: Context): AttemptObserver {
  const execution = ctx.info.workflowExecution;
  return { metricMeter: ctx.metricMeter, workflowId: execution?.workflowId ?? '', runId: execution?.runId ?? '' };
}

/** Runs one attempt and reports it, whatever its end; the attempt's own result or failure passes through. */
export async function observeAttempt<R extends { status: number }>(
  ctx: AttemptObserver,
  facts: AttemptFacts,
  log: AttemptLog | undefined,
  run: () => Promise<R>,
): Promise<R> {
  const started = performance.now();
  try {
    const result = await run();
    report(ctx, facts, log, { outcome: DELIVERED, status: result.status, final: true }, started);
    return result;
  } catch (err) {
    if (err instanceof ApplicationFailure) {
      const status = (err.details?.[0] as { status?: unknown } | undefined)?.status;
      const final = err.nonRetryable || facts.attempt >= facts.maxAttempts;
      const outcome = err.type ?? 'ApplicationFailure';
      report(ctx, facts, log, { outcome, status: typeof status === 'number' ? status : undefined, final }, started);
    }
    throw err;
  }
}

interface Ending {
  outcome: string;
  status?: number;
  final: boolean;
}

function report(
  ctx: AttemptObserver,
  facts: AttemptFacts,
  log: AttemptLog | undefined,
  end: Ending,
  started: number,
): void {
  const durationMs = Math.round(performance.now() - started);
  const host = destinationHost(facts.url) ?? 'invalid';
  // Low cardinality on purpose: the host and the outcome type, never a path, an id or a status per series.
  const tags = { outcome: end.outcome, host, final: String(end.final) };
  try {
    ctx.metricMeter.createCounter(DELIVERIES_METRIC, 'attempts', 'delivery attempts by outcome and host').add(1, tags);
    ctx.metricMeter
      .createHistogram(ATTEMPT_DURATION_METRIC, 'int', 'ms', 'delivery attempt duration by outcome and host')
      .record(durationMs, tags);
  } catch {
    // Metrics must never fail a delivery.
  }
  log?.({
    time: new Date().toISOString(),
    level: 'INFO',
    msg: 'delivery attempt',
    workflowId: ctx.workflowId,
    runId: ctx.runId,
    attempt: facts.attempt,
    method: facts.method,
    host,
    ...(end.status !== undefined ? { status: end.status } : {}),
    outcome: end.outcome,
    final: end.final,
    durationMs,
  });
}
