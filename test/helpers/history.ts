// Reading a run's history the way an operator's tools show it: its timers (with their summaries, decrypted with the
// test key as the Web UI does through the codec server, and their fire times).
import type { WorkflowHandle } from '@temporalio/client';
import { decodeWithTestKey } from './codec';

export interface TimerSeen {
  summary?: string;
  /** Seconds from start to fire. */
  seconds: number;
  /** When the timer started (ms since the epoch); it fires `seconds` later. */
  startedAt: number;
}

export async function timersOf(handle: WorkflowHandle): Promise<TimerSeen[]> {
  const { events } = await handle.fetchHistory();
  const timers: TimerSeen[] = [];
  for (const e of events ?? []) {
    const timer = e.timerStartedEventAttributes;
    if (!timer) continue;
    timers.push({
      summary: (await decodeWithTestKey(e.userMetadata?.summary)) as string | undefined,
      seconds: Number(timer.startToFireTimeout?.seconds ?? 0),
      startedAt: Number(e.eventTime?.seconds ?? 0) * 1000 + Math.floor((e.eventTime?.nanos ?? 0) / 1e6),
    });
  }
  return timers;
}

/** Polls the run's history until a timer shows (the run has to get there first). */
export async function firstTimer(handle: WorkflowHandle, limitMs = 20_000): Promise<TimerSeen> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const timers = await timersOf(handle).catch(() => []);
    if (timers.length > 0) return timers[0];
    if (Date.now() > deadline) throw new Error(`${handle.workflowId} started no timer within ${limitMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
