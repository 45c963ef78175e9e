// API keys, stored as their SHA-256: a key is 32 random bytes, so a fast hash suffices, and a leaked table gives
// no key. A key is shown once, when it is made. A key is an operator's (tenant null: every tenant) or one tenant's.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { OPERATOR_SCOPE, tenantScope, type TenantScope } from '../contract';
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

  /**
   * Adds an operator key, or with `tenant` that tenant's key; with `expiresAt`, a key that stops working then (a page's
   * session). Adding a key again keeps what it was.
   */
  async add(key: string, label: string, tenant?: string, expiresAt?: Date): Promise<void> {
    // Expired keys open nothing; dropped as new short-lived ones come, so sessions do not pile up.
    if (expiresAt) await this.db.query('delete from api_keys where expires_at < now()');
    await this.db.query(
      'insert into api_keys (hash, label, tenant, expires_at) values ($1, $2, $3, $4) on conflict (hash) do nothing',
      [hashApiKey(key), label, tenant ?? null, expiresAt?.toISOString() ?? null],
    );
  }

  /**
   * What the key may see and change: every tenant or its own; undefined when it is not one of ours or has expired.
   * The lookup is by hash and the final comparison constant-time.
   */
  async scopeOf(key: string): Promise<TenantScope | undefined> {
    const hash = hashApiKey(key);
    const [row] = await this.db.query<{ hash: string; tenant: string | null }>(
      'select hash, tenant from api_keys where hash = $1 and (expires_at is null or expires_at > now())',
      [hash],
    );
    if (row === undefined || !timingSafeEqual(Buffer.from(row.hash), Buffer.from(hash))) return undefined;
    return row.tenant === null ? OPERATOR_SCOPE : tenantScope(row.tenant);
  }
}
