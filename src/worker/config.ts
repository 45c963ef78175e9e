// The worker's and CLI's configuration, parsed once from the environment; messages name the variable.
import { z } from 'zod';
import { parseCidrList, type Cidr } from '../../activities/destination';
import type { DbOptions } from '../registry';
import {
  ConfigError,
  DEFAULT_MAX_CONCURRENT_DELIVERIES,
  DEFAULT_NAMESPACE,
  DEFAULT_TASK_QUEUE,
  DEFAULT_API_PORT,
  DEFAULT_TEMPORAL_ADDRESS,
  DEV_REGISTRY_DIR,
  SIGNING_SECRET_PATTERN,
  isDuration,
  toMs,
} from '../contract';

const HOST_PORT = /^[A-Za-z0-9.\-[\]:]+:\d{1,5}$/;

export const EnvSchema = z.object({
  TEMPORAL_ADDRESS: z
    .string()
    .regex(HOST_PORT, { error: `TEMPORAL_ADDRESS must be host:port, e.g. ${DEFAULT_TEMPORAL_ADDRESS}` })
    .default(DEFAULT_TEMPORAL_ADDRESS),
  TEMPORAL_NAMESPACE: z.string().min(1, { error: 'TEMPORAL_NAMESPACE must not be empty' }).default(DEFAULT_NAMESPACE),
  // Temporal's own environment configuration (read by @temporalio/envconfig in temporalConnection.ts); checked here
  // so a bad value is refused with the variable's name. The _DATA variants and the TOML profile work as well.
  TEMPORAL_TLS: z.enum(['true', 'false'], { error: 'TEMPORAL_TLS must be true or false' }).optional(),
  TEMPORAL_TLS_CLIENT_CERT_PATH: z.string().optional(),
  TEMPORAL_TLS_CLIENT_KEY_PATH: z.string().optional(),
  TEMPORAL_TLS_SERVER_CA_CERT_PATH: z.string().optional(),
  TEMPORAL_TLS_SERVER_NAME: z.string().optional(),
  /** Temporal Cloud's API key: TLS is on with it. A secret: never printed. */
  TEMPORAL_API_KEY: z.string().optional(),
  HOOKSTEP_TASK_QUEUE: z
    .string()
    .min(1, { error: 'HOOKSTEP_TASK_QUEUE must not be empty' })
    .default(DEFAULT_TASK_QUEUE),
  HOOKSTEP_ALLOWED_NETWORKS: z
    .string()
    .default('')
    .transform((text, ctx) => {
      try {
        return parseCidrList(text);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: `HOOKSTEP_ALLOWED_NETWORKS: ${(err as Error).message}` });
        return z.NEVER;
      }
    }),
  HOOKSTEP_MAX_CONCURRENT_DELIVERIES: z.coerce
    .number({ error: 'HOOKSTEP_MAX_CONCURRENT_DELIVERIES must be a whole number' })
    .int({ error: 'HOOKSTEP_MAX_CONCURRENT_DELIVERIES must be a whole number' })
    .min(1, { error: 'HOOKSTEP_MAX_CONCURRENT_DELIVERIES must be at least 1' })
    .default(DEFAULT_MAX_CONCURRENT_DELIVERIES),
  /** `hookstep send` signs with it when --secret is absent; checked as the step's signing.secret. */
  HOOKSTEP_SIGNING_SECRET: z.string().optional(),
  /** `hookstep receive` verifies with these when no --secret is given: several, comma-separated, while rotating. */
  HOOKSTEP_RECEIVER_SECRET: z
    .string()
    .transform((text) => text.split(',').map((s) => s.trim()))
    .refine((secrets) => secrets.every((s) => SIGNING_SECRET_PATTERN.test(s)), {
      error: 'HOOKSTEP_RECEIVER_SECRET must be whsec_ followed by base64 (several separated by commas)',
    })
    .optional(),
  /**
   * The registry of event webhooks on a PostgreSQL server, shared by `hookstep api` and `hookstep worker`. Without
   * it only `hookstep dev` has a registry (PGlite in HOOKSTEP_REGISTRY_DIR), since PGlite serves one process.
   */
  HOOKSTEP_DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\/\S+$/, { error: 'HOOKSTEP_DATABASE_URL must be a postgres:// URL' })
    .optional(),
  HOOKSTEP_REGISTRY_DIR: z.string().min(1).default(DEV_REGISTRY_DIR),
  /** How long the delivery log keeps a delivery after its last change, in ms: a duration such as "30d" or "12h". */
  HOOKSTEP_DELIVERY_LOG_RETENTION: z
    .string()
    .default('30d')
    .refine(isDuration, { error: 'HOOKSTEP_DELIVERY_LOG_RETENTION must be a duration such as 30d, 12h or 90m' })
    .transform((text) => toMs(text)),
  /** An API key the API accepts from start-up on (deployments, scripts); the CLI sends it too. */
  HOOKSTEP_API_KEY: z.string().min(20, { error: 'HOOKSTEP_API_KEY must be at least 20 characters' }).optional(),
  /** Where the CLI finds the HTTP API. */
  HOOKSTEP_API_URL: z
    .url({ protocol: /^https?$/, error: 'HOOKSTEP_API_URL must be an http or https URL' })
    .default(`http://127.0.0.1:${DEFAULT_API_PORT}`),
  /** `hookstep worker` serves Prometheus metrics here when --metrics is not given. */
  HOOKSTEP_METRICS_ADDRESS: z
    .string()
    .regex(HOST_PORT, { error: 'HOOKSTEP_METRICS_ADDRESS must be host:port, e.g. 0.0.0.0:9464' })
    .optional(),
  /** Parsed explicitly: "false" must not count as true. */
  HOOKSTEP_REQUIRE_ENCRYPTION: z
    .enum(['true', 'false'], { error: 'HOOKSTEP_REQUIRE_ENCRYPTION must be true or false' })
    .transform((v) => v === 'true')
    .default(false),
  /** The codec server's bearer token. No default: a secret. */
  HOOKSTEP_CODEC_TOKEN: z
    .string()
    .regex(/^[A-Za-z0-9._~-]{16,512}$/, {
      error: "HOOKSTEP_CODEC_TOKEN must be 16 to 512 letters, digits, '.', '_', '~' or '-' (openssl rand -hex 32)",
    })
    .optional(),
  /** Web UI origins the codec server answers browsers from, comma-separated. */
  HOOKSTEP_CODEC_ORIGINS: z
    .string()
    .default('')
    .transform((text, ctx) => {
      const origins = text
        .split(',')
        .map((o) => o.trim())
        .filter(Boolean);
      for (const origin of origins) {
        if (!isOrigin(origin)) {
          ctx.addIssue({
            code: 'custom',
            message: `HOOKSTEP_CODEC_ORIGINS: '${origin}' is not an origin such as http://127.0.0.1:8233`,
          });
        }
      }
      return origins;
    }),
});
export type Config = z.output<typeof EnvSchema>;

/** A client certificate needs its key and the other way round; said before any file is read. */
function certificatePairIssues(config: Config): string[] {
  const cert = config.TEMPORAL_TLS_CLIENT_CERT_PATH !== undefined;
  const key = config.TEMPORAL_TLS_CLIENT_KEY_PATH !== undefined;
  return cert === key
    ? []
    : ['TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH go together: set both for mTLS, or neither'];
}

/**
 * The registry `hookstep api` and `hookstep worker` share: PostgreSQL at HOOKSTEP_DATABASE_URL, or undefined when it
 * is unset. An embedded PGlite is reachable from one process only (it locks its directory), so an API and a worker
 * in two processes each on their own would never see each other's webhooks: events would fan out to no one.
 */
export function sharedRegistry(config: Config): DbOptions | undefined {
  return config.HOOKSTEP_DATABASE_URL ? { url: config.HOOKSTEP_DATABASE_URL } : undefined;
}

/** Why a process of its own cannot serve the API without HOOKSTEP_DATABASE_URL, and what to run instead. */
export const SHARED_REGISTRY_REQUIRED =
  'HOOKSTEP_DATABASE_URL must be set: `hookstep api` and `hookstep worker` share the registry of event webhooks ' +
  'through PostgreSQL (an embedded registry is reachable only inside one process); for one process with the ' +
  'embedded registry, run `hookstep dev`';
export type { Cidr };
export { ConfigError };

/** scheme://host[:port] and nothing more, as a browser sends it in Origin. */
export function isOrigin(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === text;
  } catch {
    return false;
  }
}

/** Empty variables count as unset, so `FOO= hookstep worker` falls back to the default. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = EnvSchema.safeParse(present);
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map((i) => i.message));
  const issues = certificatePairIssues(parsed.data);
  if (issues.length) throw new ConfigError(issues);
  return parsed.data;
}
