// VERSION (sent in the user-agent) must match package.json's version.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { VERSION } from '../../src/contract';

it("VERSION equals package.json's version", () => {
  const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string };
  expect(VERSION).toBe(pkg.version);
  expect(VERSION).toMatch(/^\d+\.\d+\.\d+/);
});
