// `hookstep dev`'s secrets: the payload key (the configured one, or a key file made on first use under .hookstep/)
// and a fresh codec-server token per start, written for its owner only and never printed.
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { DEV_KEY_FILE, generateKeyFile, loadKeyring, type PayloadKeyring } from '../../codec';
import { DEV_STATE_DIR } from '../../contract';

/** Where `hookstep dev` writes the codec server's token for this run, for `temporal --codec-auth`. */
export const DEV_CODEC_TOKEN_FILE = `${DEV_STATE_DIR}/codec-token`;

/** The configured keys, else the dev key file, made on first use. */
export function devKeyring(): { keyring: PayloadKeyring; generated: boolean } {
  const configured = loadKeyring();
  if (configured) return { keyring: configured, generated: false };
  return { keyring: generateKeyFile(DEV_KEY_FILE), generated: true };
}

export function writeDevToken(): string {
  const token = randomBytes(24).toString('hex');
  mkdirSync(dirname(DEV_CODEC_TOKEN_FILE), { recursive: true });
  writeFileSync(DEV_CODEC_TOKEN_FILE, `${token}\n`, { mode: 0o600 });
  chmodSync(DEV_CODEC_TOKEN_FILE, 0o600);
  return token;
}
