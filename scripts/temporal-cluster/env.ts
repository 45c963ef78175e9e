// scripts/cluster's settings, parsed once from the environment; a bad value stops it with a message naming the
// variable. Ports default to fixed ones away from `hookstep dev` (7233/8233) and a system PostgreSQL (5432).
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../../src/contract';

export const REPO_ROOT = resolve(__dirname, '..', '..');
export const DEFAULT_CLUSTER_DIR = join(REPO_ROOT, '.hookstep', 'cluster');
export const DEFAULT_FRONTEND_PORT = 17233;
export const DEFAULT_POSTGRES_PORT = 15432;
/** The server's nine ports (four services' gRPC and membership, the frontend's HTTP) start at the frontend's. */
export const SERVER_PORT_COUNT = 9;
/** Temporal's SQL schema keeps membership ports in a SMALLINT: a server on a higher port dies at start-up. */
export const MAX_PORT = 32_767;

function portSetting(name: string, fallback: number, span: number) {
  const message = `${name} must be a port number from 1024 to ${MAX_PORT - span + 1}, or "auto" (a free one)`;
  return z
    .string()
    .default(String(fallback))
    .transform((text, ctx): number | 'auto' => {
      if (text === 'auto') return 'auto';
      const port = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
      if (port >= 1024 && port + span - 1 <= MAX_PORT) return port;
      ctx.addIssue({ code: 'custom', message });
      return z.NEVER;
    });
}

export const ClusterEnvSchema = z.object({
  HOOKSTEP_CLUSTER_DIR: z
    .string()
    .default(DEFAULT_CLUSTER_DIR)
    .transform((dir) => resolve(REPO_ROOT, dir)),
  HOOKSTEP_CLUSTER_PORT: portSetting('HOOKSTEP_CLUSTER_PORT', DEFAULT_FRONTEND_PORT, SERVER_PORT_COUNT),
  HOOKSTEP_CLUSTER_PG_PORT: portSetting('HOOKSTEP_CLUSTER_PG_PORT', DEFAULT_POSTGRES_PORT, 1),
  HOOKSTEP_CLUSTER_LOG_LEVEL: z
    .enum(['debug', 'info', 'warn', 'error'], {
      error: 'HOOKSTEP_CLUSTER_LOG_LEVEL must be one of debug, info, warn, error',
    })
    .default('warn'),
  /** The frontend on TLS with client certificates (mTLS), as a production Temporal; parsed explicitly. */
  HOOKSTEP_CLUSTER_TLS: z
    .enum(['true', 'false'], { error: 'HOOKSTEP_CLUSTER_TLS must be true or false' })
    .transform((v) => v === 'true')
    .default(false),
});
export type ClusterEnv = z.output<typeof ClusterEnvSchema>;

/** Empty variables count as unset, as in the worker's own config. */
export function loadClusterEnv(env: NodeJS.ProcessEnv = process.env): ClusterEnv {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = ClusterEnvSchema.safeParse(present);
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map((i) => i.message));
  return parsed.data;
}
