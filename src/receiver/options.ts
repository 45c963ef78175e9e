// The receiver's options, parsed once by createReceiver: one schema, issues naming the option, never its value.
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import {
  DEFAULT_RECEIVER_MAX_BODY_BYTES,
  DEFAULT_RECEIVER_RETRY_AFTER_SECONDS,
  DEFAULT_RECEIVER_START_TIMEOUT_MS,
  DEFAULT_RECEIVER_TASK_QUEUE,
  MAX_ID_LENGTH,
} from '../contract';
import { VerifyOptionsSchema, type VerifiedWebhook } from './verify';

/** What became of one request, for logs and metrics (`onResult`). Never holds a secret or a signature. */
export interface ReceiverResult {
  status: number;
  /** The problem's code on any answer but 202. */
  code?: string;
  webhookId?: string;
  workflowId?: string;
  runId?: string;
  existing?: boolean;
  /** What Temporal or the `args` mapper threw, behind a 500 or 503. */
  error?: unknown;
}

const fn = <T>() => z.custom<T>((v) => typeof v === 'function', { error: 'must be a function' });
const whole = (min: number, max: number, unit: string) =>
  z
    .number({ error: `must be a number of ${unit}` })
    .int({ error: `must be whole ${unit}` })
    .min(min, { error: `must be at least ${min} ${unit}` })
    .max(max, { error: `must be at most ${max} ${unit}` });

/** A prefix leaves room for `sha256-` and 64 hex digits within MAX_ID_LENGTH. */
const MAX_PREFIX = MAX_ID_LENGTH - 'sha256-'.length - 64;

export const ReceiverOptionsSchema = VerifyOptionsSchema.extend({
  client: z.custom<Client>((v) => typeof v === 'object' && v !== null && 'workflow' in v && 'withDeadline' in v, {
    error: 'must be a Client from @temporalio/client',
  }),
  workflowType: z
    .string({ error: 'is required: the workflow type to start' })
    .min(1, { error: 'must not be empty' })
    .max(MAX_PREFIX - 1, { error: `must be at most ${MAX_PREFIX - 1} characters, so its runs' IDs fit` }),
  taskQueue: z.string().min(1, { error: 'must not be empty' }).default(DEFAULT_RECEIVER_TASK_QUEUE),
  /** Workflow IDs are `<idPrefix><webhook-id>`; the default prefix is `<workflowType>-`. */
  idPrefix: z
    .string()
    .max(MAX_PREFIX, { error: `must be at most ${MAX_PREFIX} characters, so a hashed ID fits` })
    .regex(/^[\x21-\x7e]*$/, { error: 'must be visible ASCII' })
    .optional(),
  maxBodyBytes: whole(1, 64 * 1024 * 1024, 'bytes').default(DEFAULT_RECEIVER_MAX_BODY_BYTES),
  startTimeoutMs: whole(1, 60_000, 'milliseconds').default(DEFAULT_RECEIVER_START_TIMEOUT_MS),
  retryAfterSeconds: whole(1, 3600, 'seconds').default(DEFAULT_RECEIVER_RETRY_AFTER_SECONDS),
  /** Checks the JSON payload (a zod schema's `parse` fits); a throw answers 400, naming zod issues' fields. */
  parse: fn<(payload: unknown) => unknown>().optional(),
  /** The workflow's arguments from the parsed payload; default `[payload]`. A throw answers 500 (a bug, retried). */
  args: fn<(payload: unknown, webhook: VerifiedWebhook) => unknown[]>().optional(),
  onResult: fn<(result: ReceiverResult) => void>().optional(),
});

/** createReceiver's options; `parse` types the payload that `args` receives. */
export type ReceiverOptions<T = unknown> = Omit<z.input<typeof ReceiverOptionsSchema>, 'parse' | 'args'> & {
  parse?: (payload: unknown) => T;
  args?: (payload: T, webhook: VerifiedWebhook) => unknown[];
};
export type ParsedReceiverOptions = z.output<typeof ReceiverOptionsSchema>;
