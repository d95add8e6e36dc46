/** `eval summarize`: the summarizer against reference highlights, with Lead-3 from the same run. */
import { splitSentences } from '../src/nlp/sentences.js';
import { createHash } from 'node:crypto';
import { FEATURES, type Feature } from '../src/summarize/features.js';
import { SUMMARY_MODEL } from '../src/summarize/model.js';
import { pickSentences, sentenceFeatures, summarizeText, type SentenceFeatures, type SummaryModel } from '../src/summarize/summarize.js';
import { f2, readJsonl, report, writeJsonl } from './common.js';
import { rouge } from './rouge.js';
import { fitWeights, oracleExtract } from './summarize-fit.js';

export interface SummarizeEvalOptions {
  data: string;
  sentences: number;
  out?: string;
  json?: boolean;
  limit?: number;
  /** `tokenized` for the lowercased, tokenized CNN/DM release; `auto` decides per row. */
  format?: 'auto' | 'tokenized' | 'natural';
  /** Cross-validation folds (by article); 0 skips it. */
  folds?: number;
  /** Print the model fitted on all rows, for src/summarize/model.ts. */
  fit?: boolean;
}

/** The headline weights cross-validation chooses among, on a set whose articles have headlines. */
export const TITLE_GRID = [0, 0.5, 1, 1.5, 2, 3, 4];

const foldOf = (id: string, folds: number) => createHash('sha256').update(id).digest().readUInt32BE(0) % folds;

interface Prepared {
  sentences: string[];
  title?: string;
}

/**
 * What a set can fit. Without headlines (CNN/DM): the sentence weights, by logistic
 * regression on the training rows' oracle extracts (src/summarize/model.ts `weights`).
 * With headlines (BBC): only the headline weight, among TITLE_GRID, with the shipped
 * sentence weights — those stay fitted on CNN/DM, so BBC also tests how they carry over.
 */
function fitter(rows: Row[], prepared: Prepared[], features: SentenceFeatures[][], n: number, scoreOf: (r: number, m: SummaryModel) => number) {
  const titled = prepared.some((p) => p.title);
  const oracles = titled ? [] : rows.map((row, r) => oracleExtract(prepared[r].sentences, row.reference, n));
  return (train: number[]): SummaryModel => {
    if (!titled) return { weights: fitWeights(train.map((r) => ({ features: features[r], oracle: oracles[r] }))), title: SUMMARY_MODEL.title };
    let best = SUMMARY_MODEL;
    let bestScore = -1;
    for (const title of TITLE_GRID) {
      const model = { weights: SUMMARY_MODEL.weights, title };
      const total = train.reduce((a, r) => a + scoreOf(r, model), 0);
      if (total > bestScore) {
        bestScore = total;
        best = model;
      }
    }
    return best;
  };
}

/**
 * Grouped cross-validation, folds by article: each fold's articles are summarised
 * with a model fitted on the other folds' articles only.
 */
function crossValidate(rows: Row[], prepared: Prepared[], n: number, folds: number, fitAll: boolean) {
  const features = prepared.map((p) => sentenceFeatures(p.sentences, p.title ? { title: p.title } : {}));
  const cache = rows.map(() => new Map<string, Totals>());
  const totalsOf = (r: number, m: SummaryModel): Totals => {
    const picks = pickSentences(prepared[r].sentences, features[r], n, m);
    const key = picks.join(',');
    let t = cache[r].get(key);
    if (!t) {
      const s = rouge(rows[r].reference, picks.map((i) => prepared[r].sentences[i]).join('\n'), TYPES, { stem: true });
      t = { rouge1: s.rouge1.fmeasure, rouge2: s.rouge2.fmeasure, rougeLsum: s.rougeLsum.fmeasure };
      cache[r].set(key, t);
    }
    return t;
  };
  const sumOf = (r: number, m: SummaryModel) => {
    const t = totalsOf(r, m);
    return t.rouge1 + t.rouge2 + t.rougeLsum;
  };
  const fit = fitter(rows, prepared, features, n, sumOf);
  const fold = rows.map((r) => foldOf(r.id, folds));
  const pooled: Totals = { rouge1: 0, rouge2: 0, rougeLsum: 0 };
  const chosen: SummaryModel[] = [];
  for (let k = 0; k < folds; k++) {
    const model = fit(rows.map((_, r) => r).filter((r) => fold[r] !== k));
    chosen.push(model);
    for (let r = 0; r < rows.length; r++) {
      if (fold[r] !== k) continue;
      const t = totalsOf(r, model);
      for (const x of TYPES) pooled[x] += t[x];
    }
  }
  return { pooled, chosen, all: fitAll ? fit(rows.map((_, r) => r)) : undefined, titled: prepared.some((p) => p.title) };
}

interface Row {
  id: string;
  article: string;
  reference: string;
}

/**
 * The See et al. CNN/DM release is lowercased and tokenized, so sentence ends are
 * " . " tokens and no capital follows them. Cutting at those tokens gives one sentence
 * per line, which splitSentences keeps as they are (lines are hard boundaries), so
 * the summarizer and Lead-3 see exactly the same sentences.
 */
export function tokenizedToLines(article: string): string {
  return article
    .split('\n')
    .flatMap((para) => para.replace(/ ([.!?]) (?!['"`]{1,2} )/g, ' $1\n').replace(/ ([.!?]) (['"`]{1,2}) /g, ' $1 $2\n').split('\n'))
    .map((l) => l.trim())
    .filter(Boolean)
    .join('\n');
}

const isTokenized = (article: string) => !/\p{Lu}/u.test(article);

/** Natural-cased articles whose first line is the headline (the BBC set) give it as the title. */
function prepare(row: Row, format: SummarizeEvalOptions['format']): { text: string; title?: string } {
  const tokenized = format === 'tokenized' || (format !== 'natural' && isTokenized(row.article));
  if (tokenized) return { text: tokenizedToLines(row.article) };
  const lines = row.article.split('\n');
  const first = lines[0]?.trim() ?? '';
  const headline = lines.length > 1 && first && !/[.!?]["”’]?$/.test(first) && first.split(/\s+/).length <= 20;
  return headline ? { title: first, text: lines.slice(1).join('\n') } : { text: row.article };
}

const TYPES = ['rouge1', 'rouge2', 'rougeLsum'] as const;

interface Totals {
  rouge1: number;
  rouge2: number;
  rougeLsum: number;
}

export function runSummarize(opts: SummarizeEvalOptions) {
  const rows = readJsonl<Row>(opts.data).slice(0, opts.limit ?? Infinity);
  const ours: Totals = { rouge1: 0, rouge2: 0, rougeLsum: 0 };
  const lead: Totals = { rouge1: 0, rouge2: 0, rougeLsum: 0 };
  const outRows: unknown[] = [];
  const prepared: Prepared[] = [];
  for (const row of rows) {
    const { text, title } = prepare(row, opts.format ?? 'auto');
    const sentences = splitSentences(text);
    prepared.push({ sentences, title });
    const summary = summarizeText(text, { sentences: opts.sentences, ...(title ? { title } : {}) }).sentences;
    const lead3 = sentences.slice(0, 3);
    // ROUGE-Lsum reads one sentence per line, as rouge-score's CNN/DM convention expects.
    const s = rouge(row.reference, summary.join('\n'), TYPES, { stem: true });
    const l = rouge(row.reference, lead3.join('\n'), TYPES, { stem: true });
    for (const t of TYPES) {
      ours[t] += s[t].fmeasure;
      lead[t] += l[t].fmeasure;
    }
    outRows.push({ id: row.id, summary, lead3, rouge: Object.fromEntries(TYPES.map((t) => [t, s[t].fmeasure])) });
  }
  const n = Math.max(rows.length, 1);
  const scale = (t: Totals) => Object.fromEntries(TYPES.map((k) => [k, (100 * t[k]) / n])) as unknown as Totals;
  const o = scale(ours);
  const b = scale(lead);
  if (opts.out) writeJsonl(opts.out, outRows);
  const folds = opts.folds ?? 5;
  const cv = folds > 1 || opts.fit ? crossValidate(rows, prepared, opts.sentences, Math.max(folds, 2), !!opts.fit) : undefined;
  const c = cv && folds > 1 ? scale(cv.pooled) : undefined;
  const line = (t: Totals) => `ROUGE-1 ${f2(t.rouge1)}  ROUGE-2 ${f2(t.rouge2)}  ROUGE-Lsum ${f2(t.rougeLsum)}`;
  const fitted = cv?.titled ? `the headline weight, chosen among ${TITLE_GRID.join(', ')} (sentence weights as shipped)` : 'the sentence weights, logistic regression on oracle extracts';
  const fitLines = cv?.all
    ? [
        cv.titled
          ? `fitted on all ${rows.length} rows, for src/summarize/model.ts: title: ${cv.all.title}`
          : `fitted on all ${rows.length} rows, for src/summarize/model.ts weights:\n${FEATURES.map((f: Feature) => `    ${f}: ${round(cv.all!.weights[f])},`).join('\n')}`,
      ]
    : [];
  report(
    !!opts.json,
    { rows: rows.length, sentences: opts.sentences, cv: c, cvChosen: cv?.chosen, fitted: cv?.all, summarizer: o, model: SUMMARY_MODEL, lead3: b },
    [
      `summarization (${rows.length} rows, ${opts.data}; ROUGE F1 ×100, Porter-stemmed, as rouge-score)`,
      ...(c && cv
        ? [
            `cross-validated, ${folds} folds by article (fitted on the other folds: ${fitted}):`,
            `  briefbot summarizeText (${opts.sentences} sentences)  ${line(c)}`,
            `  Lead-3                                 ${line(b)}`,
            ...(cv.titled ? [`    chosen per fold: title ${cv.chosen.map((m) => m.title).join(' | ')}`] : []),
            `dev (shipped model, src/summarize/model.ts):`,
          ]
        : []),
      `  briefbot summarizeText (${opts.sentences} sentences)  ${line(o)}`,
      `  Lead-3                                 ${line(b)}`,
      ...fitLines,
    ],
  );
  return { summarizer: o, lead3: b, cv: c, rows: rows.length };
}

const round = (x: number) => Number(x.toPrecision(3));
