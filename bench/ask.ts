import { ask, type AskResult } from '../src/ask/answer.js';
import { STOPWORDS, words } from '../src/nlp/tokens.js';
import { openSqliteStore } from '../src/store/sqlite/index.js';
import type { Store } from '../src/store/store.js';
import { BIG_STORE_NOW, ensureBigStore } from './big-store.js';
import { loadCorpus, sample, type SquadQuestion } from './corpus.js';
import type { Figure } from './report.js';
import { mean, percentile, timedAsync } from './stats.js';

export interface AskBenchOptions {
  articles: number;
  questions: number;
  /** Questions also answered through the unoptimised retrieval, to compare top-1 answers. */
  agreementSample: number;
  log: (s: string) => void;
}

/** The question's non-stopwords, as the naive baseline OR-s them. */
export function naiveWords(question: string): string[] {
  return [...new Set(words(question).flatMap((w) => w.split(/['’-]/)))].filter((w) => w && !STOPWORDS.has(w));
}

/**
 * The same store with retrieval done the unoptimised way (every retrieval word OR-ed,
 * BM25 over all sentences), so the answers of the optimised path can be compared.
 */
function unoptimised(store: Store): Store {
  const articles = store.articles;
  const slow = Object.create(articles) as typeof articles;
  slow.searchSentences = (w, limit) => articles.searchSentencesNaive(w, limit);
  return { ...store, articles: slow, ping: () => store.ping(), close: () => store.close() };
}

/** Eval convention: the answer sentence contains a gold answer, case and punctuation folded. */
function fold(s: string): string {
  return s.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}
export function correct(result: AskResult | string | undefined, q: SquadQuestion): boolean {
  const sentence = typeof result === 'string' ? result : result?.answer?.sentence;
  if (!sentence) return false;
  const s = ` ${fold(sentence)} `;
  return q.answers.some((a) => s.includes(` ${fold(a)} `));
}

export async function benchAsk(opts: AskBenchOptions): Promise<Figure[]> {
  const big = ensureBigStore(opts.articles, opts.log);
  const store = openSqliteStore(big.path);
  try {
    const drawn = sample(loadCorpus().questions, opts.questions + 20, 7);
    const [warmUp, questions] = [drawn.slice(0, 20), drawn.slice(20)];
    const now = BIG_STORE_NOW;
    // Warm the OS page cache and SQLite's statements the same way for both paths, on questions not measured.
    for (const q of warmUp) {
      await ask(store, q.question, { now });
      await store.articles.searchSentencesNaive(naiveWords(q.question), 1);
    }
    const askMs: number[] = [];
    const naiveMs: number[] = [];
    const answers: (AskResult | undefined)[] = [];
    let askRight = 0;
    let naiveRight = 0;
    for (const [i, q] of questions.entries()) {
      // Interleaved, so both paths see the same cache state and machine load.
      const a = await timedAsync(() => ask(store, q.question, { now }));
      const n = await timedAsync(() => store.articles.searchSentencesNaive(naiveWords(q.question), 1));
      askMs.push(a.ms);
      naiveMs.push(n.ms);
      answers.push(a.value);
      if (correct(a.value, q)) askRight++;
      if (correct(n.value[0]?.text, q)) naiveRight++;
      if ((i + 1) % 250 === 0) opts.log(`  ask: ${i + 1}/${questions.length} questions`);
    }
    const slowStore = unoptimised(store);
    const checked = questions.slice(0, opts.agreementSample);
    let agree = 0;
    let slowRight = 0;
    let fastRight = 0;
    const slowMs: number[] = [];
    for (const [i, q] of checked.entries()) {
      const slow = await timedAsync(() => ask(slowStore, q.question, { now }));
      slowMs.push(slow.ms);
      const fast = answers[i];
      if ((slow.value.answer?.sentence ?? null) === (fast?.answer?.sentence ?? null)) agree++;
      if (correct(slow.value, q)) slowRight++;
      if (correct(fast, q)) fastRight++;
    }
    const p = (xs: number[], k: number) => percentile(xs, k);
    const n = questions.length;
    const size = `${big.articles} articles, ${big.sentences} sentences, ${n} SQuAD questions`;
    const figures: Figure[] = [50, 95, 99].map((k) => ({
      section: 'ask',
      name: `p${k} latency`,
      value: p(askMs, k),
      unit: 'ms',
      baseline: { name: `naive FTS5 OR top-1 p${k}`, value: p(naiveMs, k) },
      ratio: p(naiveMs, k) / p(askMs, k),
      ratioLabel: '× faster',
      target: k === 99 ? { op: '<=', value: 50 } : undefined,
      note: k === 50 ? size : undefined,
    }));
    figures.push(
      { section: 'ask', name: 'mean latency', value: mean(askMs), unit: 'ms', baseline: { name: 'naive mean', value: mean(naiveMs) }, ratio: mean(naiveMs) / mean(askMs), ratioLabel: '× faster' },
      {
        section: 'ask',
        name: 'top-1 agreement with unoptimised retrieval',
        value: (100 * agree) / Math.max(1, checked.length),
        unit: '%',
        note: `${agree}/${checked.length} questions; unoptimised ask p50 ${p(slowMs, 50).toFixed(0)} ms, p99 ${p(slowMs, 99).toFixed(0)} ms`,
      },
      {
        section: 'ask',
        name: 'answers containing the gold answer (sample)',
        value: (100 * fastRight) / Math.max(1, checked.length),
        unit: '%',
        baseline: { name: 'unoptimised ask', value: (100 * slowRight) / Math.max(1, checked.length) },
        ratio: fastRight / Math.max(1, slowRight),
        note: `same ${checked.length} questions`,
      },
      {
        section: 'ask',
        name: 'answers containing the gold answer (all)',
        value: (100 * askRight) / n,
        unit: '%',
        baseline: { name: 'naive FTS5 top-1', value: (100 * naiveRight) / n },
        ratio: askRight / Math.max(1, naiveRight),
        note: `${n} questions`,
      },
    );
    return figures;
  } finally {
    await store.close();
  }
}
