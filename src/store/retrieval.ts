import { createHash } from 'node:crypto';
import { isPlain } from '../nlp/plain.js';
import { porterStem } from '../nlp/tokens.js';
import { LruCache } from '../lru.js';
import type { SentenceRow } from './store.js';

/**
 * What both stores share so the answerer sees the same candidates from either: the
 * retrieval budgets, the content hash that catches re-scraped copies, the tokens and
 * stems the full-text indexes hold, and the in-process scoring of candidates.
 */

// Every run of what is not a letter or digit becomes one space; a run that is a lone space already is left
// alone (not matched): most runs are one, and each match is a call out of the regular expression engine.
const FOLD_PLAIN = /(?: (?=[^a-z0-9])|[^a-z0-9 ])[^a-z0-9]*/g;
const FOLD = /(?: (?=[^\p{L}\p{N}])|[^\p{L}\p{N} ])[^\p{L}\p{N}]*/gu;

/** Hash of the body with case, spacing and punctuation folded, so a re-scraped copy of the same story is caught. */
export function contentHash(body: string): string {
  const lower = body.toLowerCase();
  // In plain text the letters and digits are [a-z0-9], and that pattern runs four times faster (this is on the ingest path).
  const folded = lower.replace(isPlain(lower) ? FOLD_PLAIN : FOLD, ' ').trim();
  return createHash('sha256').update(folded).digest('hex');
}

/**
 * Retrieval cost is the number of index entries (postings) a query walks, and BM25
 * scores every sentence holding any OR-ed word (about 2.5 µs each at 2.5 million
 * sentences): one common word ("year", "more") brings in a hundred thousand. So
 * candidates come from bounded lookups, scored in process by the weight (idf) of the
 * question words they hold; the answerer then ranks them as before. Budgets measured
 * with `npm run bench` (docs/performance.md) at 100,000 articles.
 */
export const RETRIEVAL = {
  /** Below this many postings over all words, the exact BM25 query over all of them runs. */
  exactBudget: 6_000,
  /** Postings BM25 may score over the rarest words. */
  postingBudget: 1_500,
  /** A pair of words is looked up together only when the rarer one is in at most this many sentences. */
  pairBudget: 30_000,
  /** Postings all pair lookups of one question may walk, counted as each pair's rarer word. */
  pairTotal: 15_000,
  /** Newest sentences taken per pair. */
  perPair: 60,
  /**
   * SQLite page cache of each connection, in KiB (the bot has one per worker thread). 8 MB
   * answered as fast as 16 MB and 4 MB cost ~2 ms more CPU per question (pages re-read).
   */
  cacheKb: 8_192,
};

/**
 * The index's tokens of a text, as FTS5's `unicode61` tokenizer makes them: runs of
 * letters and digits, lowercased, diacritics removed.
 */
export function indexTokens(text: string): string[] {
  return text.toLowerCase().normalize('NFD').replace(/\p{M}+/gu, '').match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** The index's stems of a text (FTS5 `porter unicode61`): what a full-text index built from them matches on. */
export function indexStems(text: string): string[] {
  return indexTokens(text).map((t) => porterStem(t));
}

/** The vocabulary key of a question word (lowercased, stemmed, as FTS5's vocabulary table is looked up). */
export function vocabularyStem(word: string): string {
  return porterStem(word.toLowerCase());
}

/** A question word with its weight, for the in-process scoring of candidates. */
export interface WeightedTerm {
  word: string;
  stem: string;
  df: number;
  idf: number;
}

/** Question words with their document frequencies and idf, rarest first (the order the bounded lookups take them in). */
export function weighTerms(words: string[], df: (word: string) => number, total: number): WeightedTerm[] {
  return words
    .map((w) => {
      const n = df(w);
      return { word: w, stem: porterStem(w), df: n, idf: Math.log(1 + (total - n + 0.5) / (n + 0.5)) };
    })
    .sort((a, b) => a.df - b.df);
}

/** The question's distinct lowercased words, empty ones dropped. */
export function distinctWords(words: string[]): string[] {
  return [...new Set(words.map((w) => w.toLowerCase()))].filter(Boolean);
}

/** The rarest terms whose postings fit the budget (at least one), and whether they do. */
export function rarestWithin(terms: WeightedTerm[], budget: number): { rare: WeightedTerm[]; fits: boolean } {
  const rare: WeightedTerm[] = [];
  let postings = 0;
  for (const t of terms) {
    if (rare.length > 0 && postings + t.df > budget) break;
    rare.push(t);
    postings += t.df;
  }
  return { rare, fits: postings <= budget };
}

/** The word pairs to look up together, rarest pairs first, within the budgets. */
export function pairsWithin(terms: WeightedTerm[]): [WeightedTerm, WeightedTerm][] {
  const pairs: [WeightedTerm, WeightedTerm][] = [];
  let walked = 0;
  for (let i = 0; i < terms.length && terms[i].df <= RETRIEVAL.pairBudget; i++) {
    for (let j = i + 1; j < terms.length; j++) {
      walked += terms[i].df;
      if (walked > RETRIEVAL.pairTotal) return pairs;
      pairs.push([terms[i], terms[j]]);
    }
  }
  return pairs;
}

/** About 0.7 KB per sentence of 120 characters (its stem set, measured); 4 MB keeps ~5,000, a few questions' candidates. */
const ANALYSED_BYTES = 4 * 2 ** 20;
const analysed = new LruCache<string, { tokens: number; stems: Set<string> }>(ANALYSED_BYTES, (text) => 150 + 7 * text.length);
/** A candidate's token count and stems, memoised by text: the same stories' sentences come back for question after question. */
function analyse(text: string): { tokens: number; stems: Set<string> } {
  let a = analysed.get(text);
  if (a === undefined) {
    const tokens = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
    a = { tokens: tokens.length, stems: new Set(tokens.map((t) => porterStem(t))) };
    analysed.set(text, a);
  }
  return a;
}

/**
 * Scores candidates by the weight of the question words they hold (BM25's numerator,
 * which dominates for sentence-length documents), shorter sentences first on ties;
 * best `limit` first, in the order given on equal scores.
 */
export function scoreCandidates(rows: SentenceRow[], terms: WeightedTerm[], limit: number): (SentenceRow & { rank: number })[] {
  const scored: (SentenceRow & { rank: number })[] = [];
  for (const r of rows) {
    const { tokens, stems } = analyse(r.text);
    let score = 0;
    for (const t of terms) if (stems.has(t.stem)) score += t.idf;
    scored.push({ articleId: r.articleId, index: r.index, text: r.text, kinds: r.kinds, rank: -score / (0.75 + 0.25 * Math.min(3, tokens / 25)) });
  }
  return scored.sort((a, b) => a.rank - b.rank).slice(0, limit);
}

/** FTS5's bm25() (k1 = 1.2, b = 0.75), negated like FTS5's rank: lower is better. */
export function bm25(opts: { tf: number[]; docLength: number; avgLength: number; df: number[]; total: number }): number {
  let score = 0;
  for (let i = 0; i < opts.tf.length; i++) {
    if (opts.tf[i] === 0) continue;
    let idf = Math.log((opts.total - opts.df[i] + 0.5) / (opts.df[i] + 0.5));
    if (idf <= 0) idf = 1e-6;
    score += (idf * opts.tf[i] * 2.2) / (opts.tf[i] + 1.2 * (0.25 + (0.75 * opts.docLength) / opts.avgLength));
  }
  return -score;
}
