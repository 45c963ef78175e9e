// Durations as users write them in step and automation definitions: a whole number of milliseconds, or a
// string such as "500ms", "30s", "10m", "2h", "10d". Kept strict (one number, one unit) so that a JSON Schema
// pattern can express it for builder UIs in other languages. Pure, so workflows can convert durations too.

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/**
 * Whole milliseconds, or a decimal number of seconds, minutes, hours or days; never all zeros. The pattern goes into
 * the JSON Schema too, so builder UIs refuse "0s" and "0.4ms" as hookstep does.
 */
export const DURATION_PATTERN = /^(?!0+(?:\.0+)?[a-z]+$)(?:(\d+)(ms)|(\d+(?:\.\d+)?)(s|m|h|d))$/;

/** The longest duration any field accepts: a timer, a retry interval or a delay of more than a year is a mistake. */
export const MAX_DURATION_MS = 365 * UNIT_MS.d;

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

/** Whether a value has a duration's shape (before any range check). */
export function isDuration(value: unknown): value is Duration {
  return (
    (typeof value === 'number' && Number.isInteger(value)) ||
    (typeof value === 'string' && DURATION_PATTERN.test(value))
  );
}
