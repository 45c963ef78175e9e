// The registry under test, on each database it supports: PGlite in memory always, and PostgreSQL (a database of the
// test's own on the run's throwaway server) when one is installed. Tests run `describe.each(registryDatabases())`.
import { openRegistry, type Registry } from '../../src/registry';
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
