// `hookstep setup`: registers hookstep's search attributes on a self-hosted Temporal server through the operator
// service, so runs can set them and operators list by them. Idempotent: attributes already there with the right type
// are left alone; one of the right name and another type is an error naming both types.
import { Connection } from '@temporalio/client';
import type { Command } from 'commander';
import { loadConfig } from '../../worker/config';
import { registerSearchAttributes } from '../../worker/searchAttributes';
import { temporalConnectionOptions } from '../../worker/temporalConnection';
import { EXIT, setExit } from '../shared';

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
