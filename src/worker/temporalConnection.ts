// How every hookstep process reaches Temporal: the address and namespace from its configuration, and TLS (a server
// CA, an mTLS client certificate, a server name) or a Temporal Cloud API key from Temporal's own environment
// configuration (TEMPORAL_TLS*, TEMPORAL_API_KEY, or a profile in the TOML file Temporal's CLI and SDKs share), read
// by Temporal's `@temporalio/envconfig` so hookstep, the `temporal` CLI and any other SDK take the same variables.
import type { TLSConfig } from '@temporalio/client';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import { ConfigError } from '../contract';
import type { Config } from './config';

/** What `Connection.connect` (clients) and `NativeConnection.connect` (workers) both take. */
export interface TemporalConnectionOptions {
  address: string;
  tls?: TLSConfig | boolean | null;
  apiKey?: string;
  metadata?: Record<string, string>;
}

/**
 * The connection options for `config.TEMPORAL_ADDRESS`: TLS when TEMPORAL_TLS=true, any TEMPORAL_TLS_* certificate
 * setting, or TEMPORAL_API_KEY (Temporal Cloud) is present; plain otherwise. Certificate files are read here, so a
 * missing or unreadable one stops start-up with a ConfigError naming it rather than failing at the first call.
 */
export function temporalConnectionOptions(
  config: Config,
  env: NodeJS.ProcessEnv = process.env,
): TemporalConnectionOptions {
  const present = Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ''),
  );
  let loaded: ReturnType<typeof loadClientConnectConfig>;
  try {
    loaded = loadClientConnectConfig({ overrideEnvVars: present });
  } catch (err) {
    throw new ConfigError([
      `Temporal's TLS or API-key settings (TEMPORAL_TLS_*, TEMPORAL_API_KEY): ${(err as Error).message}`,
    ]);
  }
  const { tls, apiKey, metadata } = loaded.connectionOptions;
  return {
    address: config.TEMPORAL_ADDRESS,
    ...(tls !== undefined && { tls }),
    ...(apiKey !== undefined && { apiKey: typeof apiKey === 'string' ? apiKey : undefined }),
    // envconfig reads TEMPORAL_GRPC_META_* as text only.
    ...(metadata && Object.keys(metadata).length > 0 && { metadata: metadata as Record<string, string> }),
  };
}

/** For start-up lines: how the connection is secured, naming no secret. */
export function describeConnection(options: TemporalConnectionOptions): string {
  if (!options.tls) return options.apiKey ? 'API key without TLS' : 'plain (no TLS)';
  const tls = typeof options.tls === 'object' ? options.tls : {};
  const parts = ['TLS'];
  if (tls.clientCertPair) parts.push('client certificate');
  if (tls.serverRootCACertificate) parts.push('own server CA');
  if (options.apiKey) parts.push('API key');
  return parts.join(', ');
}
