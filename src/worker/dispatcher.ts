// A worker's event dispatcher (issue 23): claims published events' deliveries from the registry's outbox and makes
// their first attempts itself, so a delivery the receiver accepts at once costs a few statements and one request, no
// workflow run. A delivery that must wait gets its own run (`eventDelivery`, ID `<webhook id>/<event id>`, the ID a
// fan-out gave it before): a delayed webhook's at once, a retryable failure's for attempts 2 on. It leaves the outbox
// only after that, so a worker killed at any point loses nothing: its claims expire and another worker sends again,
// under the same webhook-id, or starts the run (a second start is refused by its ID: one run per delivery at most).
// Fair delivery holds here too: a claim takes no more of a webhook's deliveries than its cap leaves slots for, and each
// send holds a slot (webhook_leases) under the holder its run would use, so the cap counts runs and dispatchers alike.
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { Dispatcher } from 'undici';
import type { AttemptLog, AttemptObserver } from '../../activities/inspect';
import { OUTBOX_CHANNEL, RegistryClosedError, type Registry } from '../registry';
import { LEASE_MARGIN_MS } from '../../activities/fairness';
import { dispatchBatch } from './dispatchBatch';

export interface DispatcherOptions {
  /** The registry, or how to open it (retried until it opens or the worker stops). */
  registry: () => Promise<Registry>;
  /** Starts the runs of deliveries that must wait, on the worker's own task queue. */
  client: Client;
  taskQueue: string;
  agent: Dispatcher;
  attemptLog?: AttemptLog;
  metricMeter: AttemptObserver['metricMeter'];
  /** How many first attempts one worker keeps in flight. */
  concurrency: number;
}

/** Deliveries claimed at most per statement: enough to fill a burst, few enough that others' claims interleave. */
const BATCH = 200;
/**
 * A claim's first lease: long enough to read its batch's webhooks, then extended to each webhook's timeout and the
 * margin a slot has (activities/fairness.ts; dispatchBatch.ts), so a dead worker's deliveries wait no longer than that.
 */
export const CLAIM_MS = LEASE_MARGIN_MS;
/** How often an idle dispatcher looks anyway: for a notification missed, a claim expired, a delivery deferred. */
export const POLL_MS = 500;
/** A look for a delivery due again comes this much after it is due (the database's clock decides it is). */
const DUE_MARGIN_MS = 5;
/**
 * The least time between two claims of one dispatcher while the last found deliveries, in ms. A claim and its batch's
 * reads cost about 8 statements whatever the batch's size, so under a stream of publishes a gap makes fewer, fuller
 * batches. The gap is the dispatcher's, not a webhook's: a fresh delivery to any webhook waits it out while another
 * webhook keeps the dispatcher busy. At 20 ms a fast endpoint's p99 beside a slow one's backlog (figure 13) was 24 ms
 * against 13 ms alone (1.83x); at 5 ms, 12 against 10 ms (1.23x), while figure 11's stream cost 2.25 s of CPU per
 * 1,000 against 2.13 s at 20 ms (within the runs' spread) and finished sooner. A claim after a quiet spell is not
 * delayed.
 */
export const CLAIM_GAP_MS = 5;
/** After a registry that failed, the next try waits this long. */
const FAILED_WAIT_MS = 2_000;

export class EventDispatcher {
  private readonly id = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly stopping = new AbortController();
  private inFlight = 0;
  private readonly batches = new Set<Promise<void>>();
  private woken: (() => void) | undefined;
  private pendingWake = false;
  /** Looks set for when deliveries given back are due again (by the time, to 5 ms), so a rate's spacing is kept. */
  private readonly dueTimers = new Map<number, NodeJS.Timeout>();

  constructor(private readonly options: DispatcherOptions) {}

  /** Looks at the outbox now (a publish in this process, a delivery that ended and freed a slot). */
  wake(): void {
    this.pendingWake = true;
    this.woken?.();
  }

  /** Claims no more, and returns once every attempt in flight has ended. */
  shutdown(): void {
    this.stopping.abort();
    for (const timer of this.dueTimers.values()) clearTimeout(timer);
    this.dueTimers.clear();
    this.wake();
  }

  /** Looks at the outbox again in `ms`, when a delivery given back is due (unless a look is set for then already). */
  private wakeIn(ms: number): void {
    const at = Math.ceil((Date.now() + ms) / DUE_MARGIN_MS) * DUE_MARGIN_MS;
    if (this.stopping.signal.aborted || this.dueTimers.has(at)) return;
    const timer = setTimeout(
      () => {
        this.dueTimers.delete(at);
        this.wake();
      },
      at + DUE_MARGIN_MS - Date.now(),
    );
    timer.unref();
    this.dueTimers.set(at, timer);
  }

  /** Runs until shutdown. Never throws: a registry or Temporal that fails is reported, and tried again. */
  async run(): Promise<void> {
    const registry = await this.open();
    if (!registry) return;
    const unlisten = await registry.db
      .listen(OUTBOX_CHANNEL, () => this.wake())
      .catch((err: unknown) => {
        this.warn('cannot listen for published events; polling only', { error: (err as Error).message });
        return undefined;
      });
    let lastClaimAt = -Infinity;
    let lastClaimed = 0;
    try {
      while (!this.stopping.signal.aborted) {
        // While deliveries keep coming, wakes closer together than the gap share one claim: under a stream of
        // publishes a claim per publish would cost more than the deliveries it finds. After a quiet spell, the first
        // wake claims at once, so a lone event waits for no gap.
        const since = performance.now() - lastClaimAt;
        if (lastClaimed > 0 && since < CLAIM_GAP_MS) await sleep(CLAIM_GAP_MS - since);
        this.pendingWake = false;
        lastClaimAt = performance.now();
        const claimed = await this.claim(registry);
        lastClaimed = claimed;
        if (claimed === 0) await this.idle(POLL_MS);
        else if (this.inFlight >= this.options.concurrency) await this.idle(POLL_MS);
      }
      await Promise.allSettled(this.batches);
    } finally {
      await unlisten?.();
    }
  }

  private async claim(registry: Registry): Promise<number> {
    const room = this.options.concurrency - this.inFlight;
    if (room <= 0) return 0;
    let entries;
    try {
      entries = await registry.outbox.claim(this.id, Math.min(room, BATCH), CLAIM_MS);
    } catch (err) {
      if (err instanceof RegistryClosedError) {
        // Closed under a running dispatcher (its owner stopped in the wrong order): nothing will ever be claimed, and
        // polling on would keep the process alive.
        this.warn('the registry was closed; the dispatcher stops', {});
        this.shutdown();
        return 0;
      }
      this.warn('could not claim deliveries from the outbox', { error: (err as Error).message });
      await this.idle(FAILED_WAIT_MS);
      return 0;
    }
    if (entries.length === 0) return 0;
    this.inFlight += entries.length;
    const deps = {
      registry,
      client: this.options.client,
      taskQueue: this.options.taskQueue,
      agent: this.options.agent,
      attemptLog: this.options.attemptLog,
      metricMeter: this.options.metricMeter,
      warn: this.warn,
      // No signal: at shutdown the attempts in flight end on their own (each has its deadline), claiming stops.
    };
    const batch = dispatchBatch(deps, entries, (dueInMs) => {
      this.inFlight -= 1;
      this.wake();
      if (dueInMs !== undefined) this.wakeIn(dueInMs);
    }).catch((err: unknown) => this.warn('a batch of deliveries failed', { error: (err as Error).message }));
    this.batches.add(batch);
    void batch.finally(() => this.batches.delete(batch));
    return entries.length;
  }

  /** Waits `ms`, or less when woken (a wake that came meanwhile ends it at once). */
  private idle(ms: number): Promise<void> {
    if (this.pendingWake || this.stopping.signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.woken = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.woken = done;
    });
  }

  private async open(): Promise<Registry | undefined> {
    while (!this.stopping.signal.aborted) {
      try {
        return await this.options.registry();
      } catch (err) {
        this.warn('cannot open the registry; published events wait in it', { error: (err as Error).message });
        await this.idle(FAILED_WAIT_MS);
      }
    }
    return undefined;
  }

  private readonly warn = (message: string, meta: Record<string, unknown>) => {
    process.stderr.write(`hookstep: event dispatcher: ${message} ${JSON.stringify(meta)}\n`);
  };
}
