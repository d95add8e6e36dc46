/** `eval summarize`: the summarizer against reference highlights, with Lead-3 from the same run. */
import { splitSentences } from '../src/nlp/sentences.js';
import { summarizeText } from '../src/summarize/summarize.js';
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
  for (const row of rows) {
    const { text, title } = prepare(row, opts.format ?? 'auto');
    const sentences = splitSentences(text);
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
  const line = (t: Totals) => `ROUGE-1 ${f2(t.rouge1)}  ROUGE-2 ${f2(t.rouge2)}  ROUGE-Lsum ${f2(t.rougeLsum)}`;
  report(
    !!opts.json,
    { rows: rows.length, sentences: opts.sentences, summarizer: o, lead3: b },
    [
      `summarization (${rows.length} rows, ${opts.data}; ROUGE F1 ×100, Porter-stemmed, as rouge-score)`,
      `  briefbot summarizeText (${opts.sentences} sentences)  ${line(o)}`,
      `  Lead-3                                 ${line(b)}`,
    ],
  );
  return { summarizer: o, lead3: b, rows: rows.length };
}
