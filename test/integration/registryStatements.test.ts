// The registry's statements are prepared once per connection (src/registry/db.ts). Prepared statements break in a
// known way, which users of other PostgreSQL clients reported (Bun's SQL client #29484, npgsql #4015): once a table a
// statement reads is altered, as a newer release's migration does while an older worker still runs, the server
// refuses the cached plan ("cached plan must not change result type"), and a client that keeps the statement fails
// every later call on that connection. hookstep's registry prepares it again and answers.
import { registryDatabases } from '../helpers/registry';

describe.each(registryDatabases())('a prepared statement on $name', (database) => {
  test('still answers after a migration altered the table it reads (the new column included)', async () => {
    const registry = await database.open();
    try {
      const { db } = registry;
      await db.query('create table stale_plan_probe (id text primary key, n int)');
      await db.query('insert into stale_plan_probe values ($1, $2)', ['a', 1]);
      const read = () => db.query<Record<string, unknown>>('select * from stale_plan_probe where id = $1', ['a']);
      expect(await read()).toEqual([{ id: 'a', n: 1 }]);
      // What a newer release's migration might do while this process holds the statement prepared.
      await db.query("alter table stale_plan_probe add column label text not null default 'x'");
      expect(await read()).toEqual([{ id: 'a', n: 1, label: 'x' }]);
      // In a transaction the failed call ends it; the caller's next try is prepared afresh.
      await db.query('alter table stale_plan_probe add column flag boolean not null default true');
      await expect(
        db.transaction((tx) => tx.query('select * from stale_plan_probe where id = $1', ['a'])),
      ).rejects.toThrow(/cached plan must not change result type/);
      expect(await db.transaction((tx) => tx.query('select * from stale_plan_probe where id = $1', ['a']))).toEqual([
        { id: 'a', n: 1, label: 'x', flag: true },
      ]);
    } finally {
      await registry.close();
    }
  });
});
