// What every `hookstep` command shares: exit codes, a client from the configuration, and how a run's end is told.
import { Client, Connection, WorkflowFailedError } from '@temporalio/client';
import { dataConverterFromEnv } from '../codec';
import type { z } from 'zod';
import { FlagError, summarizeFailure } from '../contract';
import type { Config } from '../worker/config';
import { temporalConnectionOptions } from '../worker/temporalConnection';

/** 0 done, 1 the run failed, 2 bad input (nothing was started). */
export const EXIT = { ok: 0, failed: 1, badInput: 2 } as const;

/** A command's action ends by setting the exit code, which `main` returns. */
export function setExit(code: number): void {
  process.exitCode = code;
}

/** For repeatable flags: `--field a=1 --field b=2` gives ['a=1', 'b=2']. */
export const collect = (value: string, previous: string[] = []) => [...previous, value];

/** A command's flags parsed by its schema; a FlagError (exit 2) carrying every issue's message otherwise. */
export function parseFlags<S extends z.ZodType>(schema: S, raw: unknown): z.output<S> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new FlagError(parsed.error.issues.map((i) => i.message).join('; '));
  return parsed.data;
}

/** A client with the payload codec of this environment (HOOKSTEP_PAYLOAD_KEYS, the key file, or the dev key). */
export async function withClient<T>(config: Config, fn: (client: Client) => Promise<T>): Promise<T> {
  const { dataConverter } = dataConverterFromEnv();
  const connection = await Connection.connect(temporalConnectionOptions(config));
  try {
    return await fn(new Client({ connection, namespace: config.TEMPORAL_NAMESPACE, dataConverter }));
  } finally {
    await connection.close();
  }
}

export interface Outcome<T> {
  workflowId: string;
  /** The run's result, awaited. */
  result: Promise<T>;
  /** Prints a result: `--json` prints it whole with the workflow ID, otherwise `print` does. */
  print(result: T): void;
  /** What failed: "delivery", "automation". */
  what: string;
  json?: boolean;
}

/** Waits for a run and reports its end: exit 0 with the result, or 1 naming the failure type and reason. */
export async function reportRun<T extends object>(outcome: Outcome<T>): Promise<number> {
  try {
    const result = await outcome.result;
    if (outcome.json) console.log(JSON.stringify({ workflowId: outcome.workflowId, ...result }));
    else outcome.print(result);
    return EXIT.ok;
  } catch (err) {
    if (!(err instanceof WorkflowFailedError)) throw err;
    const failure = summarizeFailure(err);
    if (outcome.json) console.log(JSON.stringify({ workflowId: outcome.workflowId, error: failure }));
    else console.error(`${outcome.what} failed (${failure.type}): ${failure.message}`);
    return EXIT.failed;
  }
}
