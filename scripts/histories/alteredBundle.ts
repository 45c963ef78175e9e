// A workflow bundle built from the current workflows/ with one file altered: the way to show that a change breaks
// replay (test/integration/replay.test.ts), and to record a history of an older shape (record.ts). The copy is written
// inside the checkout (so webpack finds node_modules, and .gitignore keeps it out) and removed after bundling.
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { QUIET_LOGGER } from '../../src/worker/bundle';

const ROOT = resolve(__dirname, '../..');
const WORKFLOWS = join(ROOT, 'workflows');

/** Imports that leave workflows/ (the contract, activity types) made absolute, so the copy resolves them. */
function absoluteImports(source: string): string {
  return source.replace(/from '(\.\.\/[^']+)'/g, (_m, path: string) => `from '${resolve(WORKFLOWS, path)}'`);
}

/**
 * Bundles a copy of workflows/ in which `file` (e.g. 'automation.ts', 'attempts.ts') is replaced by `alter` of its
 * source; the other files, and what they import of it, are as they are. Throws when `alter` changes nothing, so a
 * stale alteration cannot pass silently.
 */
export async function bundleAltered(file: string, alter: (source: string) => string): Promise<string> {
  const original = readFileSync(join(WORKFLOWS, file), 'utf8');
  const altered = alter(original);
  if (altered === original) throw new Error(`the alteration of workflows/${file} changed nothing`);
  const dir = mkdtempSync(join(ROOT, '.altered-'));
  try {
    for (const name of readdirSync(WORKFLOWS).filter((n) => n.endsWith('.ts'))) {
      const source = name === file ? altered : readFileSync(join(WORKFLOWS, name), 'utf8');
      writeFileSync(join(dir, name), absoluteImports(source));
    }
    const { code } = await bundleWorkflowCode({ workflowsPath: join(dir, 'index.ts'), logger: QUIET_LOGGER });
    return code;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
