// The registry of event webhooks: one database (PGlite embedded, or PostgreSQL), migrated when opened, and one
// repository per aggregate. The worker's activities and the HTTP API share it.
import { openDb, type Db, type DbOptions } from './db';
import { ApiKeyRepository } from './apiKeys';
import { DeliveryRepository } from './deliveries';
import { AutomationRepository } from './automations';
import { AutomationRunRepository } from './automationRuns';
import { EventRepository } from './events';
import { IdempotencyRepository } from './idempotency';
import { ResendRepository } from './resends';
import { WebhookHealthRepository } from './health';
import { LeaseRepository } from './leases';
import { OutboxRepository } from './outbox';
import { migrate } from './migrations';
import { SecretBox, type SealingKeys } from './secretBox';
import { SignInLinkRepository } from './signInLinks';
import { WebhookRepository } from './webhooks';
import { startVacuum } from './vacuum';

export { API_KEY_PREFIX, hashApiKey, newApiKey } from './apiKeys';
export { SIGN_IN_LINK_TTL_MS, SIGN_IN_TOKEN_PREFIX } from './signInLinks';
export { SECRET_GRACE_MS, newSigningSecret } from './webhooks';
export { deliveryIdOf, type AttemptEntry, type DeliveryFilter } from './deliveries';
export { automationRunIdOf, type AutomationRunEnd, type AutomationRunFilter } from './automationRuns';
export { RegistryClosedError, type Db, type DbOptions } from './db';
export type { Claim } from './idempotency';
export type { PlannedResend } from './resends';
export type { SealingKeys } from './secretBox';
export type { FailedDelivery, WebhookHealthRepository } from './health';
export type { LeaseRepository, SlotAnswer, SlotRequest } from './leases';
export { OUTBOX_CHANNEL, type OutboxEntry, type OutboxRepository } from './outbox';

export interface Registry {
  webhooks: WebhookRepository;
  /** What deliveries tell of each webhook: its consecutive failures, disabling it (endpoint health). */
  health: WebhookHealthRepository;
  automations: AutomationRepository;
  /** The automation run log: a stored automation's runs, how each ended. */
  automationRuns: AutomationRunRepository;
  events: EventRepository;
  apiKeys: ApiKeyRepository;
  /** One-time links that sign a browser in to the webhooks page as a tenant. */
  signInLinks: SignInLinkRepository;
  deliveries: DeliveryRepository;
  /** Resends in the delivery log, and the failures recover resends. */
  resends: ResendRepository;
  idempotency: IdempotencyRepository;
  /** Each webhook's requests in flight, the deliveries waiting for a slot, and its pace (fair delivery). */
  leases: LeaseRepository;
  /** Published events' deliveries waiting for a dispatcher's first attempt (issue 23). */
  outbox: OutboxRepository;
  db: Db;
  close(): Promise<void>;
}

/**
 * Opens and migrates the registry. With `keys` (the payload keyring), signing secrets are sealed at rest: rows in
 * clear or under an older key are sealed with the current key here, and a row whose key is not in the ring refuses
 * the open, naming the key (SecretUnreadableError). Without keys, secrets are stored in clear, and a registry that
 * holds sealed secrets refuses to open.
 */
export async function openRegistry(options: DbOptions, keys?: SealingKeys): Promise<Registry> {
  const db = await openDb(options);
  const webhooks = new WebhookRepository(db, new SecretBox(keys));
  try {
    await migrate(db);
    await webhooks.resealSecrets();
  } catch (err) {
    await db.close();
    throw err;
  }
  const stopVacuum = startVacuum(db);
  return {
    webhooks,
    health: new WebhookHealthRepository(db),
    automations: new AutomationRepository(db),
    automationRuns: new AutomationRunRepository(db),
    events: new EventRepository(db),
    apiKeys: new ApiKeyRepository(db),
    signInLinks: new SignInLinkRepository(db),
    deliveries: new DeliveryRepository(db),
    resends: new ResendRepository(db),
    idempotency: new IdempotencyRepository(db),
    leases: new LeaseRepository(db),
    outbox: new OutboxRepository(db),
    db,
    async close() {
      stopVacuum();
      await db.close();
    },
  };
}
