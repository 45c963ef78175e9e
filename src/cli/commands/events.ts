// `hookstep events publish`: publish an event through the HTTP API, from a JSON file or flags. Publishing an id
// twice delivers once (the answer says `duplicate`).
import type { Command } from 'commander';
import type { EventInput } from '../../contract';
import { apiClientFromEnv, print } from '../apiClient';
import { readJsonObject } from '../files';
import { parsePair } from '../flags';
import { EXIT, collect, setExit } from '../shared';

interface EventFlags {
  file?: string;
  id?: string;
  type?: string;
  entityId?: string;
  entityType?: string;
  storeId?: string;
  tenant?: string;
  occurredAt?: string;
  data?: string[];
}

function eventFromFlags(flags: EventFlags): Record<string, unknown> {
  const out: Record<string, unknown> = flags.file ? readJsonObject(flags.file) : {};
  if (flags.id) out.id = flags.id;
  if (flags.type) out.type = flags.type;
  if (flags.tenant) out.tenant = flags.tenant;
  if (flags.occurredAt) out.occurredAt = flags.occurredAt;
  if (flags.storeId) out.storeId = /^\d+$/.test(flags.storeId) ? Number(flags.storeId) : flags.storeId;
  if (flags.entityId || flags.entityType) {
    const entity = (out.entity ?? {}) as Record<string, unknown>;
    out.entity = {
      ...entity,
      ...(flags.entityId ? { id: flags.entityId } : {}),
      ...(flags.entityType ? { type: flags.entityType } : {}),
    };
  }
  if (flags.data) {
    const data = (out.data ?? {}) as Record<string, unknown>;
    out.data = { ...data, ...Object.fromEntries(flags.data.map((d) => parsePair('--data', d))) };
  }
  return out;
}

export function eventsCommand(cli: Command): void {
  cli
    .command('events')
    .description('publish events, through the HTTP API')
    .command('publish')
    .description('publish an event to the webhooks of its type')
    .option('--file <event.json>', 'the event as JSON (flags override its fields)')
    .option('--id <id>', 'the idempotency key: the same id delivers once')
    .option('--type <type>', 'e.g. order.created')
    .option('--entity-id <id>', 'the id of what changed (required, with --entity-type, unless --file gives the entity)')
    .option('--entity-type <type>', 'what changed, e.g. order (required)')
    .option('--store-id <id>', "Ecwid's store id")
    .option('--tenant <tenant>', 'the tenant it belongs to')
    .option('--occurred-at <iso>', 'when it happened (default: now)')
    .option('--data <k=v>', 'a field of the event data; k:=json for a number, boolean or null (repeatable)', collect)
    .action(async (flags: EventFlags) => {
      print(await apiClientFromEnv().events.publish(eventFromFlags(flags) as EventInput));
      setExit(EXIT.ok);
    });
}
