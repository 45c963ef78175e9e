// The registry under test, on each database it supports: PGlite in memory always, and PostgreSQL (a database of the
// test's own on the run's throwaway server) when one is installed. Tests run `describe.each(registryDatabases())`.
import { openRegistry, type Registry } from '../../activities/registry';
import { createDatabase } from './postgres';

export interface RegistryDatabase {
  name: string;
  open(): Promise<Registry>;
}

export function registryDatabases(): RegistryDatabase[] {
  const databases: RegistryDatabase[] = [{ name: 'PGlite', open: () => openRegistry({ memory: true }) }];
  const server = process.env.HOOKSTEP_TEST_POSTGRES_URL;
  if (server) {
    databases.push({ name: 'PostgreSQL', open: async () => openRegistry({ url: await createDatabase(server) }) });
  }
  return databases;
}
