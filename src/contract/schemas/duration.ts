// The zod schema of a duration field: the shape (see ../duration), then the range in milliseconds.
import { z } from 'zod';
import { DURATION_PATTERN, MAX_DURATION_MS, isDuration, toMs } from '../duration';

const DurationShapeSchema = z.union(
  [
    z.number().int().positive({ error: 'must be at least 1 (milliseconds)' }).meta({ description: 'milliseconds' }),
    z
      .string()
      .regex(DURATION_PATTERN, {
        error: 'must be a duration of at least 1ms like "500ms", "30s", "10m", "2h" or "10d"',
      })
      .meta({ description: 'e.g. "500ms", "30s", "10m", "2h", "10d"' }),
  ],
  { error: 'must be a positive duration: milliseconds, or a string like "500ms", "30s", "10m", "2h" or "10d"' },
);

/**
 * A duration between 1 ms and `maxMs`, judged on the milliseconds it converts to, so "0s" and "0.4ms" (which round
 * to 0, a value Temporal refuses for timers and retry intervals) are refused here rather than inside a workflow.
 */
export function durationAtMost(maxMs: number, label: string) {
  // zod runs refinements even after the union failed, so a value that is not a duration must not reach toMs.
  return DurationShapeSchema.refine((d) => !isDuration(d) || (toMs(d) >= 1 && toMs(d) <= maxMs), {
    error: `must be at least 1ms and at most ${label}`,
  });
}

export const DurationSchema = durationAtMost(MAX_DURATION_MS, '365d');
