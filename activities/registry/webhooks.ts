// Webhooks and their signing secrets. A webhook's fields live in one jsonb column beside the two the fan-out selects
// on (event, active), so a new field needs no migration. Secrets are read only to sign; no read returns them.
import { randomBytes } from 'node:crypto';
import type { Webhook, WebhookChanges, WebhookFields } from '../../src/contract';
import type { Db } from './db';

interface Row {
  id: string;
  event: string;
  active: boolean;
  config: Omit<WebhookFields, 'event' | 'active'>;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = 'id, event, active, config, created_at, updated_at';

/** Rotation keeps the previous secret signing beside the new one this long, as Standard Webhooks allows. */
export const SECRET_GRACE_MS = 24 * 3_600_000;

export function newWebhookId(): string {
  return `wh_${randomBytes(12).toString('hex')}`;
}

export function newSigningSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

export class WebhookRepository {
  constructor(private readonly db: Db) {}

  async create(fields: WebhookFields, secret: string): Promise<Webhook> {
    const { event, active, ...config } = fields;
    const id = newWebhookId();
    return this.db.transaction(async (tx) => {
      const [row] = await tx.query<Row>(
        `insert into webhooks (id, event, active, config) values ($1, $2, $3, $4::jsonb) returning ${COLUMNS}`,
        [id, event, active, JSON.stringify(config)],
      );
      await tx.query('insert into webhook_secrets (webhook_id, secret) values ($1, $2)', [id, secret]);
      return toWebhook(row);
    });
  }

  async get(id: string): Promise<Webhook | undefined> {
    const [row] = await this.db.query<Row>(`select ${COLUMNS} from webhooks where id = $1`, [id]);
    return row && toWebhook(row);
  }

  /** In id order, `limit` after the cursor; filtered by event type and active state when given. */
  async list(filter: { event?: string; active?: boolean; after?: string; limit: number }): Promise<Webhook[]> {
    const rows = await this.db.query<Row>(
      `select ${COLUMNS} from webhooks
       where ($1::text is null or event = $1) and ($2::boolean is null or active = $2) and ($3::text is null or id > $3)
       order by id limit $4`,
      [filter.event ?? null, filter.active ?? null, filter.after ?? null, filter.limit],
    );
    return rows.map(toWebhook);
  }

  /** The active webhooks for an event type: the fan-out's subscribers, a page at a time. */
  subscribers(event: string, after: string | undefined, limit: number): Promise<Webhook[]> {
    return this.list({ event, active: true, after, limit });
  }

  /** Changes the fields given; a `null` removes an optional field (a delay, the success statuses). */
  async update(id: string, changes: WebhookChanges): Promise<Webhook | undefined> {
    const { event, active, ...config } = changes;
    const removed = Object.keys(config).filter((k) => config[k as keyof typeof config] === null);
    const [row] = await this.db.query<Row>(
      `update webhooks set event = coalesce($2, event), active = coalesce($3, active),
         config = (config || $4::jsonb) - $5::text[], updated_at = now()
       where id = $1 returning ${COLUMNS}`,
      [id, event ?? null, active ?? null, JSON.stringify(config), removed],
    );
    return row && toWebhook(row);
  }

  async delete(id: string): Promise<boolean> {
    return (await this.db.query('delete from webhooks where id = $1 returning id', [id])).length > 0;
  }

  /** The new secret signs from now on; the current one keeps signing beside it for SECRET_GRACE_MS. */
  async rotateSecret(id: string, secret: string, now = new Date()): Promise<Date | undefined> {
    const until = new Date(now.getTime() + SECRET_GRACE_MS);
    return this.db.transaction(async (tx) => {
      if ((await tx.query('select id from webhooks where id = $1 for update', [id])).length === 0) return undefined;
      await tx.query('update webhook_secrets set expires_at = $2 where webhook_id = $1 and expires_at is null', [
        id,
        until,
      ]);
      await tx.query('insert into webhook_secrets (webhook_id, secret, created_at) values ($1, $2, $3)', [
        id,
        secret,
        now,
      ]);
      return until;
    });
  }

  /** Every secret that signs now, newest first (by insertion: clocks of the app and the database may differ). */
  async signingSecrets(id: string, now = new Date()): Promise<string[]> {
    const rows = await this.db.query<{ secret: string }>(
      `select secret from webhook_secrets where webhook_id = $1 and (expires_at is null or expires_at > $2)
       order by seq desc`,
      [id, now],
    );
    return rows.map((r) => r.secret);
  }
}

function toWebhook(row: Row): Webhook {
  return {
    ...row.config,
    id: row.id,
    event: row.event,
    active: row.active,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}
