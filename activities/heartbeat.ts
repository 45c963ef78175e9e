// Heartbeats while a regular activity's request is in flight, so a dead worker is noticed within the heartbeat
// timeout. Local activities cannot heartbeat: their dead worker is noticed through the workflow task timeout.
import type { Context } from '@temporalio/activity';

const HEARTBEAT_EVERY_MS = 1_000;

/**
 * Runs `work` with heartbeats when the activity is a regular one. The details name the delivery's own attempt,
 * which `temporal workflow describe` shows beside Temporal's count (one less, after a local first attempt).
 */
export async function withHeartbeats<T>(ctx: Context, attempt: number, work: () => Promise<T>): Promise<T> {
  if (ctx.info.isLocal) return work();
  ctx.heartbeat({ attempt });
  const beat = setInterval(() => ctx.heartbeat({ attempt }), HEARTBEAT_EVERY_MS);
  try {
    return await work();
  } finally {
    clearInterval(beat);
  }
}
