// Sign-in links to the webhooks page (issue 21): an operator makes a one-time link for a tenant; opening it once gives
// a short-lived key of that tenant only; a tenant key cannot make links; expired keys and links open nothing; the page
// is served without a key, with a strict content security policy, small; and the API's 400 maps to the form's fields.
// Real API on each registry database.
import { mkdtempSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApiClient } from '../../src/client/api';
import { redeemSignInLink } from '../../src/client/signIn';
import { ApiError, DEFAULT_TENANT, OPERATOR_SCOPE } from '../../src/contract';
import { hashApiKey, newApiKey, openRegistry } from '../../src/registry';
import { openDb } from '../../src/registry/db';
import { MIGRATIONS, migrate } from '../../src/registry/migrations';
import { errorsFromProblem } from '../../src/page/fieldErrors';
import { runCli } from '../helpers/cli';
import { unique, useEventStack } from '../helpers/events';
import { registryDatabases } from '../helpers/registry';

/** The status of a GET of `path` sent as written. */
const rawStatus = (base: string, path: string) =>
  new Promise<number>((resolve, reject) => {
    const { hostname, port } = new URL(base);
    request({ hostname, port, path }, (res) => (res.resume(), resolve(res.statusCode!)))
      .on('error', reject)
      .end();
  });
const tokenOf = (url: string) => /#sign-in=(hsl_[\w-]+)$/.exec(url)![1];
const refused = (p: Promise<unknown>) => expect(p).rejects.toMatchObject({ status: 401 });

describe.each(registryDatabases())('sign-in links on $name', (database) => {
  const stack = useEventStack('sign-in-links', database, { worker: false });

  test('a link opens the page once, as its tenant only (datalab#2108: a magic link was reusable)', async () => {
    const [tenant, other] = [unique('store'), unique('store')];
    const theirs = await createApiClient({
      url: stack.apiUrl(),
      apiKey: (await stack.api().tenants.keys.create(other)).key,
    }).webhooks.create({ label: 'theirs', event: 'order.created', url: 'https://example.com/h' });
    const link = await stack.api().tenants.signInLink(tenant);
    // The token rides in the fragment, which no browser sends to a server, so it reaches no access log.
    expect(link.url).toMatch(new RegExp(`^${stack.apiUrl()}/ui/#sign-in=hsl_[\\w-]{43}$`));
    expect(Date.parse(link.expiresAt) - Date.now()).toBeGreaterThan(14 * 60_000);

    const session = await redeemSignInLink(stack.apiUrl(), tokenOf(link.url));
    expect(session).toEqual({ key: expect.stringMatching(/^hsk_/), tenant, expiresAt: expect.any(String) });
    expect(Date.parse(session.expiresAt)).toBeGreaterThan(Date.now());
    await refused(redeemSignInLink(stack.apiUrl(), tokenOf(link.url)));

    const api = createApiClient({ url: stack.apiUrl(), apiKey: session.key });
    expect(await api.me()).toEqual({ operator: false, tenant });
    const mine = await api.webhooks.create({ label: 'mine', event: 'order.created', url: 'https://example.com/h' });
    expect(mine.tenant).toBe(tenant);
    expect((await api.webhooks.list()).map((w) => w.id)).toEqual([mine.id]);
    await expect(api.webhooks.get(theirs.id)).rejects.toMatchObject({ status: 404 });
    await expect(api.tenants.signInLink(tenant)).rejects.toMatchObject({ status: 403 });
  });

  test('two browsers opening one link together: exactly one signs in', async () => {
    const { url } = await stack.api().tenants.signInLink('store-race');
    const both = await Promise.allSettled([0, 1].map(() => redeemSignInLink(stack.apiUrl(), tokenOf(url))));
    expect(both.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
  });

  test('opencollective#3421: a link past its 15 minutes, and a key past its time, open nothing', async () => {
    const old = await stack.registry().signInLinks.create('store-x', new Date(Date.now() - 16 * 60_000));
    await refused(redeemSignInLink(stack.apiUrl(), old.token));
    const key = newApiKey();
    await stack.registry().apiKeys.add(key, 'expired session', 'store-x', new Date(Date.now() - 1000));
    await refused(createApiClient({ url: stack.apiUrl(), apiKey: key }).me());
    await refused(redeemSignInLink(stack.apiUrl(), `hsl_${'A'.repeat(43)}`));
  });

  test('the CLI: `hookstep tenants sign-in-link <tenant>` prints a link that signs in as the tenant', async () => {
    const operator = { HOOKSTEP_API_URL: stack.apiUrl(), HOOKSTEP_API_KEY: stack.apiKey };
    const made = await runCli(['tenants', 'sign-in-link', 'store-cli'], operator);
    expect(made.code).toBe(0);
    const { url } = JSON.parse(made.stdout) as { url: string };
    expect((await redeemSignInLink(stack.apiUrl(), tokenOf(url))).tenant).toBe('store-cli');
  });

  test('a tenant key makes no link: 403 for its own tenant (as for keys), 404 for another', async () => {
    const made = await stack.api().tenants.keys.create('store-y');
    const api = createApiClient({ url: stack.apiUrl(), apiKey: made.key });
    await expect(api.tenants.signInLink('store-y')).rejects.toMatchObject({
      status: 403,
      problem: { detail: 'only an operator key makes sign-in links' },
    });
    await expect(api.tenants.keys.create('store-y')).rejects.toMatchObject({ status: 403 });
    await expect(api.tenants.signInLink('store-z')).rejects.toMatchObject({
      status: 404,
      problem: { detail: 'no such tenant' },
    });
    expect(await stack.api().me()).toEqual({ operator: true });
  });

  test("kobotoolbox/kpi#2456: the API's 400 names the field the form shows it beside", async () => {
    const res = await fetch(`${stack.apiUrl()}/v1/webhooks`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        label: 'x',
        event: 'order.created',
        url: 'ftp://example.com/h',
        delay: { amount: 0, unit: 'day' },
      }),
    });
    expect(res.status).toBe(400);
    const errors = errorsFromProblem((await res.json()) as ApiError['problem']);
    expect(Object.keys(errors).sort()).toEqual(['delay', 'url']);
    expect(errors.url).toMatch(/http/);
  });

  test('the page loads without a key, scripts only its own, and is small', async () => {
    const html = await fetch(`${stack.apiUrl()}/ui/`);
    expect(html.status).toBe(200);
    expect(html.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await html.text()).toContain('/ui/app.js');
    // fetch decodes gzip itself: the length header is what travelled.
    const js = await fetch(`${stack.apiUrl()}/ui/app.js`, { headers: { 'accept-encoding': 'gzip' } });
    expect(js.headers.get('content-encoding')).toBe('gzip');
    const css = await fetch(`${stack.apiUrl()}/ui/app.css`, { headers: { 'accept-encoding': 'gzip' } });
    const [jsBytes, cssBytes] = [js, css].map((r) => Number(r.headers.get('content-length')));
    console.log(`webhooks page: script ${jsBytes} bytes and style ${cssBytes} bytes, gzipped`);
    expect(jsBytes + cssBytes).toBeLessThan(100_000);
    expect((await fetch(`${stack.apiUrl()}/v1/webhooks`)).status).toBe(401);
    expect((await fetch(`${stack.apiUrl()}/favicon.ico`)).status).toBe(204);
    // The page's paths need no key; none of them leads to a route that does (raw paths: fetch would resolve the dots).
    for (const path of ['/ui/../v1/webhooks', '/ui/%2e%2e/v1/webhooks', '/ui/..%2fv1%2fwebhooks', '/ui//v1/webhooks'])
      expect(await rawStatus(stack.apiUrl(), path)).toBe(404);
  });
});

test('a registry from before sign-in links (PGlite): its keys still open it, none expiring', async () => {
  const dataDir = join(mkdtempSync(join(tmpdir(), 'hookstep-v6-')), 'db');
  const key = newApiKey();
  const db = await openDb({ dataDir });
  try {
    await migrate(
      db,
      MIGRATIONS.filter((m) => m.version <= 6),
    );
    await db.query('insert into api_keys (hash, label, tenant) values ($1, $2, $3)', [
      hashApiKey(key),
      'old',
      DEFAULT_TENANT,
    ]);
  } finally {
    await db.close();
  }
  const registry = await openRegistry({ dataDir });
  try {
    expect(await registry.apiKeys.scopeOf(key)).toEqual({ tenant: DEFAULT_TENANT });
    expect(await registry.signInLinks.redeem(`hsl_${'B'.repeat(43)}`)).toBeUndefined();
    expect(await registry.webhooks.list(OPERATOR_SCOPE, { limit: 1 })).toEqual([]);
  } finally {
    await registry.close();
  }
});
