/**
 * `eval figures`: key figures and their labels against a hand-labelled set of
 * sentences from the shared evaluation data (eval/data/figures.jsonl: each row
 * names its source item, quotes one sentence, and lists every figure in it with the
 * label a reader should see, or none). The extractor before this set existed runs
 * beside it as the baseline.
 */
import { findQuantities, measureOf } from '../src/nlp/quantities.js';
import * as baseline from './baseline-quantities.js';
import { existsSync } from 'node:fs';
import { pct, readJsonl, report } from './common.js';

export interface FiguresEvalOptions {
  data: string;
  /** Figures from articles the dev set never drew from, labelled before the rules were run on them. */
  heldout?: string;
  /** Folds by article for the per-fold figures (0: none). */
  folds?: number;
  json?: boolean;
  /** Print every figure whose span or label is wrong. */
  errors?: boolean;
  /** With `errors`, only the errors of this fold (1-based), so the other folds stay unlooked-at. */
  errorsFold?: number;
}

export interface Row {
  item: string;
  sentence: string;
  figures: { span: string; label: string[] | null }[];
}

export interface Extractor {
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
  matched: number;
  spanPrecision: number;
  spanRecall: number;
  /** Right spans given a label (a brief prints `Key figure: <label>: <figure>`). */
  labelled: number;
  /** Of the labels given, the share that is an accepted one. No label is "absent": never counted here as wrong. */
  labelPrecision: number;
  /** Of the right spans, the share given a label: abstaining everywhere shows here as 0, not as a perfect precision. */
  labelCoverage: number;
  /** Of the right spans that should carry a label, the share given an accepted one. */
  labelRecall: number;
  /** Of the right spans, the share whose label is right, a correct "no label" included. */
  labelAccuracy: number;
  errors: string[];
}

const norm = (s: string) => s.toLowerCase().replace(/[’]/g, "'").replace(/\s+/g, ' ').trim();

export function scoreFigures(rows: Row[], x: Extractor): FigureScores {
  let expected = 0;
  let found = 0;
  let matched = 0;
  let labelled = 0;
  let labelRight = 0;
  let shouldLabel = 0;
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
      if (want.label) shouldLabel++;
      const label = x.label(row.sentence, q);
      const ok = label === undefined ? want.label === null : !!want.label?.some((l) => norm(l) === norm(label));
      if (label !== undefined) {
        labelled++;
        if (ok) labelRight++;
      }
      if (ok) accurate++;
      else errors.push(`${row.item}: [${q.text}] ${label === undefined ? 'no label (absent)' : `WRONG label "${label}"`}, want ${want.label ? want.label.map((l) => `"${l}"`).join(' or ') : 'nothing'}: ${row.sentence}`);
    }
    for (const f of open) errors.push(`${row.item}: missed [${f.span}] in: ${row.sentence}`);
  }
  return {
    expected,
    found,
    matched,
    spanPrecision: found ? matched / found : 1,
    spanRecall: expected ? matched / expected : 0,
    labelled,
    labelPrecision: labelled ? labelRight / labelled : 1,
    labelCoverage: matched ? labelled / matched : 0,
    labelRecall: shouldLabel ? labelRight / shouldLabel : 0,
    labelAccuracy: matched ? accurate / matched : 0,
    errors,
  };
}

/** The article a row comes from: every sentence of one article falls in one fold. */
const articleOf = (item: string) => item;

/** A stable fold (0-based) for an article, from a hash of its id: no fold is chosen by looking at its rows. */
export function foldOf(item: string, folds: number): number {
  let h = 2166136261;
  for (const c of articleOf(item)) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
  return h % folds;
}

const line = (s: FigureScores) =>
  `spans P ${pct(s.spanPrecision)} R ${pct(s.spanRecall)} (${s.found} found)   labels given: P ${pct(s.labelPrecision)}, coverage ${pct(s.labelCoverage)} (${s.labelled} of ${s.matched})   labelled right ${pct(s.labelRecall)} of those that should be   right or rightly absent ${pct(s.labelAccuracy)}`;

export function runFigures(opts: FiguresEvalOptions) {
  const rows = readJsonl<Row>(opts.data);
  const folds = opts.folds ?? 3;
  const heldout = opts.heldout && existsSync(opts.heldout) ? readJsonl<Row>(opts.heldout) : undefined;
  const ours = scoreFigures(rows, OURS);
  const base = scoreFigures(rows, BASELINE);
  const byFold = Array.from({ length: folds }, (_, k) => rows.filter((r) => foldOf(r.item, folds) === k));
  const foldScores = byFold.map((part) => ({ ours: scoreFigures(part, OURS), baseline: scoreFigures(part, BASELINE) }));
  const held = heldout && { ours: scoreFigures(heldout, OURS), baseline: scoreFigures(heldout, BASELINE) };
  const strip = ({ errors: _e, ...figures }: FigureScores) => figures;
  const errorRows = opts.errorsFold ? byFold[opts.errorsFold - 1] ?? [] : rows;
  const errors = opts.errorsFold ? scoreFigures(errorRows, OURS).errors : ours.errors;
  report(
    !!opts.json,
    {
      sentences: rows.length,
      figures: ours.expected,
      ours: strip(ours),
      baseline: strip(base),
      folds: foldScores.map((f, k) => ({ fold: k + 1, rows: byFold[k].length, ours: strip(f.ours), baseline: strip(f.baseline) })),
      ...(held && heldout ? { heldout: { sentences: heldout.length, figures: held.ours.expected, ours: strip(held.ours), baseline: strip(held.baseline) } } : {}),
    },
    [
      `key figures: a label is given or absent; precision is over the labels given, coverage says how many figures got one (no tuned parameters; folds are by article)`,
      `dev: ${ours.expected} figures in ${rows.length} sentences (${opts.data})`,
      `  briefbot findQuantities + measureOf   ${line(ours)}`,
      `  before (baseline)                     ${line(base)}`,
      ...foldScores.flatMap((f, k) => [
        `  fold ${k + 1}/${folds} (${f.ours.expected} figures) briefbot   ${line(f.ours)}`,
        `  fold ${k + 1}/${folds}               baseline   ${line(f.baseline)}`,
      ]),
      ...(held && heldout
        ? [
            `held-out: ${held.ours.expected} figures in ${heldout.length} sentences (${opts.heldout})`,
            `  briefbot findQuantities + measureOf   ${line(held.ours)}`,
            `  before (baseline)                     ${line(held.baseline)}`,
          ]
        : []),
      ...(opts.errors ? ['', ...errors] : []),
    ],
  );
  return { ours, baseline: base, folds: foldScores, heldout: held };
}
