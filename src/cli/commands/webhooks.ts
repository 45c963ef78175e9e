// `hookstep webhooks create|list|get|update|delete|enable|rotate-secret|recover`: event webhooks through the HTTP API. A webhook is
// given as flags or as a JSON file (--file), the flags winning; the API's schema checks it before anything is sent.
import type { Command } from 'commander';
import type { CreateWebhookInput, WebhookHealthFilter } from '../../contract';
import { apiClientFromEnv, print } from '../apiClient';
import { readJsonObject } from '../files';
import { parsePair } from '../flags';
import { EXIT, collect, setExit } from '../shared';

interface WebhookFlags {
  file?: string;
  tenant?: string;
  label?: string;
  event?: string;
  url?: string;
  active?: boolean;
  format?: string;
  envelope?: string;
  additionalField?: string[];
  delay?: string;
  header?: string[];
  timeout?: string;
  successStatus?: string[];
  disableAfter?: string;
  maxInFlight?: string;
  ratePerSecond?: string;
  secret?: string;
}

/** The webhook the flags describe over the file's; an unknown value is left for the schema to name. */
function webhookFromFlags(flags: WebhookFlags): Record<string, unknown> {
  const out: Record<string, unknown> = flags.file ? readJsonObject(flags.file) : {};
  for (const key of ['tenant', 'label', 'event', 'url', 'format', 'envelope', 'secret', 'active'] as const) {
    if (flags[key] !== undefined) out[key] = flags[key];
  }
  if (flags.additionalField) out.additionalFields = flags.additionalField;
  if (flags.header) out.headers = Object.fromEntries(flags.header.map((h) => parsePair('--header', h)));
  if (flags.timeout) out.timeout = /^\d+$/.test(flags.timeout) ? Number(flags.timeout) : flags.timeout;
  if (flags.successStatus) out.successStatuses = flags.successStatus.map(Number);
  if (flags.disableAfter !== undefined)
    out.disableAfter = /^\d+$/.test(flags.disableAfter) ? Number(flags.disableAfter) : flags.disableAfter;
  if (flags.maxInFlight !== undefined) out.maxInFlight = numberOr(flags.maxInFlight);
  if (flags.ratePerSecond !== undefined)
    out.ratePerSecond = flags.ratePerSecond === 'off' ? null : numberOr(flags.ratePerSecond);
  if (flags.delay) {
    const [amount, unit] = flags.delay.trim().split(/\s+/);
    out.delay = { amount: Number(amount), unit };
  }
  return out;
}

/** A number when the flag reads as one, else the text, for the schema to name. */
function numberOr(flag: string): number | string {
  return /^\d+(\.\d+)?$/.test(flag) ? Number(flag) : flag;
}

function fieldOptions(command: Command): Command {
  return command
    .option('--file <webhook.json>', 'the webhook as JSON (flags override its fields)')
    .option('--label <label>', 'a name for people')
    .option('--event <type>', 'the one event type it receives, e.g. order.created')
    .option('--url <url>', 'where to deliver')
    .option('--format <json|xml>', 'the body format')
    .option('--envelope <standard|virto|ecwid|shoprenter>', 'the body shape')
    .option('--additional-field <name>', "an entity field added to Virto's body (repeatable, at most 10)", collect)
    .option('--delay <"amount unit">', 'wait before delivering, e.g. "10 day" or "2 hour"')
    .option('--header <k=v>', 'a request header (repeatable)', collect)
    .option('--timeout <duration>', 'per attempt, e.g. 30s')
    .option('--success-status <code>', 'a status that counts as delivered (repeatable; default any 2xx)', collect)
    .option('--disable-after <n>', 'disable it after n consecutive failed deliveries (default 5; 0: never)')
    .option('--max-in-flight <n>', 'at most n requests to it at once, across workers (default 10)')
    .option('--rate-per-second <r>', 'at most r requests to it per second (default: no limit; update: off removes it)');
}

export function webhooksCommand(cli: Command): void {
  const webhooks = cli.command('webhooks').description('event webhooks, through the HTTP API');
  fieldOptions(webhooks.command('create').description('register a webhook; prints it and, once, its secret'))
    .option('--tenant <tenant>', "whose it is (default: a tenant key's own, else default)")
    .option('--inactive', 'register it switched off')
    .option('--secret <whsec_...>', 'the signing secret (default: a new one)')
    .action(async (flags: WebhookFlags & { inactive?: boolean }) => {
      const input = { ...webhookFromFlags(flags), ...(flags.inactive ? { active: false } : {}) };
      print(await apiClientFromEnv().webhooks.create(input as CreateWebhookInput));
      setExit(EXIT.ok);
    });
  webhooks
    .command('list')
    .description('list webhooks (never their secrets)')
    .option('--event <type>', 'only this event type')
    .option('--tenant <tenant>', "only this tenant's (an operator key; a tenant key lists its own)")
    .option('--health <failing>', 'failing: only those disabled, or whose last delivery failed')
    .action(async (flags: { event?: string; tenant?: string; health?: string }) => {
      const filter = {
        ...(flags.event ? { event: flags.event } : {}),
        ...(flags.tenant ? { tenant: flags.tenant } : {}),
        ...(flags.health ? { health: flags.health as WebhookHealthFilter } : {}),
      };
      print(await apiClientFromEnv().webhooks.list(filter));
      setExit(EXIT.ok);
    });
  webhooks
    .command('get <id>')
    .action(async (id: string) => setExit((print(await apiClientFromEnv().webhooks.get(id)), EXIT.ok)));
  fieldOptions(webhooks.command('update <id>').description('change the fields given'))
    .option('--active <true|false>', 'switch it on or off')
    .action(async (id: string, flags: WebhookFlags & { active?: string }) => {
      const changes = webhookFromFlags({ ...flags, active: undefined });
      if (flags.active !== undefined)
        changes.active = flags.active === 'true' ? true : flags.active === 'false' ? false : flags.active;
      print(await apiClientFromEnv().webhooks.update(id, changes));
      setExit(EXIT.ok);
    });
  webhooks
    .command('delete <id>')
    .action(async (id: string) => setExit((await apiClientFromEnv().webhooks.delete(id), EXIT.ok)));
  lifecycleCommands(webhooks);
}

/** Enable, rotate-secret, and recover (resends its failures since --since; prints {resent, deliveries}). */
function lifecycleCommands(webhooks: Command): void {
  webhooks
    .command('enable <id>')
    .description('receive again after an automatic disable (clears its reason and failure count)')
    .action(async (id: string) => setExit((print(await apiClientFromEnv().webhooks.enable(id)), EXIT.ok)));
  webhooks
    .command('rotate-secret <id>')
    .description('a new secret, printed once; the old one signs beside it for 24 hours')
    .action(async (id: string) => setExit((print(await apiClientFromEnv().webhooks.rotateSecret(id)), EXIT.ok)));
  webhooks
    .command('recover <id>')
    .description('resend each failed delivery since --since that no later delivery fixed; prints {resent, deliveries}')
    .requiredOption('--since <time>', 'failures created at or after this ISO 8601 time')
    .option('--idempotency-key <key>', 'a retried call with the same key sends nothing again')
    .action(async (id: string, flags: { since: string; idempotencyKey?: string }) => {
      const { since, idempotencyKey } = flags;
      print(await apiClientFromEnv().recoverWebhook(id, since, { idempotencyKey }));
      setExit(EXIT.ok);
    });
}
