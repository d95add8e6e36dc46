/**
 * `eval ask`: corpus-wide sentence answers. Every SQuAD paragraph or RealTimeQA
 * evidence passage becomes an article in a fresh store (a SQLite file, or a scratch
 * PostgreSQL database with --store postgres), through the same ingest and ask code the
 * bot runs; the naive top-1 baseline queries that same store.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { answerQuestion, type Weights } from '../src/ask/answer.js';
import { storeArticle } from '../src/articles/ingest.js';
import { splitSentences } from '../src/nlp/sentences.js';
import { STOPWORDS, words } from '../src/nlp/tokens.js';
import { openPostgresStore } from '../src/store/postgres/index.js';
import { createScratchDatabase } from '../src/store/postgres/scratch.js';
import { openSqliteStore } from '../src/store/sqlite/index.js';
import type { ArticleInput, Store } from '../src/store/store.js';
import { pct, readJsonl, writeJsonl } from './common.js';
import { crossValidate, type CvFigures } from './ask-cv.js';

export interface AskEvalOptions {
  squad?: string;
  realtimeqa?: string;
  out?: string;
  json?: boolean;
  limit?: number;
  /** Cross-validation folds per data set (0 or 1: none). */
  folds?: number;
  /** 'postgres': a scratch database on the server of `databaseUrl`, dropped afterwards. */
  store?: 'sqlite' | 'postgres';
  databaseUrl?: string;
}

/** A fresh, empty store of the kind asked for, and how to get rid of it. */
async function scratchStore(opts: { store?: 'sqlite' | 'postgres'; databaseUrl?: string }): Promise<{ store: Store; dispose(): Promise<void> }> {
  if (opts.store === 'postgres') {
    const db = await createScratchDatabase(opts.databaseUrl ?? 'postgres://postgres@127.0.0.1:5432/postgres', 'briefbot_eval');
    const store = await openPostgresStore(db.url).catch(async (err) => {
      await db.drop();
      throw err;
    });
    return { store, dispose: async () => (await store.close(), await db.drop()) };
  }
  const dir = mkdtempSync(join(tmpdir(), 'briefbot-eval-ask-'));
  const store = openSqliteStore(join(dir, 'eval.sqlite'));
  return { store, dispose: async () => (await store.close(), rmSync(dir, { recursive: true, force: true })) };
}

export interface Question {
  id: string;
  question: string;
  answers: string[];
  /** The clock the question is asked at (RealTimeQA: the quiz's date). */
  now: Date;
  /** What cross-validation keeps together in one fold: the SQuAD article, the RealTimeQA publication week. */
  group: string;
}

export interface Corpus {
  name: string;
  /** How groups become folds: SQuAD articles round-robin; RealTimeQA weeks in contiguous runs, so news of neighbouring weeks stays together. */
  folding: 'round-robin' | 'contiguous';
  articles: ArticleInput[];
  questions: Question[];
}

/**
 * Lowercase, punctuation folded to spaces ("U.S." → "u s"); separators inside numbers
 * vanish ("1,500" → "1500"), so the answer "500" is not found in "$1,500".
 */
export function fold(text: string): string {
  return text
    .toLowerCase()
    .replace(/(?<=\p{N})[.,](?=\p{N})/gu, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** A sentence answers when it contains a gold answer as whole folded words. */
export function containsAnswer(sentence: string, answers: readonly string[]): boolean {
  const s = ` ${fold(sentence)} `;
  return answers.some((a) => {
    const f = fold(a);
    return f.length > 0 && s.includes(` ${f} `);
  });
}

const SQUAD_DATE = '2020-01-01T00:00:00.000Z';

interface SquadFile {
  data: { title: string; paragraphs: { context: string; qas: { id: string; question: string; answers: { text: string }[] }[] }[] }[];
}

export function loadSquad(path: string): Corpus {
  const file = JSON.parse(readFileSync(path, 'utf8')) as SquadFile;
  const articles: ArticleInput[] = [];
  const questions: Question[] = [];
  for (const doc of file.data) {
    const title = doc.title.replace(/_/g, ' ');
    for (const p of doc.paragraphs) {
      articles.push({ title, source: 'SQuAD', publishedAt: SQUAD_DATE, publishedAtSource: 'ingest-time', language: 'en', body: p.context });
      for (const qa of p.qas) {
        questions.push({ id: qa.id, question: qa.question, answers: [...new Set(qa.answers.map((a) => a.text))], now: new Date(SQUAD_DATE), group: doc.title });
      }
    }
  }
  return { name: 'squad', folding: 'round-robin', articles, questions };
}

interface RtqaRow {
  id: string;
  date: string;
  source: string;
  url: string;
  question: string;
  answer: string[];
  evidence: string;
}

/** "2020/01/03" → ISO at noon UTC, so no time zone moves it to another day. */
function rtqaDate(date: string): string {
  return new Date(`${date.replace(/\//g, '-')}T12:00:00Z`).toISOString();
}

/** The Monday (UTC) of the date's week, as YYYY-MM-DD: quizzes of one week share their news. */
export function weekOf(iso: string): string {
  const d = new Date(iso);
  const monday = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) - ((d.getUTCDay() + 6) % 7) * 86_400_000;
  return new Date(monday).toISOString().slice(0, 10);
}

export function loadRealtimeQa(path: string): Corpus {
  const rows = readJsonl<RtqaRow>(path);
  const articles: ArticleInput[] = [];
  const seen = new Set<string>();
  const questions: Question[] = [];
  for (const row of rows) {
    const evidence = row.evidence.replace(/\s+/g, ' ').trim();
    if (evidence && !seen.has(evidence)) {
      seen.add(evidence);
      // Passages have no headline; their first sentence stands in (the store makes the headline sentence 0).
      const title = splitSentences(evidence)[0] ?? evidence;
      // Quiz pages hold many passages under one URL; the row id keeps store URLs unique.
      articles.push({ title, source: row.source, url: `${row.url}#${row.id}`, publishedAt: rtqaDate(row.date), publishedAtSource: 'page', language: 'en', body: evidence });
    }
    // Only questions whose answer is stated in their own passage can be answered with a sentence.
    if (containsAnswer(evidence, row.answer)) {
      questions.push({ id: row.id, question: row.question, answers: row.answer, now: new Date(Date.parse(rtqaDate(row.date)) + 86_400_000), group: weekOf(rtqaDate(row.date)) });
    }
  }
  return { name: 'realtimeqa', folding: 'contiguous', articles, questions };
}

/** The baseline: the question's non-stopwords OR-ed, FTS5 BM25, best sentence. */
async function naiveTop1(store: Store, question: string): Promise<string | undefined> {
  const terms = [...new Set(words(question).filter((w) => !STOPWORDS.has(w)))];
  return terms.length ? (await store.articles.searchSentencesNaive(terms, 1))[0]?.text : undefined;
}

const hasDigit = (answers: readonly string[]) => answers.some((a) => /\d/.test(a));

export interface AskFigures {
  questions: number;
  articles: number;
  accuracy: number;
  abstention: number;
  numeric: { questions: number; accuracy: number };
  baseline: { accuracy: number; numericAccuracy: number };
}

/** A corpus stored once, for every pass over its questions. */
export interface OpenCorpus {
  corpus: Corpus;
  store: Store;
  stored: number;
  close(): Promise<void>;
}

export async function openCorpus(corpus: Corpus, opts: { store?: 'sqlite' | 'postgres'; databaseUrl?: string } = {}): Promise<OpenCorpus> {
  const { store, dispose } = await scratchStore(opts);
  let stored = 0;
  for (const a of corpus.articles) if ((await storeArticle(store, a)).status === 'added') stored++;
  return { corpus, store, stored, close: dispose };
}

/** Counts of one pass of questions: correct, abstained, and the same for questions with a numeric answer. */
export interface Tally {
  n: number;
  correct: number;
  abstained: number;
  numeric: number;
  numericCorrect: number;
}

export const emptyTally = (): Tally => ({ n: 0, correct: 0, abstained: 0, numeric: 0, numericCorrect: 0 });

export function addTally(t: Tally, q: Question, answered: boolean, ok: boolean): void {
  t.n++;
  if (!answered) t.abstained++;
  if (ok) t.correct++;
  if (hasDigit(q.answers)) {
    t.numeric++;
    if (ok) t.numericCorrect++;
  }
}

/** The bot's answers to `questions` with the given weights (the shipped ones by default). */
export async function answerAll(
  store: Store,
  questions: readonly Question[],
  weights?: Weights,
  onEach?: (q: Question, sentence: string | undefined, ok: boolean) => Promise<void>,
): Promise<Tally> {
  const t = emptyTally();
  for (const q of questions) {
    const sentence = (await answerQuestion(store, q.question, { now: q.now, weights })).answer?.sentence;
    const ok = sentence !== undefined && containsAnswer(sentence, q.answers);
    addTally(t, q, sentence !== undefined, ok);
    await onEach?.(q, sentence, ok);
  }
  return t;
}

export async function evaluateCorpus(
  corpus: Corpus,
  opts: { limit?: number; out?: string; store?: 'sqlite' | 'postgres'; databaseUrl?: string },
): Promise<AskFigures> {
  const open = await openCorpus(corpus, opts);
  try {
    return await devFigures(open, opts);
  } finally {
    await open.close();
  }
}

/** The shipped weights on every question (in-sample for the weights), beside the BM25 baseline. */
export async function devFigures(open: OpenCorpus, opts: { limit?: number; out?: string }): Promise<AskFigures> {
  const { store, corpus } = open;
  const questions = corpus.questions.slice(0, opts.limit ?? Infinity);
  const base = emptyTally();
  const out: unknown[] = [];
  const dev = await answerAll(store, questions, undefined, async (q, sentence, ok) => {
    const baseline = await naiveTop1(store, q.question);
    const baseOk = baseline !== undefined && containsAnswer(baseline, q.answers);
    addTally(base, q, baseline !== undefined, baseOk);
    if (opts.out) out.push({ id: q.id, question: q.question, answers: q.answers, sentence: sentence ?? null, correct: ok, baseline: baseline ?? null, baselineCorrect: baseOk });
  });
  if (opts.out) writeJsonl(opts.out, out);
  const n = Math.max(dev.n, 1);
  return {
    questions: dev.n,
    articles: open.stored,
    accuracy: dev.correct / n,
    abstention: dev.abstained / n,
    numeric: { questions: dev.numeric, accuracy: dev.numeric ? dev.numericCorrect / dev.numeric : 0 },
    baseline: { accuracy: base.correct / n, numericAccuracy: base.numeric ? base.numericCorrect / base.numeric : 0 },
  };
}

export interface AskRun {
  dataset: string;
  store: 'sqlite' | 'postgres';
  crossValidated?: CvFigures;
  dev: AskFigures;
}

export async function runAsk(opts: AskEvalOptions): Promise<AskRun[]> {
  const corpora = [opts.squad && loadSquad(opts.squad), opts.realtimeqa && loadRealtimeQa(opts.realtimeqa)].filter((c): c is Corpus => !!c);
  if (corpora.length === 0) throw new Error('give --squad <file.json> and/or --realtimeqa <file.jsonl>');
  for (const c of corpora) c.questions = c.questions.slice(0, opts.limit ?? Infinity);
  const opened: OpenCorpus[] = [];
  for (const c of corpora) opened.push(await openCorpus(c, opts));
  try {
    const cv = opts.folds && opts.folds > 1 ? await crossValidate(opened, { folds: opts.folds, log: opts.json ? () => {} : (s) => console.error(s) }) : undefined;
    const runs: AskRun[] = [];
    for (const o of opened) {
      const dev = await devFigures(o, { out: opts.out && corpora.length > 1 ? opts.out.replace(/(\.jsonl)?$/, `.${o.corpus.name}$1`) : opts.out });
      const c = cv?.perCorpus.get(o.corpus.name);
      runs.push({ dataset: o.corpus.name, store: opts.store ?? 'sqlite', crossValidated: c, dev });
      const pg = opts.store === 'postgres';
      const lines = [`sentence answers (${o.corpus.name}: ${dev.questions} questions over ${dev.articles} stored articles, ${pg ? 'PostgreSQL' : 'SQLite'} store)`];
      if (c) {
        lines.push(
          `  cross-validated     top-1 correct ${pct(c.accuracy)}  numeric answers ${pct(c.numeric.accuracy)} (${c.numeric.questions} questions)  abstained ${pct(c.abstention)}  [${c.folds} folds by ${c.by}, lambda ${c.lambda}]`,
        );
      }
      lines.push(
        `  dev (shipped)       top-1 correct ${pct(dev.accuracy)}  numeric answers ${pct(dev.numeric.accuracy)} (${dev.numeric.questions} questions)  abstained ${pct(dev.abstention)}`,
        `  ${pg ? 'PG ts_rank top-1 ' : 'FTS5 BM25 top-1  '}   top-1 correct ${pct(dev.baseline.accuracy)}  numeric answers ${pct(dev.baseline.numericAccuracy)}`,
      );
      if (!opts.json) console.log(lines.join('\n'));
    }
    if (cv && !opts.json) {
      console.log(`weights by the same procedure on every question (lambda ${cv.lambda}; src/ask/answer.ts WEIGHTS ${cv.shippedMatches ? 'match' : 'DIFFER'}):`);
      console.log(JSON.stringify(cv.shipped));
    }
    if (opts.json) console.log(JSON.stringify(runs.length === 1 ? runs[0] : runs));
    return runs;
  } finally {
    for (const o of opened) await o.close();
  }
}
