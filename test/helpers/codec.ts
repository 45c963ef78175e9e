// The test key as tests read with it: decoding a payload from raw history, a real codec server in-process, and the
// real temporal CLI pointed at it with --codec-endpoint and --codec-auth.
import { randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { EncryptionCodec, loadKeyring, startCodecServer, type PayloadKeyring } from '../../src/codec';
import { findTemporalCli } from '../../src/worker';
import { temporalAddress } from './temporal';

export function testKeyring(): PayloadKeyring {
  const keyring = loadKeyring(process.env, { devKeyFile: false });
  if (!keyring) throw new Error('HOOKSTEP_PAYLOAD_KEYS is unset: run through jest, whose global setup sets it');
  return keyring;
}

/** A payload from raw history, decrypted with the test key and converted to its value. */
export async function decodeWithTestKey(payload: Payload | null | undefined): Promise<unknown> {
  if (!payload) return undefined;
  const [decoded] = await new EncryptionCodec(testKeyring()).decode([payload]);
  return defaultPayloadConverter.fromPayload(decoded);
}

export interface TestCodecServer {
  url: string;
  token: string;
  /** --codec-endpoint and --codec-auth for the temporal CLI. */
  cliArgs: string[];
  close(): Promise<void>;
}

export async function startTestCodecServer(allowedOrigins: string[] = []): Promise<TestCodecServer> {
  const token = randomBytes(16).toString('hex');
  const server = await startCodecServer({ codec: new EncryptionCodec(testKeyring()), token, allowedOrigins });
  return {
    url: server.url,
    token,
    cliArgs: ['--codec-endpoint', server.url, '--codec-auth', `Bearer ${token}`],
    close: () => server.close(),
  };
}

/**
 * The real temporal CLI against the test server, JSON output; through the codec server when one is given. Async: the
 * codec server answers from this very process.
 */
export async function temporalCli(args: string[], codec?: TestCodecServer, output = 'json'): Promise<string> {
  const { stdout } = await promisify(execFile)(
    findTemporalCli()!,
    [...args, '--address', temporalAddress(), '--output', output, ...(codec?.cliArgs ?? [])],
    { encoding: 'utf8' },
  );
  return stdout;
}
