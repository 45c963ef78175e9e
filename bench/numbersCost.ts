// What number fidelity (src/contract/numbers.ts) costs on the hot path: each entry's check beside the JSON.parse it
// follows, on a typical 1 KB reply and a 256 KiB body; ordinary text, text the pre-check cannot pass at once (a hex
// digest holding "e1234", which looks like an exponent), and text holding an int64 (refused). Prints µs per call, the best of 15
// batches (the machine is shared: the best is the least disturbed). Not a test: `npx tsx bench/numbersCost.ts`.
import {
  exactReplyNumbers,
  holdsInexactNumber,
  inexactNumbersIn,
  mayHoldInexactNumber,
  parseJsonMarkingInexact,
} from '../src/contract';

function order(i: number, digest: boolean): Record<string, unknown> {
  return {
    id: `ord_${i}`,
    number: 100_000 + i,
    status: 'paid',
    createdAt: '2026-11-29T17:00:00.000Z',
    total: 1432.05,
    currency: 'EUR',
    customer: { id: 4711 + i, email: `buyer${i}@example.com`, name: 'Ada Lovelace' },
    lines: [
      { sku: 'SKU-1', qty: 2, price: 12.5 },
      { sku: 'SKU-2', qty: 1, price: 1407.05 },
    ],
    ...(digest ? { sha: '3e5f01e1234b44c0d9e7f' } : {}),
  };
}

function body(bytes: number, variant: 'ordinary' | 'digest' | 'int64'): string {
  const orders: Record<string, unknown>[] = [];
  while (JSON.stringify({ orders }).length < bytes) orders.push(order(orders.length, variant === 'digest'));
  const text = JSON.stringify({ orders });
  return variant === 'int64' ? text.replace('"number":100000', '"number":7615917337495251231') : text;
}

function microseconds(fn: () => unknown, text: string): number {
  const perBatch = Math.max(5, Math.round(2_000_000 / text.length));
  for (let i = 0; i < perBatch; i++) fn();
  const batches: number[] = [];
  for (let b = 0; b < 15; b++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < perBatch; i++) fn();
    batches.push(Number(process.hrtime.bigint() - start) / 1000 / perBatch);
  }
  return Math.min(...batches);
}

const rows: Record<string, string | number>[] = [];
for (const size of [1024, 256 * 1024]) {
  for (const variant of ['ordinary', 'digest', 'int64'] as const) {
    const text = body(size, variant);
    const parsed: unknown = JSON.parse(text);
    const us = (fn: () => unknown) => Number(microseconds(fn, text).toFixed(2));
    rows.push({
      body: `${(text.length / 1024).toFixed(1)} KiB ${variant}`,
      'JSON.parse': us(() => JSON.parse(text)),
      'pre-check': us(() => mayHoldInexactNumber(text)),
      'pre-check+scan': us(() => holdsInexactNumber(text)),
      'API (inexactNumbersIn)': us(() => inexactNumbersIn(text)),
      'reply (exactReplyNumbers)': us(() => exactReplyNumbers(text, parsed, undefined)),
      'workflow input (parse+mark)': us(() => parseJsonMarkingInexact(text)),
    });
  }
}
console.table(rows);
