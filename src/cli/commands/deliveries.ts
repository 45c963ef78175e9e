// `hookstep deliveries list|show|resend`: the delivery log through the HTTP API, in the API key's tenant scope.
import type { Command } from 'commander';
import type { DeliveryListFilter } from '../../contract';
import { apiClientFromEnv, print } from '../apiClient';
import { EXIT, setExit } from '../shared';

interface ListFlags {
  webhook?: string;
  event?: string;
  tenant?: string;
  state?: string;
  eventType?: string;
  since?: string;
  until?: string;
  after?: string;
  limit?: string;
}

export function deliveriesCommand(cli: Command): void {
  const deliveries = cli.command('deliveries').description('the delivery log of event webhooks, through the HTTP API');
  deliveries
    .command('list')
    .description('deliveries, newest first; prints {deliveries, next}: pass next as --after for the next page')
    .option('--webhook <id>', "only this webhook's")
    .option('--event <id>', "only this event's")
    .option('--tenant <tenant>', "only this tenant's (an operator key; a tenant key lists its own)")
    .option('--state <state>', 'scheduled, pending, delivered, failed or skipped')
    .option('--event-type <type>', 'only this event type')
    .option('--since <time>', 'created at or after this ISO 8601 time')
    .option('--until <time>', 'created before this ISO 8601 time')
    .option('--after <cursor>', "the previous page's next")
    .option('--limit <n>', 'at most this many (1 to 1000; default 100)')
    .action(async (flags: ListFlags) => {
      const { webhook, event, limit, ...rest } = flags;
      // An unknown state or a bad limit is left for the schema to name, as the API would.
      const filter = {
        ...Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)),
        ...(webhook === undefined ? {} : { webhookId: webhook }),
        ...(event === undefined ? {} : { eventId: event }),
        ...(limit === undefined ? {} : { limit: /^\d+$/.test(limit) ? Number(limit) : limit }),
      } as DeliveryListFilter;
      print(await apiClientFromEnv().deliveries.list(filter));
      setExit(EXIT.ok);
    });
  deliveries
    .command('show <id>')
    .description('a delivery (<webhook id>/<event id>) with its attempts: time, status, failure type, reply snippet')
    .action(async (id: string) => setExit((print(await apiClientFromEnv().deliveries.get(id)), EXIT.ok)));
  deliveries
    .command('resend <id>')
    .description('the same event to the same webhook again, as a new delivery (printed, with resendOf)')
    .option('--idempotency-key <key>', 'a retried call with the same key sends nothing again')
    .action(async (id: string, flags: { idempotencyKey?: string }) => {
      print(await apiClientFromEnv().resendDelivery(id, { idempotencyKey: flags.idempotencyKey }));
      setExit(EXIT.ok);
    });
}
