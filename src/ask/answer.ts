import type { Store, SentenceRow } from '../store/store.js';
import { STOPWORDS, stem, words as wordsOf } from '../nlp/tokens.js';
import { Kind, answerSpans, questionKind } from '../nlp/kinds.js';
import { findQuantities, measureOf } from '../nlp/quantities.js';

export interface Citation {
  id: number;
  title: string;
  source: string;
  url?: string;
  publishedAt: string;
}

export interface Answer {
  sentence: string;
  article: Citation;
  score: number;
}

export interface AskResult {
  question: string;
  answer: Answer | null;
  alternatives: Answer[];
}

export interface AskOptions {
  now?: Date;
  /** How many alternatives to return beside the answer (default 2). */
  alternatives?: number;
}

/** Words of address and politeness in a DM ("hey, could you tell me…"). */
const FILLER = new Set('hey hi hello please thanks thank bot briefbot know tell show give find can could would like want wondering anyone quick question'.split(' '));

/** Words that say what kind of answer is wanted rather than what it is about. */
const INTENT_WORDS = new Set(
  'figure figures amount amounts number numbers total value stat stats statistic statistics percentage percent date day time year month name person people place location reason happen happened much many long far old big large kind type sort'.split(' '),
);

const WH = /^(?:what|which|who|whom|whose|when|where|why|how)$/;

interface Term {
  word: string;
  stem: string;
  idf: number;
  /** Position among the question's words, for phrase proximity. */
  at: number;
}

/** Sentences fetched by the index; ranking is ours. */
const CANDIDATES = 120;
/** Words sent to the index: the rarest, which find the story; common words only refine. */
const RETRIEVAL_TERMS = 8;
/** Articles whose every sentence is read, for context and for answers that share few words with the question. */
const ARTICLES_READ = 5;
/** Below this share of the question's weight, found in or around the best sentence, there is no answer. */
const MIN_CONFIDENCE = 0.12;
/** Above this share of the question's weight in words the store has never seen, the store does not know the subject. */
const MAX_UNKNOWN = 0.5;

/** A sentence with what scoring needs of it, computed once. */
interface Scored {
  row: SentenceRow;
  stems: Set<string>;
  /** Share of the known question weight found in the sentence itself. */
  own: number;
  score: number;
}

/**
 * Finds the stored sentence that answers a question, verbatim, with its article.
 * Retrieval asks the index only for the question's rarer words; ranking happens in
 * two steps. First every candidate sentence is scored by itself: how much of the
 * question's weight it holds, how closely its question words stand together, and
 * whether it holds a new span of the kind of answer asked for (a name the question
 * does not already give). Then the few best articles are read whole: a sentence there
 * also scores for question words its headline and neighbours hold, so the sentence
 * that says "Myanmar" can win over the one that repeats the question's clues. No
 * answer when the question's distinctive words are absent from the store.
 */
export function ask(store: Store, question: string, options: AskOptions = {}): AskResult {
  const empty: AskResult = { question, answer: null, alternatives: [] };
  const wanted = questionKind(question);
  const asked = wordsOf(question).flatMap((w) => w.split(/['’-]/));
  const qWords = [...new Set(asked)].filter((w) => w.length > 0 && !STOPWORDS.has(w) && !FILLER.has(w) && !(wanted && INTENT_WORDS.has(w)) && !WH.test(w));
  if (qWords.length === 0) return empty;
  const total = Math.max(store.articles.totalSentences(), 1);
  const df = store.articles.termFrequencies(qWords);
  const terms: Term[] = qWords
    .map((w, at) => ({ word: w, stem: stem(w), idf: idf(total, df.get(w) ?? 0), at }))
    .filter((t) => (df.get(t.word) ?? 0) > 0);
  if (terms.length === 0) return empty;
  // A word the store has never seen weighs as the rarest word can.
  const unknownMass = qWords.filter((w) => !df.get(w)).length * idf(total, 0.5);
  const knownMass = terms.reduce((a, t) => a + t.idf, 0);
  const retrievalTerms = [...terms].sort((a, b) => b.idf - a.idf).slice(0, RETRIEVAL_TERMS);
  const candidates = store.articles.searchSentences(retrievalTerms.map((t) => t.word), CANDIDATES);
  if (candidates.length === 0) return empty;

  const questionStems = new Set(asked.map(stem));
  const judge = (row: SentenceRow): Scored => sentenceScore(row, terms, knownMass, wanted, questionStems);

  // Step 1: sentences by themselves; articles by their best sentence and by how much more of the question their other candidates add.
  const byArticle = new Map<number, Scored[]>();
  for (const c of candidates) {
    const s = judge(c);
    const list = byArticle.get(c.articleId);
    if (list) list.push(s);
    else byArticle.set(c.articleId, [s]);
  }
  const articleRank = [...byArticle.entries()]
    .map(([id, list]) => {
      const best = Math.max(...list.map((s) => s.score));
      const union = new Set(list.flatMap((s) => [...s.stems]));
      const spread = terms.reduce((a, t) => a + (union.has(t.stem) ? t.idf : 0), 0) / knownMass;
      return { id, rank: best + 0.3 * spread };
    })
    .sort((a, b) => b.rank - a.rank)
    .slice(0, ARTICLES_READ);

  // Step 2: the best articles read whole; every sentence scored with its context.
  const now = options.now ?? new Date();
  const mass = knownMass + unknownMass;
  const answers: (Answer & { confidence: number })[] = [];
  for (const { id } of articleRank) {
    const article = store.articles.get(id);
    if (!article) continue;
    const citation: Citation = { id: article.id, title: article.title, source: article.source, url: article.url, publishedAt: article.publishedAt };
    const sentences = store.articles.sentences(id).map(judge);
    const ageDays = Math.max(0, (now.getTime() - Date.parse(article.publishedAt)) / 86_400_000);
    const recency = 0.03 / (1 + ageDays / 30);
    for (const s of sentences) {
      const i = s.row.index;
      let context = 0;
      let found = 0;
      for (const t of terms) {
        if (s.stems.has(t.stem)) {
          found += t.idf;
          continue;
        }
        // Headline and neighbours name what a sentence refers to ("it", "the visit"); the rest of the story less so.
        let w = 0;
        if (i !== 0 && sentences[0]?.stems.has(t.stem)) w = 0.5;
        for (let d = 1; d <= 2 && w < 0.5; d++) {
          if (sentences[i - d]?.stems.has(t.stem) || sentences[i + d]?.stems.has(t.stem)) w = Math.max(w, d === 1 ? 0.45 : 0.3);
        }
        if (w === 0 && sentences.some((o) => o.stems.has(t.stem))) w = 0.15;
        context += w * t.idf;
        found += w * t.idf;
      }
      let score = s.score + context / knownMass + recency + 0.01 / (1 + i);
      if (i === 0 && !(s.row.kinds & wanted)) score -= 0.05; // a headline rarely answers
      answers.push({ sentence: s.row.text, article: citation, score, confidence: found / mass });
    }
  }
  const ranked = answers.sort((a, b) => b.score - a.score);
  const best = ranked[0];
  if (!best || best.confidence < MIN_CONFIDENCE || unknownMass / mass > MAX_UNKNOWN) return empty;
  const seen = new Set([best.sentence]);
  const alternatives: Answer[] = [];
  for (const a of ranked.slice(1)) {
    if (alternatives.length >= (options.alternatives ?? 2) || a.confidence < MIN_CONFIDENCE) break;
    if (seen.has(a.sentence)) continue;
    seen.add(a.sentence);
    alternatives.push(round(a));
  }
  return { question, answer: round(best), alternatives };
}

function idf(total: number, df: number): number {
  return Math.log(1 + (total - df + 0.5) / (df + 0.5));
}

/** A sentence's score on its own: question weight held, phrase proximity, answer kind, length. */
function sentenceScore(row: SentenceRow, terms: Term[], knownMass: number, wanted: number, questionStems: Set<string>): Scored {
  const tokens = wordsOf(row.text).flatMap((w) => w.split(/['’-]/));
  const stems = tokens.map(stem);
  const stemSet = new Set(stems);
  const surface = new Set(tokens);
  let own = 0;
  let asWritten = 0;
  for (const t of terms) {
    if (!stemSet.has(t.stem)) continue;
    own += t.idf;
    if (surface.has(t.word)) asWritten += t.idf;
  }
  own /= knownMass;
  // Question words standing together in the sentence as in the question ("trade figure", "Super Bowl").
  let near = 0;
  const found = terms.filter((t) => stemSet.has(t.stem));
  for (let k = 1; k < found.length; k++) {
    const a = found[k - 1];
    const b = found[k];
    if (b.at - a.at !== 1) continue;
    if (adjacent(stems, a.stem, b.stem)) near += Math.min(a.idf, b.idf);
  }
  let score = own + (0.1 * asWritten) / knownMass + (0.25 * near) / knownMass;
  if (wanted) {
    const fresh = answerSpans(row.text, wanted).some((span) => wordsOf(span).some((w) => !questionStems.has(stem(w))));
    score += fresh ? 0.2 : -0.15;
    if (wanted & Kind.AMOUNT && row.kinds & Kind.AMOUNT) score += 0.1 + 0.15 * figureAbout(row.text, terms);
  }
  // Long sentences hold question words by chance.
  if (tokens.length > 35) score -= 0.003 * (tokens.length - 35);
  return { row, stems: stemSet, own, score };
}

/** True when the two stems occur within two words of each other. */
function adjacent(stems: string[], a: string, b: string): boolean {
  for (let i = 0; i < stems.length; i++) {
    if (stems[i] !== a) continue;
    for (let j = Math.max(0, i - 2); j <= Math.min(stems.length - 1, i + 2); j++) if (j !== i && stems[j] === b) return true;
  }
  return false;
}

/** 1 when a figure in the sentence measures something the question names ("Bilateral trade reached 5.7 billion"). */
function figureAbout(sentence: string, terms: Term[]): number {
  for (const q of findQuantities(sentence)) {
    const measure = measureOf(sentence, q);
    if (measure && terms.some((t) => new Set(wordsOf(measure).map(stem)).has(t.stem))) return 1;
  }
  return 0;
}

function round(a: Answer): Answer {
  return { sentence: a.sentence, article: a.article, score: Math.round(a.score * 1000) / 1000 };
}

/** Alias used by the evaluation: the same code path as `briefbot ask`. */
export const answerQuestion = ask;
