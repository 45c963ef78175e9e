// Webhooks and their signing secrets. A webhook's fields live in one jsonb column beside the three the fan-out selects
// on (tenant, event, active), so a new field needs no migration. Secrets are read only to sign; no read returns them,
// and they are stored sealed by the SecretBox (secretBox.ts) with the id of the key that sealed them. Every read and
// change takes the caller's tenant scope: a webhook of another tenant is not found, as a missing one.
import { randomBytes } from 'node:crypto';
import {
  scopedTenant,
  SecretUnreadableError,
  type TenantScope,
  type Webhook,
  type WebhookChanges,
  type WebhookFields,
  type WebhookHealthFilter,
} from '../contract';
import type { Db, Queryable } from './db';
import { missingKeyMessage, SecretBox, type StoredSecret } from './secretBox';
import { COLUMNS, IN_SCOPE, toWebhook, type Row } from './webhookRows';

/** Rotation keeps the previous secret signing beside the new one this long, as Standard Webhooks allows. */
export const SECRET_GRACE_MS = 24 * 3_600_000;

export function newWebhookId(): string {
  return `wh_${randomBytes(12).toString('hex')}`;
}

export function newSigningSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

export class WebhookRepository {
  constructor(
    private readonly db: Db,
    private readonly box: SecretBox = new SecretBox(undefined),
  ) {}

  private insertSecret(tx: Queryable, id: string, secret: string, createdAt?: Date) {
    const stored = this.box.seal(secret, id);
    return tx.query(
      'insert into webhook_secrets (webhook_id, secret, key_id, created_at) values ($1, $2, $3, coalesce($4, now()))',
      [id, stored.secret, stored.keyId, createdAt ?? null],
    );
  }

  /** A webhook of `tenant`, decided by the caller from its scope (tenantFor). */
  async create(tenant: string, fields: WebhookFields, secret: string): Promise<Webhook> {
    const { event, active, ...config } = fields;
    const id = newWebhookId();
    return this.db.transaction(async (tx) => {
      const [row] = await tx.query<Row>(
        `insert into webhooks (id, tenant, event, active, config) values ($1, $2, $3, $4, $5::jsonb)
         returning ${COLUMNS}`,
        [id, tenant, event, active, JSON.stringify(config)],
      );
      await this.insertSecret(tx, id, secret);
      return toWebhook(row);
    });
  }

  async get(scope: TenantScope, id: string): Promise<Webhook | undefined> {
    const [row] = await this.db.query<Row>(`select ${COLUMNS} from webhooks where id = $1 and ${IN_SCOPE(2)}`, [
      id,
      scopedTenant(scope) ?? null,
    ]);
    return row && toWebhook(row);
  }

  /**
   * In id order, `limit` after the cursor; filtered by event type, active state and health when given (`failing`:
   * disabled, or a failed delivery since the last delivered one; `receiving`: not disabled).
   */
  async list(
    scope: TenantScope,
    filter: {
      event?: string;
      active?: boolean;
      health?: WebhookHealthFilter | 'receiving';
      after?: string;
      limit: number;
    },
  ): Promise<Webhook[]> {
    const rows = await this.db.query<Row>(
      `select ${COLUMNS} from webhooks
       where ${IN_SCOPE(1)} and ($2::text is null or event = $2) and ($3::boolean is null or active = $3)
         and ($4::text is null or id > $4)
         and ($6::text is null
           or ($6 = 'failing' and (consecutive_failures > 0 or disabled_at is not null))
           or ($6 = 'receiving' and disabled_at is null))
       order by id limit $5`,
      [
        scopedTenant(scope) ?? null,
        filter.event ?? null,
        filter.active ?? null,
        filter.after ?? null,
        filter.limit,
        filter.health ?? null,
      ],
    );
    return rows.map(toWebhook);
  }

  /** The active webhooks of one tenant for an event type, not disabled: an event's fan-out, a page at a time. */
  subscribers(tenant: string, event: string, after: string | undefined, limit: number): Promise<Webhook[]> {
    return this.list({ tenant }, { event, active: true, health: 'receiving', after, limit });
  }

  /** Receiving again after it was disabled: no disabledAt or reason, and a count of 0. */
  async enable(scope: TenantScope, id: string): Promise<Webhook | undefined> {
    const [row] = await this.db.query<Row>(
      `update webhooks set consecutive_failures = 0, disabled_at = null, disabled_reason = null
       where id = $1 and ${IN_SCOPE(2)} returning ${COLUMNS}`,
      [id, scopedTenant(scope) ?? null],
    );
    return row && toWebhook(row);
  }

  /** Changes the fields given; a `null` removes an optional field (a delay, the success statuses). */
  async update(scope: TenantScope, id: string, changes: WebhookChanges): Promise<Webhook | undefined> {
    const { event, active, ...config } = changes;
    const removed = Object.keys(config).filter((k) => config[k as keyof typeof config] === null);
    const [row] = await this.db.query<Row>(
      `update webhooks set event = coalesce($3, event), active = coalesce($4, active),
         config = (config || $5::jsonb) - $6::text[], updated_at = now()
       where id = $1 and ${IN_SCOPE(2)} returning ${COLUMNS}`,
      [id, scopedTenant(scope) ?? null, event ?? null, active ?? null, JSON.stringify(config), removed],
    );
    return row && toWebhook(row);
  }

  async delete(scope: TenantScope, id: string): Promise<boolean> {
    const deleted = await this.db.query(`delete from webhooks where id = $1 and ${IN_SCOPE(2)} returning id`, [
      id,
      scopedTenant(scope) ?? null,
    ]);
    return deleted.length > 0;
  }

  /** The new secret signs from now on; the current one keeps signing beside it for SECRET_GRACE_MS. */
  async rotateSecret(scope: TenantScope, id: string, secret: string, now = new Date()): Promise<Date | undefined> {
    const until = new Date(now.getTime() + SECRET_GRACE_MS);
    return this.db.transaction(async (tx) => {
      const found = await tx.query(`select id from webhooks where id = $1 and ${IN_SCOPE(2)} for update`, [
        id,
        scopedTenant(scope) ?? null,
      ]);
      if (found.length === 0) return undefined;
      await tx.query('update webhook_secrets set expires_at = $2 where webhook_id = $1 and expires_at is null', [
        id,
        until,
      ]);
      await this.insertSecret(tx, id, secret, now);
      return until;
    });
  }

  /**
   * Webhooks in the scope with every secret that signs now (newest first), in one query: what a batch of attempts
   * needs of them. A webhook missing or another tenant's is absent from the map.
   */
  async withSecrets(
    scope: TenantScope,
    ids: readonly string[],
    now = new Date(),
  ): Promise<Map<string, { webhook: Webhook; secrets: string[] }>> {
    const rows = await this.db.query<Row & { secrets: { secret: string; key_id: string | null }[] }>(
      `select ${COLUMNS}, coalesce((select json_agg(json_build_object('secret', s.secret, 'key_id', s.key_id)
           order by s.seq desc) from webhook_secrets s
         where s.webhook_id = webhooks.id and (s.expires_at is null or s.expires_at > $3)), '[]') as secrets
       from webhooks where id = any($1::text[]) and ${IN_SCOPE(2)}`,
      [ids, scopedTenant(scope) ?? null, now],
    );
    return new Map(
      rows.map((row) => {
        const secrets = row.secrets.map((r) => this.box.open({ secret: r.secret, keyId: r.key_id }, row.id));
        return [row.id, { webhook: toWebhook(row), secrets }];
      }),
    );
  }

  /** Every secret that signs now, newest first (by insertion: clocks of the app and the database may differ). */
  async signingSecrets(scope: TenantScope, id: string, now = new Date()): Promise<string[]> {
    const rows = await this.db.query<{ secret: string; key_id: string | null }>(
      `select s.secret, s.key_id from webhook_secrets s join webhooks w on w.id = s.webhook_id
       where s.webhook_id = $1 and ($2::text is null or w.tenant = $2) and (s.expires_at is null or s.expires_at > $3)
       order by s.seq desc`,
      [id, scopedTenant(scope) ?? null, now],
    );
    return rows.map((r) => this.box.open({ secret: r.secret, keyId: r.key_id }, id));
  }

  /**
   * Seals again every secret stored in clear or under a key other than the current one, so a registry written
   * before keys were configured, or before a rotation, holds no secret in clear and needs only the current key
   * once this has run. Opens each row first: a key missing from the ring throws SecretUnreadableError naming it,
   * and nothing is changed. Returns how many rows were sealed again.
   */
  async resealSecrets(): Promise<number> {
    if (!this.box.sealing) return this.refuseSealedWithoutKeys();
    return this.db.transaction(async (tx) => {
      const rows = await tx.query<{ seq: string; webhook_id: string; secret: string; key_id: string | null }>(
        'select seq, webhook_id, secret, key_id from webhook_secrets order by seq for update',
      );
      const stale = rows.filter((r) => this.box.stale({ secret: r.secret, keyId: r.key_id }));
      for (const row of stale) {
        const stored: StoredSecret = { secret: row.secret, keyId: row.key_id };
        const sealed = this.box.seal(this.box.open(stored, row.webhook_id), row.webhook_id);
        await tx.query('update webhook_secrets set secret = $2, key_id = $3 where seq = $1', [
          row.seq,
          sealed.secret,
          sealed.keyId,
        ]);
      }
      return stale.length;
    });
  }

  /** Without keys, sealed rows could not sign: refuse at open, naming a key they need, rather than at delivery. */
  private async refuseSealedWithoutKeys(): Promise<number> {
    const [row] = await this.db.query<{ key_id: string }>(
      'select key_id from webhook_secrets where key_id is not null limit 1',
    );
    if (row) throw new SecretUnreadableError(missingKeyMessage(row.key_id, undefined));
    return 0;
  }
}
