// The registry under test, on each database it supports: PGlite in memory always, and PostgreSQL (a database of the
// test's own on the run's throwaway server) when one is installed. Tests run `describe.each(registryDatabases())`.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openRegistry, type DbOptions, type Registry } from '../../src/registry';
import { loadKeyring } from '../../src/codec';
import { createDatabase } from './postgres';

export interface RegistryDatabase {
  name: string;
  open(): Promise<Registry>;
}

/** The run's payload keys (set by the global setup), which seal signing secrets as every hookstep process does. */
export function testKeyring() {
  const keyring = loadKeyring(process.env, { devKeyFile: false });
  if (!keyring) throw new Error('HOOKSTEP_PAYLOAD_KEYS is unset: run through jest, whose global setup sets it');
  return keyring;
}

export function registryDatabases(): RegistryDatabase[] {
  const databases: RegistryDatabase[] = [{ name: 'PGlite', open: () => openRegistry({ memory: true }, testKeyring()) }];
  const server = process.env.HOOKSTEP_TEST_POSTGRES_URL;
  if (server) {
    databases.push({
      name: 'PostgreSQL',
      open: async () => openRegistry({ url: await createDatabase(server) }, testKeyring()),
    });
  }
  return databases;
}

/** Where a registry can live before it is opened: a PGlite directory, and a PostgreSQL database when installed. For
 * tests that build a registry as an older release left it (migrate to version N), then open it with today's code. */
export function registryLocations(): { name: string; options(): Promise<DbOptions> }[] {
  const locations: { name: string; options(): Promise<DbOptions> }[] = [
    {
      name: 'PGlite',
      options: () => Promise.resolve({ dataDir: join(mkdtempSync(join(tmpdir(), 'hookstep-registry-')), 'db') }),
    },
  ];
  const server = process.env.HOOKSTEP_TEST_POSTGRES_URL;
  if (server) locations.push({ name: 'PostgreSQL', options: async () => ({ url: await createDatabase(server) }) });
  return locations;
}
