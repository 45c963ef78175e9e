// What a workflow reads of a step it has not parsed: the sandbox carries no schema library, so a step started by
// name is validated by an activity, outside it. These readers never throw on input the activity will refuse, and
// on input it accepted they give what the schema's defaults would.
import { DEFAULT_METHOD, DEFAULT_TIMEOUT, MAX_TIMEOUT_MS } from './defaults';
import { displayUrl, summaryLine } from './display';
import { isDuration, toMs } from './duration';
import type { StepInput } from './schemas/step';

/** The per-attempt deadline, or the default when the input's is not (yet) known to be valid. */
export function attemptTimeoutMs(input: unknown): number {
  const timeout = field(input, 'timeout');
  const ms = isDuration(timeout) ? toMs(timeout) : toMs(DEFAULT_TIMEOUT);
  return ms >= 1 && ms <= MAX_TIMEOUT_MS ? ms : toMs(DEFAULT_TIMEOUT);
}

/** Whether the step asks for a delay: then it is validated before the wait, so bad input fails at once. */
export function hasDelay(input: unknown): boolean {
  return field(input, 'delay') !== undefined;
}

/** "POST api.example.com/hooks" for summaries, from a step already validated. */
export function stepSummary(step: Pick<StepInput, 'url' | 'method'>): string {
  return summaryLine(`${step.method ?? DEFAULT_METHOD} ${displayUrl(step.url)}`);
}

function field(input: unknown, name: string): unknown {
  return typeof input === 'object' && input !== null && Object.hasOwn(input, name)
    ? (input as Record<string, unknown>)[name]
    : undefined;
}
