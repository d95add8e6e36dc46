/**
 * `eval ask`: corpus-wide sentence answers. Every SQuAD paragraph or RealTimeQA
 * evidence passage becomes an article in a fresh store (a SQLite file, or a scratch
 * PostgreSQL database with --store postgres), through the same ingest and ask code the
 * bot runs; the naive top-1 baseline queries that same store.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { answerQuestion } from '../src/ask/answer.js';
import { storeArticle } from '../src/articles/ingest.js';
import { splitSentences } from '../src/nlp/sentences.js';
import { STOPWORDS, words } from '../src/nlp/tokens.js';
import { openPostgresStore } from '../src/store/postgres/index.js';
import { createScratchDatabase } from '../src/store/postgres/scratch.js';
import { openSqliteStore } from '../src/store/sqlite/index.js';
import type { ArticleInput, Store } from '../src/store/store.js';
import { pct, readJsonl, report, writeJsonl } from './common.js';

export interface AskEvalOptions {
  squad?: string;
  realtimeqa?: string;
  out?: string;
  json?: boolean;
  limit?: number;
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
}

interface Corpus {
  name: string;
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
        questions.push({ id: qa.id, question: qa.question, answers: [...new Set(qa.answers.map((a) => a.text))], now: new Date(SQUAD_DATE) });
      }
    }
  }
  return { name: 'squad', articles, questions };
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
      questions.push({ id: row.id, question: row.question, answers: row.answer, now: new Date(Date.parse(rtqaDate(row.date)) + 86_400_000) });
    }
  }
  return { name: 'realtimeqa', articles, questions };
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

export async function evaluateCorpus(
  corpus: Corpus,
  opts: { limit?: number; out?: string; store?: 'sqlite' | 'postgres'; databaseUrl?: string },
): Promise<AskFigures> {
  const { store, dispose } = await scratchStore(opts);
  try {
    let stored = 0;
    for (const a of corpus.articles) if ((await storeArticle(store, a)).status === 'added') stored++;
    const questions = corpus.questions.slice(0, opts.limit ?? Infinity);
    let correct = 0;
    let abstained = 0;
    let numeric = 0;
    let numericCorrect = 0;
    let base = 0;
    let baseNumeric = 0;
    const out: unknown[] = [];
    for (const q of questions) {
      const answer = (await answerQuestion(store, q.question, { now: q.now })).answer;
      const sentence = answer?.sentence;
      const ok = sentence !== undefined && containsAnswer(sentence, q.answers);
      const baseline = await naiveTop1(store, q.question);
      const baseOk = baseline !== undefined && containsAnswer(baseline, q.answers);
      const numericQ = hasDigit(q.answers);
      if (!answer) abstained++;
      if (ok) correct++;
      if (baseOk) base++;
      if (numericQ) {
        numeric++;
        if (ok) numericCorrect++;
        if (baseOk) baseNumeric++;
      }
      if (opts.out) out.push({ id: q.id, question: q.question, answers: q.answers, sentence: sentence ?? null, correct: ok, baseline: baseline ?? null, baselineCorrect: baseOk });
    }
    if (opts.out) writeJsonl(opts.out, out);
    const n = Math.max(questions.length, 1);
    return {
      questions: questions.length,
      articles: stored,
      accuracy: correct / n,
      abstention: abstained / n,
      numeric: { questions: numeric, accuracy: numeric ? numericCorrect / numeric : 0 },
      baseline: { accuracy: base / n, numericAccuracy: numeric ? baseNumeric / numeric : 0 },
    };
  } finally {
    await dispose();
  }
}

export async function runAsk(opts: AskEvalOptions): Promise<AskFigures> {
  const corpus = opts.squad ? loadSquad(opts.squad) : opts.realtimeqa ? loadRealtimeQa(opts.realtimeqa) : undefined;
  if (!corpus) throw new Error('give --squad <file.json> or --realtimeqa <file.jsonl>');
  const f = await evaluateCorpus(corpus, opts);
  const store = opts.store ?? 'sqlite';
  report(!!opts.json, { dataset: corpus.name, store, ...f }, [
    `sentence answers (${corpus.name}: ${f.questions} questions over ${f.articles} stored articles, ${store === 'postgres' ? 'PostgreSQL' : 'SQLite'} store)`,
    `  briefbot ask        top-1 correct ${pct(f.accuracy)}  numeric answers ${pct(f.numeric.accuracy)} (${f.numeric.questions} questions)  abstained ${pct(f.abstention)}`,
    `  ${store === 'postgres' ? 'PG ts_rank top-1 ' : 'FTS5 BM25 top-1  '}   top-1 correct ${pct(f.baseline.accuracy)}  numeric answers ${pct(f.baseline.numericAccuracy)}`,
  ]);
  return f;
}
