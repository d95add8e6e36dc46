/**
 * One measured figure beside what it is judged against: a floor or baseline
 * measured in the same run (ratio = value / baseline), and the project's target.
 */
export interface Figure {
  section: string;
  name: string;
  value: number;
  unit: string;
  baseline?: { name: string; value: number };
  /** value / baseline, or for "lower is better" figures baseline / value (how many times faster). */
  ratio?: number;
  ratioLabel?: string;
  target?: { op: '<=' | '>='; value: number };
  note?: string;
}

export function met(f: Figure): boolean | undefined {
  if (!f.target) return undefined;
  return f.target.op === '<=' ? f.value <= f.target.value : f.value >= f.target.value;
}

const fmt = (n: number) => (!Number.isFinite(n) ? String(n) : Math.abs(n) >= 100 ? n.toFixed(0) : Math.abs(n) >= 10 ? n.toFixed(1) : n.toFixed(2));

export function formatTable(figures: Figure[]): string {
  const rows = figures.map((f) => [
    f.section,
    f.name,
    `${fmt(f.value)} ${f.unit}`,
    f.baseline ? `${f.baseline.name}: ${fmt(f.baseline.value)} ${f.unit}` : '',
    f.ratio !== undefined ? `${fmt(f.ratio)}${f.ratioLabel ?? '×'}` : '',
    f.target ? `${f.target.op} ${fmt(f.target.value)} ${met(f) ? 'ok' : 'MISSED'}` : '',
    f.note ?? '',
  ]);
  const head = ['section', 'figure', 'value', 'floor / baseline (same run)', 'ratio', 'target', 'note'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
