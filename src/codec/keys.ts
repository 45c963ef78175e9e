// Payload keys: `keyId:base64key` entries, the first the one new payloads are encrypted with, every one able to
// decrypt (rotation). Read from HOOKSTEP_PAYLOAD_KEYS or a key file, parsed once with messages that name the variable
// or file and never echo a key.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { ConfigError, DEV_STATE_DIR } from '../contract';

/** AES-256: 32 bytes. */
export const KEY_BYTES = 32;
const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;
/** Where `hookstep dev` keeps the key it generates, and where other commands find it when nothing else is set. */
export const DEV_KEY_FILE = `${DEV_STATE_DIR}/payload-keys`;

export interface PayloadKeyring {
  /** The key id new payloads are encrypted with (the first listed). */
  currentId: string;
  keys: ReadonlyMap<string, Buffer>;
  /** Where the keys came from, for start-up banners: a variable or file name, never a key. */
  source: string;
}

/** Parses `id:base64,id2:base64` (commas or new lines; `#` starts a comment line); `where` names the source. */
export function parseKeyList(text: string, where: string): PayloadKeyring {
  const entries = text
    .split('\n')
    .filter((line) => !line.trim().startsWith('#'))
    .flatMap((line) => line.split(','))
    .map((e) => e.trim())
    .filter(Boolean);
  if (entries.length === 0) throw new ConfigError([`${where} holds no key: expected keyId:base64key`]);
  const keys = new Map<string, Buffer>();
  const issues: string[] = [];
  entries.forEach((entry, i) => {
    const at = entry.indexOf(':');
    const id = at > 0 ? entry.slice(0, at) : '';
    if (!KEY_ID.test(id)) {
      issues.push(`${where}: entry ${i + 1} must be keyId:base64key, the id of letters, digits, '.', '_' or '-'`);
      return;
    }
    const key = Buffer.from(entry.slice(at + 1), 'base64');
    if (key.length !== KEY_BYTES || key.toString('base64') !== normalBase64(entry.slice(at + 1))) {
      issues.push(`${where}: key "${id}" must be ${KEY_BYTES} bytes in base64 (openssl rand -base64 32)`);
    } else if (keys.has(id)) issues.push(`${where}: key id "${id}" is listed twice`);
    else keys.set(id, key);
  });
  if (issues.length) throw new ConfigError(issues);
  return { currentId: keys.keys().next().value as string, keys, source: where };
}

function normalBase64(text: string): string {
  const trimmed = text.trim().replace(/-/g, '+').replace(/_/g, '/');
  return trimmed.padEnd(Math.ceil(trimmed.length / 4) * 4, '=');
}

export const PayloadKeyEnvSchema = z.object({
  HOOKSTEP_PAYLOAD_KEYS: z.string().optional(),
  HOOKSTEP_PAYLOAD_KEY_FILE: z.string().optional(),
});

export interface KeyringOptions {
  /** Fall back to the key file `hookstep dev` generates, when it exists. Default true. */
  devKeyFile?: string | false;
}

/**
 * The keys configured for this process: HOOKSTEP_PAYLOAD_KEYS, else HOOKSTEP_PAYLOAD_KEY_FILE, else the dev key file
 * when `hookstep dev` made one; undefined when there is none (payloads then travel and are stored in clear).
 */
export function loadKeyring(
  env: NodeJS.ProcessEnv = process.env,
  options: KeyringOptions = {},
): PayloadKeyring | undefined {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const vars = PayloadKeyEnvSchema.parse(present);
  if (vars.HOOKSTEP_PAYLOAD_KEYS && vars.HOOKSTEP_PAYLOAD_KEY_FILE) {
    throw new ConfigError(['set HOOKSTEP_PAYLOAD_KEYS or HOOKSTEP_PAYLOAD_KEY_FILE, not both']);
  }
  if (vars.HOOKSTEP_PAYLOAD_KEYS) return parseKeyList(vars.HOOKSTEP_PAYLOAD_KEYS, 'HOOKSTEP_PAYLOAD_KEYS');
  if (vars.HOOKSTEP_PAYLOAD_KEY_FILE) return readKeyFile(vars.HOOKSTEP_PAYLOAD_KEY_FILE, 'HOOKSTEP_PAYLOAD_KEY_FILE');
  const devFile = options.devKeyFile ?? DEV_KEY_FILE;
  return devFile && existsSync(devFile) ? readKeyFile(devFile, devFile) : undefined;
}

function readKeyFile(path: string, variable: string): PayloadKeyring {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError([`${variable}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`]);
  }
  return parseKeyList(text, path);
}

/** A new key file with one random key, readable by its owner only; returns its keyring. */
export function generateKeyFile(path: string, now = new Date()): PayloadKeyring {
  mkdirSync(dirname(path), { recursive: true });
  const id = `dev-${now.toISOString().slice(0, 10)}`;
  writeFileSync(
    path,
    `# hookstep payload keys: keyId:base64key, the first encrypts; keep it secret\n${id}:${randomBytes(KEY_BYTES).toString('base64')}\n`,
    { mode: 0o600, flag: 'wx' },
  );
  chmodSync(path, 0o600);
  return parseKeyList(readFileSync(path, 'utf8'), path);
}
