// Durations as users write them in step and automation definitions: a whole number of milliseconds, or a
// string such as "500ms", "30s", "10m", "2h", "10d". Kept strict (one number, one unit) so that a JSON Schema
// pattern can express it for builder UIs in other languages.
import { z } from 'zod';

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
// Whole milliseconds, or a decimal number of seconds, minutes, hours or days; never all zeros. The pattern goes into
// the JSON Schema too, so builder UIs refuse "0s" and "0.4ms" as hookstep does.
const DURATION_PATTERN = /^(?!0+(?:\.0+)?[a-z]+$)(?:(\d+)(ms)|(\d+(?:\.\d+)?)(s|m|h|d))$/;

/** The longest duration any field accepts: a timer, a retry interval or a delay of more than a year is a mistake. */
export const MAX_DURATION_MS = 365 * UNIT_MS.d;

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
/** Milliseconds, or a number and a unit: "500ms", "30s", "10m", "2h", "10d". */
export type Duration = number | string;

/** Converts a duration that already passed DurationSchema to milliseconds. */
export function toMs(duration: Duration): number {
  if (typeof duration === 'number') return duration;
  const match = DURATION_PATTERN.exec(duration);
  if (!match) throw new TypeError(`not a duration: ${duration}`);
  const [, ms, msUnit, amount, unit] = match;
  return Math.round(Number(ms ?? amount) * UNIT_MS[(msUnit ?? unit) as keyof typeof UNIT_MS]);
}

function isDuration(value: unknown): value is Duration {
  return typeof value === 'number' || (typeof value === 'string' && DURATION_PATTERN.test(value));
}
