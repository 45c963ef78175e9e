// The layers are kept by lint: an import that runs back up fails `npm run lint`. Probe files are written into each
// layer's folder, linted in one run of the project's own ESLint (a process of its own, as `npm run lint` is), and
// removed.
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

const PROBES: [what: string, file: string, code: string, rule: string | null][] = [
  ['the API importing the worker', 'src/api', "export { createWorker } from '../worker';", 'paths'],
  ['the worker importing the API', 'src/worker', "export { createApi } from '../api';", 'paths'],
  ['the API importing the registry', 'src/api', "export { openRegistry } from '../registry';", null],
  ['an activity importing the registry', 'activities', "export { openRegistry } from '../src/registry';", null],
  ['the API importing an activity', 'src/api', "export { deliver } from '../../activities/deliver';", 'paths'],
  [
    'the registry importing an activity',
    'src/registry',
    "export { deliver } from '../../activities/deliver';",
    'paths',
  ],
  ['the registry importing the API', 'src/registry', "export { createApi } from '../api';", 'paths'],
  ['a workflow importing the registry', 'workflows', "export { openRegistry } from '../src/registry';", 'paths'],
  ['the registry importing undici', 'src/registry', "export { request } from 'undici';", 'imports'],
  ['the contract importing the worker', 'src/contract', "export { createWorker } from '../worker';", 'paths'],
  [
    'the contract importing an activity',
    'src/contract',
    "export { deliver } from '../../activities/deliver';",
    'paths',
  ],
  ['a workflow importing the client', 'workflows', "export { startSendWebhook } from '../src/client';", 'paths'],
  [
    'an activity importing a workflow',
    'activities',
    "export { sendWebhook } from '../workflows/sendWebhook';",
    'paths',
  ],
  ['the client importing the worker', 'src/client', "export { createWorker } from '../worker';", 'paths'],
  ['the worker importing the CLI', 'src/worker', "export { main } from '../cli/main';", 'paths'],
  ['the receiver importing the worker', 'src/receiver', "export { createWorker } from '../worker';", 'paths'],
  ['the receiver importing an activity', 'src/receiver', "export { sign } from '../../activities/signing';", 'paths'],
  ['the receiver importing a workflow', 'src/receiver', "export { sendWebhook } from '../../workflows';", 'paths'],
  ['the receiver importing the CLI', 'src/receiver', "export { main } from '../cli/main';", 'paths'],
  ['the contract importing the receiver', 'src/contract', "export { createReceiver } from '../receiver';", 'paths'],
  ['the receiver importing undici', 'src/receiver', "export { request } from 'undici';", 'imports'],
  [
    'the receiver importing @temporalio/worker',
    'src/receiver',
    "export { Worker } from '@temporalio/worker';",
    'imports',
  ],
  ['the receiver importing Express itself', 'src/receiver', "export { default } from 'express';", 'imports'],
  ['the receiver importing Fastify itself', 'src/receiver', "export { fastify } from 'fastify';", 'imports'],
  ['the receiver importing Express types', 'src/receiver', "export type { RequestHandler } from 'express';", null],
  [
    'the receiver importing the client and contract',
    'src/receiver',
    "export { Client } from '@temporalio/client';",
    null,
  ],
  ['the contract importing undici', 'src/contract', "export { request } from 'undici';", 'imports'],
  ['the contract importing node:fs', 'src/contract', "export { readFileSync } from 'node:fs';", 'imports'],
  ['the client importing @temporalio/worker', 'src/client', "export { Worker } from '@temporalio/worker';", 'imports'],
  ['a workflow importing activity code', 'workflows', "export { createActivities } from '../activities';", 'imports'],
  ['a workflow importing node:crypto', 'workflows', "export { randomUUID } from 'node:crypto';", 'imports'],
  ['a workflow importing activity types', 'workflows', "export type { Activities } from '../activities';", null],
  [
    'a workflow importing a schema',
    'workflows',
    "export { StepSchema } from '../src/contract/schemas/step';",
    'imports',
  ],
  ['a workflow importing the contract index', 'workflows', "export { FailureType } from '../src/contract';", 'imports'],
  [
    'a workflow importing a schema type',
    'workflows',
    "export type { Step } from '../src/contract/schemas/step';",
    null,
  ],
  ['a workflow importing a pure module', 'workflows', "export { toMs } from '../src/contract/duration';", null],
  ['the client importing the contract', 'src/client', "export { FailureType } from '../contract';", null],
  ['the codec importing the worker', 'src/codec', "export { createWorker } from '../worker';", 'paths'],
  ['the codec importing the client', 'src/codec', "export { Client } from '@temporalio/client';", 'imports'],
  ['the contract importing the codec', 'src/contract', "export { EncryptionCodec } from '../codec';", 'paths'],
  ['a workflow importing the codec', 'workflows', "export { EncryptionCodec } from '../src/codec';", 'paths'],
  ['the worker importing the codec', 'src/worker', "export { EncryptionCodec } from '../codec';", null],
  ['the worker importing activities', 'src/worker', "export { createActivities } from '../../activities';", null],
];
const RULES = { paths: 'import-x/no-restricted-paths', imports: 'no-restricted-imports' };

let found: Map<string, string[]>;

beforeAll(() => {
  const files = PROBES.map(([, dir, code], i) => {
    const file = join(root, dir, `lintProbe${i}.ts`);
    writeFileSync(file, `${code}\n`);
    return file;
  });
  try {
    const out = execFileSync(
      process.execPath,
      [join(root, 'node_modules/eslint/bin/eslint.js'), '-f', 'json', ...files],
      {
        cwd: root,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      },
    ).toString();
    found = parse(out);
  } catch (err) {
    // ESLint exits 1 when it reports errors, which is what the probes are for.
    found = parse((err as { stdout: string }).stdout);
  } finally {
    for (const file of files) rmSync(file, { force: true });
  }
}, 120_000);

function parse(json: string): Map<string, string[]> {
  const results = JSON.parse(json) as { filePath: string; messages: { ruleId: string | null; message: string }[] }[];
  return new Map(results.map((r) => [r.filePath, r.messages.map((m) => m.ruleId ?? m.message)]));
}

test.each(PROBES.map((p, i) => [...p, i] as const))('%s: %s', (_what, dir, _code, rule, i) => {
  const rules = found.get(join(root, dir, `lintProbe${i}.ts`));
  if (rule === null) expect(rules).toEqual([]);
  else expect(rules).toContain(RULES[rule as keyof typeof RULES]);
});
