// The registry of event webhooks: one database (PGlite embedded, or PostgreSQL), migrated when opened, and one
// repository per aggregate. The worker's activities and the HTTP API share it.
import { openDb, type Db, type DbOptions } from './db';
import { ApiKeyRepository } from './apiKeys';
import { EventRepository } from './events';
import { migrate } from './migrations';
import { WebhookRepository } from './webhooks';

export { API_KEY_PREFIX, hashApiKey, newApiKey } from './apiKeys';
export { SECRET_GRACE_MS, newSigningSecret } from './webhooks';
export type { Db, DbOptions } from './db';

export interface Registry {
  webhooks: WebhookRepository;
  events: EventRepository;
  apiKeys: ApiKeyRepository;
  db: Db;
  close(): Promise<void>;
}

export async function openRegistry(options: DbOptions): Promise<Registry> {
  const db = await openDb(options);
  try {
    await migrate(db);
  } catch (err) {
    await db.close();
    throw err;
  }
  return {
    webhooks: new WebhookRepository(db),
    events: new EventRepository(db),
    apiKeys: new ApiKeyRepository(db),
    db,
    close: () => db.close(),
  };
}
