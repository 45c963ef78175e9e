// `hookstep setup`: registers hookstep's search attributes on a self-hosted Temporal server through the operator
// service, so runs can set them and operators list by them. Idempotent: attributes already there with the right type
// are left alone; one of the right name and another type is an error naming both types.
import { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { Command } from 'commander';
import { HookstepError, SEARCH_ATTRIBUTES } from '../../contract';
import { loadConfig } from '../../worker/config';
import { temporalConnectionOptions } from '../../worker/temporalConnection';
import { EXIT, setExit } from '../shared';

/** A search attribute of hookstep's name exists with another type: runs could not set it. */
export class SearchAttributeTypeError extends HookstepError {
  override readonly code = 'HOOKSTEP_SEARCH_ATTRIBUTE_TYPE';
  override readonly name = 'SearchAttributeTypeError';
}

const typeName = (t: temporal.api.enums.v1.IndexedValueType) =>
  temporal.api.enums.v1.IndexedValueType[t].replace('INDEXED_VALUE_TYPE_', '');

/** Adds what is missing; returns the names added and those already there. */
export async function registerSearchAttributes(
  connection: Connection,
  namespace: string,
): Promise<{ added: string[]; present: string[] }> {
  const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
  const existing = customAttributes ?? {};
  const missing: Record<string, temporal.api.enums.v1.IndexedValueType> = {};
  const present: string[] = [];
  const wrong: string[] = [];
  for (const key of SEARCH_ATTRIBUTES) {
    const wanted = temporal.api.enums.v1.IndexedValueType[`INDEXED_VALUE_TYPE_${key.type}`];
    const found = existing[key.name];
    if (found === undefined) missing[key.name] = wanted;
    else if (found === wanted) present.push(key.name);
    else wrong.push(`${key.name} is ${typeName(found)}, hookstep needs ${typeName(wanted)}`);
  }
  if (wrong.length) {
    throw new SearchAttributeTypeError(
      `search attributes of namespace ${namespace} have the wrong type: ${wrong.join('; ')}. ` +
        'Remove them (temporal operator search-attribute remove) and run hookstep setup again.',
    );
  }
  if (Object.keys(missing).length) {
    await connection.operatorService.addSearchAttributes({ namespace, searchAttributes: missing });
  }
  return { added: Object.keys(missing), present };
}

export async function setup(): Promise<number> {
  const config = loadConfig();
  const connection = await Connection.connect(temporalConnectionOptions(config));
  try {
    const { added, present } = await registerSearchAttributes(connection, config.TEMPORAL_NAMESPACE);
    const where = `namespace ${config.TEMPORAL_NAMESPACE} on ${config.TEMPORAL_ADDRESS}`;
    if (added.length) console.log(`registered on ${where}: ${added.join(', ')}`);
    if (present.length) console.log(`already registered on ${where}: ${present.join(', ')}`);
    return EXIT.ok;
  } finally {
    await connection.close();
  }
}

export function setupCommand(cli: Command): void {
  cli
    .command('setup')
    .description("register hookstep's search attributes on TEMPORAL_ADDRESS (a self-hosted server), idempotently")
    .action(async () => setExit(await setup()));
}
