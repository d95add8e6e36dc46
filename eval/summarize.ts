/** `eval summarize`: the summarizer against reference highlights, with Lead-3 from the same run. */
import { splitSentences } from '../src/nlp/sentences.js';
import { createHash } from 'node:crypto';
import { pickSentences, sentenceFeatures, summarizeText, SUMMARY_WEIGHTS, type SummaryWeights } from '../src/summarize/summarize.js';
import { f2, readJsonl, report, writeJsonl } from './common.js';
import { rouge } from './rouge.js';

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
}

/** The weightings cross-validation chooses among (src/summarize/summarize.ts SummaryWeights). */
export const WEIGHT_GRID: SummaryWeights[] = [0.1, 0.2, 0.3, 0.5].flatMap((decay) =>
  [0.2, 0.35, 0.5, 0.7].flatMap((centrality) => [12, 18, 24, 30].flatMap((short) => [0.5, 1, 1.5, 2].map((shortPenalty) => ({ decay, centrality, short, shortPenalty })))),
);

const foldOf = (id: string, folds: number) => createHash('sha256').update(id).digest().readUInt32BE(0) % folds;

/**
 * Grouped cross-validation, folds by article: for each fold the weighting with the best
 * mean ROUGE-1 + ROUGE-2 + ROUGE-Lsum on the other folds' articles summarises the fold's.
 */
function crossValidate(rows: Row[], prepared: { sentences: string[]; title?: string }[], n: number, folds: number) {
  const features = prepared.map((p) => sentenceFeatures(p.sentences, p.title ? { title: p.title } : {}));
  const cache = rows.map(() => new Map<string, Totals>());
  const scoreOf = (r: number, w: SummaryWeights): Totals => {
    const picks = pickSentences(features[r], n, w);
    const key = picks.join(',');
    let t = cache[r].get(key);
    if (!t) {
      const s = rouge(rows[r].reference, picks.map((i) => prepared[r].sentences[i]).join('\n'), TYPES, { stem: true });
      t = { rouge1: s.rouge1.fmeasure, rouge2: s.rouge2.fmeasure, rougeLsum: s.rougeLsum.fmeasure };
      cache[r].set(key, t);
    }
    return t;
  };
  const fold = rows.map((r) => foldOf(r.id, folds));
  const pooled: Totals = { rouge1: 0, rouge2: 0, rougeLsum: 0 };
  const chosen: SummaryWeights[] = [];
  for (let k = 0; k < folds; k++) {
    let best = WEIGHT_GRID[0];
    let bestScore = -1;
    for (const w of WEIGHT_GRID) {
      let total = 0;
      for (let r = 0; r < rows.length; r++) {
        if (fold[r] === k) continue;
        const t = scoreOf(r, w);
        total += t.rouge1 + t.rouge2 + t.rougeLsum;
      }
      if (total > bestScore) {
        bestScore = total;
        best = w;
      }
    }
    chosen.push(best);
    for (let r = 0; r < rows.length; r++) {
      if (fold[r] !== k) continue;
      const t = scoreOf(r, best);
      for (const x of TYPES) pooled[x] += t[x];
    }
  }
  return { pooled, chosen };
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
  const prepared: { sentences: string[]; title?: string }[] = [];
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
  const cv = folds > 1 ? crossValidate(rows, prepared, opts.sentences, folds) : undefined;
  const c = cv && scale(cv.pooled);
  const line = (t: Totals) => `ROUGE-1 ${f2(t.rouge1)}  ROUGE-2 ${f2(t.rouge2)}  ROUGE-Lsum ${f2(t.rougeLsum)}`;
  const weights = (w: SummaryWeights) => `decay ${w.decay} centrality ${w.centrality} short ${w.short}/${w.shortPenalty}`;
  report(
    !!opts.json,
    { rows: rows.length, sentences: opts.sentences, cv: c, cvChosen: cv?.chosen, summarizer: o, weights: SUMMARY_WEIGHTS, lead3: b },
    [
      `summarization (${rows.length} rows, ${opts.data}; ROUGE F1 ×100, Porter-stemmed, as rouge-score)`,
      ...(c && cv
        ? [
            `cross-validated, ${folds} folds by article (weights chosen on the other folds from ${WEIGHT_GRID.length}):`,
            `  briefbot summarizeText (${opts.sentences} sentences)  ${line(c)}`,
            `  Lead-3                                 ${line(b)}`,
            `    chosen per fold: ${cv.chosen.map(weights).join(' | ')}`,
            `dev (shipped weights: ${weights(SUMMARY_WEIGHTS)}):`,
          ]
        : []),
      `  briefbot summarizeText (${opts.sentences} sentences)  ${line(o)}`,
      `  Lead-3                                 ${line(b)}`,
    ],
  );
  return { summarizer: o, lead3: b, cv: c, rows: rows.length };
}
