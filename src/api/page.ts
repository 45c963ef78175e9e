// The webhooks page (issue 21) at /ui/: one HTML shell, one script and one style sheet. The script is bundled from
// src/page with esbuild on the first request and kept in memory, so there is no build output to commit and it works the
// same under `npm start` (tsx) and the compiled dist. The page needs no key to load; it asks for one, and every call
// it makes goes through the API's own routes with that key.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { VERSION } from '../contract';

export const PAGE_PATH = '/ui/';

interface Asset {
  body: string;
  type: string;
  /** The body gzipped once, sent to browsers that accept it. */
  gzip?: Buffer;
}

const SHELL = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Webhooks · hookstep</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${PAGE_PATH}app.css?v=${VERSION}">
<script type="module" src="${PAGE_PATH}app.js?v=${VERSION}"></script>
</head>
<body><main id="app"><p aria-busy="true">Loading…</p></main></body>
</html>
`;

// Nothing inline and nothing from elsewhere: the page's only scripts are its own, it talks only to this API, and no
// other site may frame it.
const HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-store',
};

/** The page's source: beside this file under tsx, or the checkout's src/page beside the compiled dist. */
function pageSource(): string {
  const candidates = [join(__dirname, '..', 'page'), join(__dirname, '..', '..', '..', 'src', 'page')];
  const found = candidates.find((dir) => existsSync(join(dir, 'main.ts')));
  if (!found) throw new Error(`the webhooks page's source is missing (looked in ${candidates.join(', ')})`);
  return found;
}

async function bundle(): Promise<Map<string, Asset>> {
  const { build } = await import('esbuild');
  const dir = pageSource();
  const result = await build({
    entryPoints: [join(dir, 'main.ts')],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    legalComments: 'none',
    define: { 'process.env.NODE_ENV': '"production"' },
    plugins: [sideEffectFree, englishOnly],
  });
  const css = readFileSync(require.resolve('@picocss/pico/css/pico.classless.min.css'), 'utf8');
  const assets: [string, Asset][] = [
    ['app.js', { body: result.outputFiles[0].text, type: 'text/javascript; charset=utf-8' }],
    ['app.css', { body: css + readFileSync(join(dir, 'page.css'), 'utf8'), type: 'text/css; charset=utf-8' }],
  ];
  return new Map(assets.map(([name, asset]) => [name, { ...asset, gzip: gzipSync(asset.body, { level: 9 }) }]));
}

/**
 * The page imports the contract's schema modules and the TypeScript client, whose packages (Temporal's common
 * library among them) do not say they are free of side effects; they are, for what the page uses, and saying so lets
 * esbuild leave out everything the page does not call.
 */
const sideEffectFree = {
  name: 'side-effect-free',
  setup(build: import('esbuild').PluginBuild) {
    build.onResolve({ filter: /.*/ }, async (args) => {
      if (args.pluginData === sideEffectFree || args.kind === 'entry-point') return undefined;
      const resolved = await build.resolve(args.path, {
        kind: args.kind,
        resolveDir: args.resolveDir,
        importer: args.importer,
        pluginData: sideEffectFree,
      });
      return { ...resolved, sideEffects: false, pluginData: undefined };
    });
  },
};

/** zod's messages in English only (the contract's own messages are English): its other locales are most of its size. */
const englishOnly = {
  name: 'zod-english-only',
  setup(build: import('esbuild').PluginBuild) {
    build.onLoad({ filter: /[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, () => ({
      contents: 'export { default as en } from "./en.js";',
      resolveDir: dirname(require.resolve('zod/v4/locales/en.js')),
    }));
  },
};

export function pageRoutes(app: FastifyInstance): void {
  let assets: Promise<Map<string, Asset>> | undefined;
  const send = (reply: FastifyReply, asset: Asset, accepts = '') => {
    reply.headers(HEADERS).type(asset.type).header('vary', 'accept-encoding');
    if (asset.gzip && /\bgzip\b/.test(accepts)) return reply.header('content-encoding', 'gzip').send(asset.gzip);
    return reply.send(asset.body);
  };
  app.get('/ui', { schema: { hide: true } }, (_request, reply) => reply.redirect(PAGE_PATH));
  // The page's icon is inline; a browser that asks anyway gets nothing rather than a 401 in its console.
  app.get('/favicon.ico', { schema: { hide: true } }, (_request, reply) => reply.code(204).send());
  app.get(PAGE_PATH, { schema: { hide: true } }, (_request, reply) =>
    send(reply, { body: SHELL, type: 'text/html; charset=utf-8' }),
  );
  app.get<{ Params: { asset: string } }>(`${PAGE_PATH}:asset`, { schema: { hide: true } }, async (request, reply) => {
    assets ??= bundle().catch((err: unknown) => {
      assets = undefined;
      throw err;
    });
    const asset = (await assets).get(request.params.asset);
    if (!asset) return reply.callNotFound();
    return send(reply, asset, request.headers['accept-encoding']);
  });
}
