// Every relative link in README.md, docs/*.md and bench/*.md must resolve: the file exists and a `#anchor` names a heading of the
// target, slugged as GitHub slugs it. The reference moves between pages; a link left pointing at the old place fails.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { ClusterEnvSchema } from '../../scripts/temporal-cluster/env';
import { FailureType } from '../../src/contract';
import { EnvSchema } from '../../src/worker/config';

const root = join(__dirname, '..', '..');

/** Markdown outside fenced code blocks and inline code spans, where `[x](y)` and `# x` are not syntax. */
function prose(markdown: string): string {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '').replace(/`[^`\n]*`/g, '');
}

/**
 * The anchors GitHub gives a page's headings. github-slugger's rule (no slug library is installed, so these are its
 * few lines): the heading's text, lower-cased, with every character that is not a letter, mark, number, connector
 * punctuation, space or hyphen removed, spaces turned into hyphens; a repeated slug gets `-1`, `-2`, ….
 */
function headingSlugs(markdown: string): Set<string> {
  const fenced = markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');
  const seen = new Map<string, number>();
  const slugs = new Set<string>();
  for (const [, heading] of fenced.matchAll(/^#{1,6}[ \t]+(.+?)[ \t#]*$/gm)) {
    const text = heading.replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1');
    const base = text
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
      .replace(/ /g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    slugs.add(count === 0 ? base : `${base}-${count}`);
  }
  return slugs;
}

/** Every link and image target in a page's prose, inline (`[x](y)`) and reference-style (`[x]: y`). */
function linkTargets(markdown: string): string[] {
  const text = prose(markdown);
  const inline = [...text.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]);
  const reference = [...text.matchAll(/^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm)].map((m) => m[1]);
  return [...inline, ...reference];
}

/** The relative links of `file` that do not resolve, each as `file: target (reason)`. External links are not checked. */
function brokenLinks(file: string): string[] {
  const broken: string[] = [];
  const name = relative(root, file);
  for (const target of linkTargets(readFileSync(file, 'utf8'))) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:, …
    const [path, anchor] = target.split('#', 2) as [string, string | undefined];
    const resolved = path === '' ? file : resolve(dirname(file), decodeURIComponent(path));
    if (!existsSync(resolved)) {
      broken.push(`${name}: ${target} (no such file)`);
      continue;
    }
    if (anchor === undefined) continue;
    if (statSync(resolved).isDirectory() || !resolved.endsWith('.md')) {
      broken.push(`${name}: ${target} (an anchor into a file that is not Markdown)`);
    } else if (!headingSlugs(readFileSync(resolved, 'utf8')).has(decodeURIComponent(anchor))) {
      broken.push(`${name}: ${target} (no heading #${anchor} in ${relative(root, resolved)})`);
    }
  }
  return broken;
}

// bench/'s pages link into docs/ too.
const pages = [
  join(root, 'README.md'),
  join(root, 'bench', 'README.md'),
  join(root, 'bench', 'LEVERS.md'),
  ...readdirSync(join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => join(root, 'docs', f)),
];

test.each(pages.map((p) => [relative(root, p), p]))('every relative link in %s resolves', (_name, page) => {
  expect(linkTargets(readFileSync(page, 'utf8')).length).toBeGreaterThan(0);
  expect(brokenLinks(page)).toEqual([]);
});

test('the reference pages are linked from the README, and each from the docs index', () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const index = readFileSync(join(root, 'docs', 'README.md'), 'utf8');
  for (const page of pages.filter((p) => dirname(p) === join(root, 'docs') && !p.endsWith('README.md'))) {
    const file = relative(join(root, 'docs'), page);
    expect(linkTargets(readme)).toContain(`docs/${file}`);
    expect(linkTargets(index)).toContain(file);
  }
});

describe('GitHub heading slugs', () => {
  test.each([
    ['# The "Send a webhook" step', 'the-send-a-webhook-step'],
    ['## On one machine, without Docker: `scripts/cluster`', 'on-one-machine-without-docker-scriptscluster'],
    ['### On Temporal Cloud (or another managed Temporal)', 'on-temporal-cloud-or-another-managed-temporal'],
    ['### 2. An automation', '2-an-automation'],
    ['## Faults, with nothing lost', 'faults-with-nothing-lost'],
    ['## Snake_case and Ümlaut', 'snake_case-and-ümlaut'],
    ['## See [the step](step.md)', 'see-the-step'],
  ])('%s → #%s', (heading, slug) => {
    expect([...headingSlugs(heading)]).toEqual([slug]);
  });

  test('a repeated heading gets -1, -2; a heading inside a code block is none', () => {
    const page = '# Usage\n\n## Usage\n\n```sh\n# Usage\n```\n\n### Usage\n';
    expect([...headingSlugs(page)]).toEqual(['usage', 'usage-1', 'usage-2']);
  });
});

describe('a broken link is found', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hookstep-docs-'));
    writeFileSync(join(dir, 'target.md'), '# Target\n\n## The result\n');
    writeFileSync(join(dir, 'image.png'), '');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function check(markdown: string): string[] {
    const page = join(dir, 'page.md');
    writeFileSync(page, markdown);
    return brokenLinks(page).map((b) => b.slice(b.indexOf(': ') + 2));
  }

  test('links that resolve pass: a file, an anchor, an own anchor, an image, a URL', () => {
    expect(
      check(
        '# Page\n\n[a](target.md) [b](target.md#the-result) [c](#page) ![d](image.png) [e](https://example.com/x.md)\n',
      ),
    ).toEqual([]);
  });

  test('a missing file, a missing anchor, a missing own anchor and a missing image fail, each named', () => {
    expect(
      check('# Page\n\n[a](gone.md) [b](target.md#the-results) [c](#pages)\n\n![d](gone.png)\n\n[e]: target.md#nope\n'),
    ).toEqual([
      'gone.md (no such file)',
      `target.md#the-results (no heading #the-results in ${relative(root, join(dir, 'target.md'))})`,
      `#pages (no heading #pages in ${relative(root, join(dir, 'page.md'))})`,
      'gone.png (no such file)',
      `target.md#nope (no heading #nope in ${relative(root, join(dir, 'target.md'))})`,
    ]);
  });

  test('a link inside a code block or code span is not a link', () => {
    expect(check('# Page\n\n```md\n[a](gone.md)\n```\n\n`[b](gone.md)`\n')).toEqual([]);
  });
});

// The reference tables that list what the code defines: a variable or a failure type added to the code and not to its
// table fails here, naming it.
describe('the reference tables list what the code defines', () => {
  /** The backquoted names in the first cell of every table row of one `##` section of a docs/ page. */
  function firstColumn(file: string, heading: string): Set<string> {
    const page = readFileSync(join(root, 'docs', file), 'utf8');
    const start = page.indexOf(`\n## ${heading}\n`);
    expect(start).toBeGreaterThanOrEqual(0);
    const end = page.indexOf('\n## ', start + 1);
    const section = page.slice(start, end === -1 ? undefined : end);
    const names = new Set<string>();
    for (const [, cell] of section.matchAll(/^\|([^|\n]*)\|/gm)) {
      for (const [, name] of cell.matchAll(/`([^`]+)`/g)) names.add(name);
    }
    return names;
  }
  const missing = (names: Iterable<string>, table: Set<string>): string[] => [...names].filter((n) => !table.has(n));

  test("docs/self-hosting.md's Environment variables table lists every variable of EnvSchema", () => {
    expect(missing(Object.keys(EnvSchema.shape), firstColumn('self-hosting.md', 'Environment variables'))).toEqual([]);
  });

  test("docs/self-hosting.md's scripts/cluster table lists every variable of ClusterEnvSchema", () => {
    const table = firstColumn('self-hosting.md', 'On one machine, without Docker: `scripts/cluster`');
    expect(missing(Object.keys(ClusterEnvSchema.shape), table)).toEqual([]);
  });

  test("docs/inspecting.md's Summaries and failures table lists every FailureType", () => {
    expect(missing(Object.values(FailureType), firstColumn('inspecting.md', 'Summaries and failures'))).toEqual([]);
  });
});
