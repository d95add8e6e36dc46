/**
 * `eval figures`: key figures and their labels against a hand-labelled set of
 * sentences from the shared evaluation data (eval/data/figures.jsonl: each row
 * names its source item, quotes one sentence, and lists every figure in it with the
 * label a reader should see, or none). The extractor before this set existed runs
 * beside it as the baseline.
 */
import { findQuantities, measureOf } from '../src/nlp/quantities.js';
import * as baseline from './baseline-quantities.js';
import { pct, readJsonl, report } from './common.js';

export interface FiguresEvalOptions {
  data: string;
  json?: boolean;
  /** Print every figure whose span or label is wrong. */
  errors?: boolean;
}

interface Row {
  item: string;
  sentence: string;
  figures: { span: string; label: string[] | null }[];
}

interface Extractor {
  find(sentence: string): { text: string; index: number }[];
  label(sentence: string, q: { text: string; index: number }): string | undefined;
}

const OURS: Extractor = {
  find: (s) => findQuantities(s, 'en'),
  label: (s, q) => measureOf(s, q as ReturnType<typeof findQuantities>[number]),
};
const BASELINE: Extractor = {
  find: (s) => baseline.findQuantities(s),
  label: (s, q) => baseline.measureOf(s, q as ReturnType<typeof baseline.findQuantities>[number]),
};

export interface FigureScores {
  expected: number;
  found: number;
  /** Found spans that are an expected figure exactly. */
  spanPrecision: number;
  spanRecall: number;
  /** Of the right spans given a label, the share whose label is an accepted one. */
  labelPrecision: number;
  labelled: number;
  /** Of the right spans, the share whose label is right, a correct "no label" included. */
  labelAccuracy: number;
  errors: string[];
}

const norm = (s: string) => s.toLowerCase().replace(/\s+/g, ' ').trim();

export function scoreFigures(rows: Row[], x: Extractor): FigureScores {
  let expected = 0;
  let found = 0;
  let matched = 0;
  let labelled = 0;
  let labelRight = 0;
  let accurate = 0;
  const errors: string[] = [];
  for (const row of rows) {
    expected += row.figures.length;
    const open = [...row.figures];
    for (const q of x.find(row.sentence)) {
      found++;
      const i = open.findIndex((f) => f.span === q.text);
      if (i === -1) {
        errors.push(`${row.item}: span [${q.text}] not a figure of: ${row.sentence}`);
        continue;
      }
      const want = open.splice(i, 1)[0];
      matched++;
      const label = x.label(row.sentence, q);
      const ok = label === undefined ? want.label === null : !!want.label?.some((l) => norm(l) === norm(label));
      if (label !== undefined) {
        labelled++;
        if (ok) labelRight++;
      }
      if (ok) accurate++;
      else errors.push(`${row.item}: [${q.text}] labelled ${label === undefined ? 'nothing' : `"${label}"`}, want ${want.label ? want.label.map((l) => `"${l}"`).join(' or ') : 'nothing'}: ${row.sentence}`);
    }
    for (const f of open) errors.push(`${row.item}: missed [${f.span}] in: ${row.sentence}`);
  }
  return {
    expected,
    found,
    spanPrecision: found ? matched / found : 1,
    spanRecall: expected ? matched / expected : 0,
    labelPrecision: labelled ? labelRight / labelled : 1,
    labelled,
    labelAccuracy: matched ? accurate / matched : 0,
    errors,
  };
}

export function runFigures(opts: FiguresEvalOptions) {
  const rows = readJsonl<Row>(opts.data);
  const ours = scoreFigures(rows, OURS);
  const base = scoreFigures(rows, BASELINE);
  const line = (s: FigureScores) =>
    `spans P ${pct(s.spanPrecision)} R ${pct(s.spanRecall)} (${s.found} found)   labels P ${pct(s.labelPrecision)} (${s.labelled} labelled)   label right or rightly absent ${pct(s.labelAccuracy)}`;
  const { errors: oursErrors, ...oursFigures } = ours;
  const { errors: _b, ...baseFigures } = base;
  report(
    !!opts.json,
    { sentences: rows.length, figures: ours.expected, ours: oursFigures, baseline: baseFigures },
    [
      `key figures (${ours.expected} labelled figures in ${rows.length} sentences, ${opts.data}; no tuned parameters, so no cross-validation)`,
      `  briefbot findQuantities + measureOf   ${line(ours)}`,
      `  before (baseline)                     ${line(base)}`,
      ...(opts.errors ? ['', ...oursErrors] : []),
    ],
  );
  return { ours, baseline: base };
}
