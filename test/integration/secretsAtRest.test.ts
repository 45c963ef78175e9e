// Signing secrets at rest (issue 19, item 6): a raw dump of either database holds no signing secret in clear; a
// registry written by an earlier hookstep (secrets in clear) is sealed when opened with keys; rotating the payload
// keys keeps old rows readable; a missing key refuses the open, naming the key and never a secret.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { newSigningSecret, openRegistry, type DbOptions } from '../../src/registry';
import { openDb } from '../../src/registry/db';
import { MIGRATIONS } from '../../src/registry/migrations';
import { parseKeyList } from '../../src/codec';
import { DEFAULT_TENANT, OPERATOR_SCOPE, SecretUnreadableError, WebhookFieldsSchema } from '../../src/contract';
import { findPostgres } from '../../scripts/temporal-cluster/tools';
import { createDatabase } from '../helpers/postgres';

const fields = WebhookFieldsSchema.parse({ label: 'orders', event: 'order.created', url: 'https://example.com/h' });
const keys = (...ids: string[]) =>
  parseKeyList(ids.map((id) => `${id}:${randomBytes(32).toString('base64')}`).join(','), 'test keys');

/** A ring of the named keys, reusing the bytes of keys already made under those ids. */
function ring(made: Map<string, string>, ...ids: string[]) {
  for (const id of ids) if (!made.has(id)) made.set(id, `${id}:${randomBytes(32).toString('base64')}`);
  return parseKeyList(ids.map((id) => made.get(id)!).join(','), `keys ${ids.join(',')}`);
}

/** Every byte the database keeps: the files of a PGlite data directory, or pg_dump's output for PostgreSQL. */
function rawDump(options: DbOptions): Buffer {
  if ('dataDir' in options) {
    const files = readdirSync(options.dataDir, { recursive: true }) as string[];
    return Buffer.concat(
      files
        .map((f) => join(options.dataDir, f))
        .filter((p) => statSync(p).isFile())
        .map((p) => readFileSync(p)),
    );
  }
  if (!('url' in options)) throw new Error('an in-memory registry has no dump');
  // Beside the real initdb: PATH may hold only links to the server's tools.
  const pgDump = join(dirname(realpathSync(findPostgres().initdb)), 'pg_dump');
  return execFileSync(pgDump, ['--no-owner', options.url], { maxBuffer: 256 * 1024 * 1024 });
}

interface Target {
  name: string;
  /** A fresh, empty database of this kind, kept on disk (PGlite) or on the run's server (PostgreSQL). */
  fresh(): Promise<DbOptions>;
}

const targets: Target[] = [
  { name: 'PGlite', fresh: () => Promise.resolve({ dataDir: join(mkdtempSync(join(tmpdir(), 'hs-secrets-')), 'r') }) },
];
const server = process.env.HOOKSTEP_TEST_POSTGRES_URL;
if (server) targets.push({ name: 'PostgreSQL', fresh: async () => ({ url: await createDatabase(server) }) });

describe.each(targets)('signing secrets at rest on $name', (target) => {
  test('a raw dump of the database holds no signing secret, current or rotated, in clear', async () => {
    const options = await target.fresh();
    const secrets = [newSigningSecret(), newSigningSecret(), newSigningSecret()];
    const registry = await openRegistry(options, keys('k1'));
    try {
      const a = await registry.webhooks.create(DEFAULT_TENANT, fields, secrets[0]);
      await registry.webhooks.create(DEFAULT_TENANT, fields, secrets[1]);
      await registry.webhooks.rotateSecret(OPERATOR_SCOPE, a.id, secrets[2]);
      expect(await registry.webhooks.signingSecrets(OPERATOR_SCOPE, a.id)).toEqual([secrets[2], secrets[0]]);
    } finally {
      await registry.close();
    }
    const dump = rawDump(options);
    expect(dump.length).toBeGreaterThan(0);
    for (const secret of secrets) {
      expect(dump.includes(secret)).toBe(false);
      // The key material alone, as a dump reader would search for it.
      expect(dump.includes(secret.slice('whsec_'.length))).toBe(false);
    }
  });

  test("a registry written by today's code (secrets in clear) is sealed when opened with keys; nothing is lost", async () => {
    const options = await target.fresh();
    const secret = newSigningSecret();
    // The registry as the version before sealing left it: schema version 1 only, the secret in its column.
    const old = await openDb(options);
    try {
      await old.query(
        'create table hookstep_migrations (version int primary key, name text not null, applied_at timestamptz not null default now())',
      );
      for (const statement of MIGRATIONS[0].sql
        .split(';')
        .map((s) => s.trim())
        .filter(Boolean))
        await old.query(statement);
      await old.query('insert into hookstep_migrations (version, name) values (1, $1)', [MIGRATIONS[0].name]);
      await old.query(
        `insert into webhooks (id, event, active, config) values ('wh_old', 'order.created', true, '{"label":"x","url":"https://example.com/h"}'::jsonb)`,
      );
      await old.query(`insert into webhook_secrets (webhook_id, secret) values ('wh_old', $1)`, [secret]);
    } finally {
      await old.close();
    }
    expect(rawDump(options).includes(secret)).toBe(true);

    const registry = await openRegistry(options, keys('k1'));
    try {
      expect(await registry.webhooks.get(OPERATOR_SCOPE, 'wh_old')).toMatchObject({ id: 'wh_old', label: 'x' });
      expect(await registry.webhooks.signingSecrets(OPERATOR_SCOPE, 'wh_old')).toEqual([secret]);
      const [row] = await registry.db.query<{ key_id: string; secret: string }>(
        "select key_id, secret from webhook_secrets where webhook_id = 'wh_old'",
      );
      expect(row.key_id).toBe('k1');
      expect(row.secret).not.toContain(secret.slice('whsec_'.length));
    } finally {
      await registry.close();
    }
    if ('url' in options) expect(rawDump(options).includes(secret)).toBe(false);
  });

  test('rotating the payload keys keeps old rows readable and seals them under the new key; a missing key refuses the open', async () => {
    const options = await target.fresh();
    const made = new Map<string, string>();
    const secret = newSigningSecret();
    let id: string;
    const first = await openRegistry(options, ring(made, 'k1'));
    try {
      id = (await first.webhooks.create(DEFAULT_TENANT, fields, secret)).id;
    } finally {
      await first.close();
    }
    // The new key first, the old one after it: old rows open, and are sealed again under the new key.
    const rotated = await openRegistry(options, ring(made, 'k2', 'k1'));
    try {
      expect(await rotated.webhooks.signingSecrets(OPERATOR_SCOPE, id)).toEqual([secret]);
      const rows = await rotated.db.query<{ key_id: string }>('select key_id from webhook_secrets');
      expect(rows.map((r) => r.key_id)).toEqual(['k2']);
    } finally {
      await rotated.close();
    }
    // Once sealed again, the old key can go.
    const retired = await openRegistry(options, ring(made, 'k2'));
    try {
      expect(await retired.webhooks.signingSecrets(OPERATOR_SCOPE, id)).toEqual([secret]);
    } finally {
      await retired.close();
    }
    const wrong = openRegistry(options, ring(made, 'k3'));
    await expect(wrong).rejects.toThrow(SecretUnreadableError);
    await expect(wrong).rejects.toThrow(/payload key "k2", which is not among this process's keys \(keys k3\)/);
    const none = openRegistry(options);
    await expect(none).rejects.toThrow(/sealed with payload key "k2", and this process has no payload keys/);
    await none.catch((err: Error) => expect(err.message).not.toContain(secret));
  });

  test('a sealed secret copied onto another webhook does not open for it', async () => {
    const options = await target.fresh();
    const registry = await openRegistry(options, keys('k1'));
    try {
      const a = await registry.webhooks.create(DEFAULT_TENANT, fields, newSigningSecret());
      const b = await registry.webhooks.create(DEFAULT_TENANT, fields, newSigningSecret());
      await registry.db.query(
        'update webhook_secrets set secret = (select secret from webhook_secrets where webhook_id = $1) where webhook_id = $2',
        [a.id, b.id],
      );
      await expect(registry.webhooks.signingSecrets(OPERATOR_SCOPE, b.id)).rejects.toThrow(SecretUnreadableError);
    } finally {
      await registry.close();
    }
  });
});
