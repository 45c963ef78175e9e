// A strict XML 1.0 parser for tests: expat (through python3), namespace-aware, as a receiver in Python, PHP or
// libxml-based stacks reads a delivery. fast-xml-parser's validator accepts U+0007 and U+FFFE, so it cannot judge.
import { execFileSync } from 'node:child_process';

const SCRIPT = `
import sys, json, xml.parsers.expat
p = xml.parsers.expat.ParserCreate(namespace_separator=' ')
leaves, stack = [], []
def start(name, attrs): stack.append([name, ''])
def end(name):
    n, text = stack.pop()
    leaves.append(['/'.join([s[0] for s in stack] + [n]), text])
def chars(data): stack[-1][1] += data
p.StartElementHandler, p.EndElementHandler, p.CharacterDataHandler = start, end, chars
try:
    p.Parse(sys.stdin.buffer.read(), True)
    print(json.dumps({'ok': True, 'leaves': leaves}))
except xml.parsers.expat.ExpatError as e:
    print(json.dumps({'ok': False, 'error': str(e)}))
`;

export type Parsed = { ok: true; leaves: [string, string][] } | { ok: false; error: string };

/** Parses `document` (UTF-8 bytes) with expat: every element's path and text, or expat's error. */
export function parseStrictXml(document: string | Buffer): Parsed {
  return JSON.parse(execFileSync('python3', ['-c', SCRIPT], { input: document, encoding: 'utf8' })) as Parsed;
}
