// The contract examples of the README and docs/ must be valid against the published JSON Schema (with a JSON Schema
// validator, as a builder UI in another language would use it) and against hookstep's own validation.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import {
  isReservedHeader,
  jsonSchema,
  RESERVED_HEADER_PREFIX,
  RESERVED_HEADERS,
  type SchemaName,
  StepSchema,
  validateAutomation,
} from '../../src/contract';

const root = join(__dirname, '..', '..');
const pages = [
  'README.md',
  ...readdirSync(join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];
const text = (page: string): string => readFileSync(join(root, page), 'utf8');

/** The JSON blocks marked `<!-- hookstep:<name> -->` in one page. */
function examplesIn(page: string, name: SchemaName): unknown[] {
  const marker = new RegExp(`<!-- hookstep:${name} -->\\s*\`\`\`json\\n([\\s\\S]*?)\`\`\``, 'g');
  return [...text(page).matchAll(marker)].map((m) => JSON.parse(m[1]) as unknown);
}

function examples(name: SchemaName): unknown[] {
  return pages.flatMap((page) => examplesIn(page, name));
}

const ajv = new Ajv2020({ strict: false });

test.each([
  ['step', 'README.md'],
  ['step', 'docs/step.md'],
  ['automation', 'docs/automations.md'],
] as const)('the %s examples of %s are there', (name, page) => {
  expect(examplesIn(page, name).length).toBeGreaterThan(0);
});

test.each(['step', 'automation'] as const)(
  'every %s example of the README and docs/ validates against its JSON Schema',
  (name) => {
    const found = examples(name);
    expect(found.length).toBeGreaterThan(0);
    const validate = ajv.compile(jsonSchema(name));
    for (const example of found) {
      const valid = validate(example);
      expect(validate.errors ?? []).toEqual([]);
      expect(valid).toBe(true);
    }
  },
);

test('the examples pass hookstep validation too', () => {
  for (const step of examples('step')) expect(StepSchema.safeParse(step).success).toBe(true);
  for (const automation of examples('automation')) expect(validateAutomation(automation)).toMatchObject({ ok: true });
});

test('examples/order-sync.json, the worked example, is valid', () => {
  const definition: unknown = JSON.parse(readFileSync(join(root, 'examples', 'order-sync.json'), 'utf8'));
  expect(ajv.validate(jsonSchema('automation'), definition)).toBe(true);
  expect(validateAutomation(definition)).toMatchObject({ ok: true });
});

test('the JSON Schema rejects what hookstep rejects: a nested body', () => {
  const validate = ajv.compile(jsonSchema('step'));
  expect(validate({ url: 'https://example.com', body: { order: { id: 1 } } })).toBe(false);
});

test("docs/step.md's list of headers hookstep sets is the code's list", () => {
  const row = text('docs/step.md')
    .split('\n')
    .find((line) => line.startsWith('| `headers`'))!;
  const named = [...row.split('Set by hookstep')[1].matchAll(/`([A-Za-z-]+)`/g)].map((m) => m[1].toLowerCase());
  const headers = named.filter((n) => n !== 'cookies' && n !== 'idempotencykey');
  expect(headers.filter((n) => !isReservedHeader(n))).toEqual([]);
  expect(new Set(headers.filter((n) => RESERVED_HEADERS.has(n)))).toEqual(RESERVED_HEADERS);
  expect(row).toContain(`\`${RESERVED_HEADER_PREFIX}*\``);
});
