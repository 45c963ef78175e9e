// Turns repetitions into the reported figure: median with min and max, and ratios between medians.
import type { Metric } from './figures';
import { spread, type Spread } from './stats';

export interface Row extends Spread {
  key: string;
  figure: number;
  label: string;
  unit: string;
  reps: number[];
  /** label -> this median over the other metric's median; absent when the other was not measured. */
  ratios: Record<string, number>;
  detail?: Record<string, unknown>[];
}

export function summarise(metrics: Metric[]): Row[] {
  const medians = new Map(metrics.map((m) => [m.key, spread(m.reps).median]));
  return metrics.map((m) => {
    const s = spread(m.reps);
    const ratios: Record<string, number> = {};
    for (const [label, key] of Object.entries(m.ratios ?? {})) {
      const other = medians.get(key);
      if (other) ratios[label] = s.median / other;
    }
    return { key: m.key, figure: m.figure, label: m.label, unit: m.unit, reps: m.reps, ...s, ratios, detail: m.detail };
  });
}

export function renderTable(rows: Row[]): string {
  const head = ['fig', 'metric', 'median', 'min', 'max', 'ratio (medians)'];
  const body = rows.map((r) => [
    String(r.figure),
    `${r.key.padEnd(18)} ${r.label}`,
    fmt(r.median, r.unit),
    fmt(r.min, r.unit),
    fmt(r.max, r.unit),
    Object.entries(r.ratios)
      .map(([label, v]) => `${v.toFixed(2)}× ${label}`)
      .join(', '),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (i >= 2 && i <= 4 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join(' | ')} |`;
  return [
    line(head),
    `|${widths.map((w, i) => (i >= 2 && i <= 4 ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`,
    ...body.map(line),
  ].join('\n');
}

function fmt(value: number, unit: string): string {
  if (!Number.isFinite(value)) return 'n/a';
  const digits = value >= 100 ? 0 : value >= 10 ? 1 : 2;
  return `${value.toFixed(digits)}${unit ? ` ${unit}` : ''}`;
}
