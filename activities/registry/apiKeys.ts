// API keys, stored as their SHA-256: a key is 32 random bytes, so a fast hash suffices, and a leaked table gives
// no key. A key is shown once, when it is made.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Db } from './db';

export const API_KEY_PREFIX = 'hsk_';

export function newApiKey(): string {
  return `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export class ApiKeyRepository {
  constructor(private readonly db: Db) {}

  async add(key: string, label: string): Promise<void> {
    await this.db.query('insert into api_keys (hash, label) values ($1, $2) on conflict (hash) do nothing', [
      hashApiKey(key),
      label,
    ]);
  }

  /** Whether the key is one of ours; the lookup is by hash and the final comparison constant-time. */
  async accepts(key: string): Promise<boolean> {
    const hash = hashApiKey(key);
    const [row] = await this.db.query<{ hash: string }>('select hash from api_keys where hash = $1', [hash]);
    return row !== undefined && timingSafeEqual(Buffer.from(row.hash), Buffer.from(hash));
  }
}
