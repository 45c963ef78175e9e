// Sign-in links: a one-time token that an operator hands a tenant (a store) to open the webhooks page as that tenant,
// as Svix's App Portal does, so the store never holds a long-lived key. Only the token's SHA-256 is kept; redeeming
// it is one conditional update, so a link works once even when two browsers open it together.
import { randomBytes } from 'node:crypto';
import { hashApiKey } from './apiKeys';
import type { Db } from './db';

export const SIGN_IN_TOKEN_PREFIX = 'hsl_';
/** How long a link works if nobody opens it. */
export const SIGN_IN_LINK_TTL_MS = 15 * 60_000;

export class SignInLinkRepository {
  constructor(private readonly db: Db) {}

  /** A new link's token for the tenant (returned this once) and when it stops working. */
  async create(tenant: string, now = new Date()): Promise<{ token: string; expiresAt: Date }> {
    const token = `${SIGN_IN_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
    const expiresAt = new Date(now.getTime() + SIGN_IN_LINK_TTL_MS);
    // Links nobody opened are of no use past their time: dropped here so the table stays small.
    await this.db.query("delete from sign_in_links where expires_at < now() - interval '1 day'");
    await this.db.query('insert into sign_in_links (hash, tenant, expires_at) values ($1, $2, $3)', [
      hashApiKey(token),
      tenant,
      expiresAt.toISOString(),
    ]);
    return { token, expiresAt };
  }

  /** The link's tenant, marking it used; undefined when it is unknown, used or expired (said the same for each). */
  async redeem(token: string): Promise<string | undefined> {
    const [row] = await this.db.query<{ tenant: string }>(
      `update sign_in_links set used_at = now()
        where hash = $1 and used_at is null and expires_at > now() returning tenant`,
      [hashApiKey(token)],
    );
    return row?.tenant;
  }
}
