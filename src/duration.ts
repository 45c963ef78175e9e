// Durations as users write them in step and automation definitions: a whole number of milliseconds, or a
// string such as "500ms", "30s", "10m", "2h", "10d". Kept strict (one number, one unit) so that a JSON Schema
// pattern can express it for builder UIs in other languages.
import { z } from 'zod';

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const DURATION_PATTERN = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;

export const DurationSchema = z.union(
  [
    z.number().int().positive({ error: 'must be more than 0' }).meta({ description: 'milliseconds' }),
    z
      .string()
      .regex(DURATION_PATTERN, { error: 'must be a duration like "500ms", "30s", "10m", "2h" or "10d"' })
      .meta({ description: 'e.g. "500ms", "30s", "10m", "2h", "10d"' }),
  ],
  { error: 'must be a positive duration: milliseconds, or a string like "500ms", "30s", "10m", "2h" or "10d"' },
);
export type Duration = z.infer<typeof DurationSchema>;

/** Converts a duration that already passed DurationSchema to milliseconds. */
export function toMs(duration: Duration): number {
  if (typeof duration === 'number') return duration;
  const match = DURATION_PATTERN.exec(duration);
  if (!match) throw new TypeError(`not a duration: ${duration}`);
  return Math.round(Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS]);
}

/** A positive duration no longer than `maxMs`, with the limit in the message. */
export function durationAtMost(maxMs: number, label: string) {
  // zod runs refinements even after the union failed, so a value that is not a duration must not reach toMs.
  return DurationSchema.refine((d) => !isDuration(d) || (toMs(d) > 0 && toMs(d) <= maxMs), {
    error: `must be more than 0 and at most ${label}`,
  });
}

function isDuration(value: unknown): value is Duration {
  return typeof value === 'number' || (typeof value === 'string' && DURATION_PATTERN.test(value));
}
