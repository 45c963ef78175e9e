// JSON files named by flags (an automation, a trigger, a webhook, an event): read, parsed and checked to be one JSON
// object, or FlagError naming the file and what is wrong, never its content; a number a double would change is refused
// by name rather than rounded (issue 18).
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { FlagError, INEXACT_NUMBER_REASON, formatPath, inexactNumbersIn } from '../contract';

const JsonObjectSchema = z.record(z.string(), z.unknown(), { error: 'must hold a JSON object' });

export function readJsonObject(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new FlagError(`${path}: cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new FlagError(`${path}: not valid JSON (${(err as Error).message})`);
  }
  const inexact = inexactNumbersIn(text);
  if (inexact.length > 0) {
    throw new FlagError(
      `${path}: ${formatPath(inexact[0]) || '(the value)'} ${INEXACT_NUMBER_REASON}; write it as a string`,
    );
  }
  const parsed = JsonObjectSchema.safeParse(value);
  if (!parsed.success) throw new FlagError(`${path}: ${parsed.error.issues[0].message}`);
  return parsed.data;
}
