// TLS for the cluster's frontend (HOOKSTEP_CLUSTER_TLS=true): a throwaway certificate authority, a server certificate
// for localhost and 127.0.0.1, and a client certificate, made with openssl in the cluster's directory. The frontend
// requires a client certificate (mTLS), as a production Temporal does; the environment `scripts/cluster status`
// prints is what a hookstep process, the `temporal` CLI or another SDK needs to connect.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TLSConfig } from '@temporalio/client';
import { run } from './tools';

export interface ClusterTls {
  dir: string;
  ca: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
  /** The name the server certificate is for, which clients verify. */
  serverName: string;
}

export const TLS_SERVER_NAME = 'localhost';

export function clusterTls(clusterDir: string): ClusterTls {
  const dir = join(clusterDir, 'tls');
  return {
    dir,
    ca: join(dir, 'ca.pem'),
    serverCert: join(dir, 'server.pem'),
    serverKey: join(dir, 'server-key.pem'),
    clientCert: join(dir, 'client.pem'),
    clientKey: join(dir, 'client-key.pem'),
    serverName: TLS_SERVER_NAME,
  };
}

/** Makes the CA and both certificates (valid 30 days) unless they exist; needs the `openssl` command. */
export async function makeCertificates(tls: ClusterTls): Promise<void> {
  if ([tls.ca, tls.serverCert, tls.serverKey, tls.clientCert, tls.clientKey].every((f) => existsSync(f))) return;
  mkdirSync(tls.dir, { recursive: true, mode: 0o700 });
  const at = (name: string) => join(tls.dir, name);
  const openssl = (args: string[]) =>
    run('openssl', args).catch((err: Error) => {
      throw new Error(`openssl failed making the cluster's TLS certificates (is openssl installed?): ${err.message}`);
    });
  await openssl([
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '30',
    '-subj',
    '/CN=hookstep cluster CA',
    '-keyout',
    at('ca-key.pem'),
    '-out',
    tls.ca,
  ]);
  const leaf = async (name: string, cert: string, key: string, extensions: string) => {
    writeFileSync(at(`${name}.ext`), extensions);
    await openssl([
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-subj',
      `/CN=${name}`,
      '-keyout',
      key,
      '-out',
      at(`${name}.csr`),
    ]);
    await openssl([
      'x509',
      '-req',
      '-in',
      at(`${name}.csr`),
      '-CA',
      tls.ca,
      '-CAkey',
      at('ca-key.pem'),
      '-CAcreateserial',
      '-days',
      '30',
      '-extfile',
      at(`${name}.ext`),
      '-out',
      cert,
    ]);
  };
  await leaf(
    'server',
    tls.serverCert,
    tls.serverKey,
    `subjectAltName=DNS:${TLS_SERVER_NAME},IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\n`,
  );
  await leaf('client', tls.clientCert, tls.clientKey, 'extendedKeyUsage=clientAuth\n');
}

/** The server's `global.tls`: the frontend serves TLS and requires a client certificate signed by the CA. */
export function serverTlsConfig(tls: ClusterTls): Record<string, unknown> {
  const client = { serverName: tls.serverName, rootCaFiles: [tls.ca] };
  return {
    frontend: {
      server: { certFile: tls.serverCert, keyFile: tls.serverKey, requireClientAuth: true, clientCaFiles: [tls.ca] },
      client,
    },
    // The server's own system worker reaches the frontend as a client like any other.
    systemWorker: { certFile: tls.clientCert, keyFile: tls.clientKey, client },
  };
}

/** What a client of the cluster passes as `tls`. */
export function clientTlsConfig(tls: ClusterTls): TLSConfig {
  return {
    serverNameOverride: tls.serverName,
    serverRootCACertificate: readFileSync(tls.ca),
    clientCertPair: { crt: readFileSync(tls.clientCert), key: readFileSync(tls.clientKey) },
  };
}

/** Temporal's environment configuration for the cluster: what hookstep, the CLI and every SDK read. */
export function tlsEnvironment(tls: ClusterTls): Record<string, string> {
  return {
    TEMPORAL_TLS: 'true',
    TEMPORAL_TLS_SERVER_CA_CERT_PATH: tls.ca,
    TEMPORAL_TLS_CLIENT_CERT_PATH: tls.clientCert,
    TEMPORAL_TLS_CLIENT_KEY_PATH: tls.clientKey,
    TEMPORAL_TLS_SERVER_NAME: tls.serverName,
  };
}
