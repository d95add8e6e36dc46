import type { Store, SentenceRow } from '../store/store.js';
import { STOPWORDS, stem, words as wordsOf } from '../nlp/tokens.js';
import { Kind, questionKind } from '../nlp/kinds.js';
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

/** Words that say what kind of answer is wanted rather than what it is about. */
/** Words of address and politeness in a DM ("hey, could you tell me…"). */
const FILLER = new Set('hey hi hello please thanks thank bot briefbot know tell show give find can could would like want wondering anyone quick question'.split(' '));

const INTENT_WORDS = new Set(
  'figure figures amount amounts number numbers total value stat stats statistic statistics percentage percent date day time year month name person people place location reason happen happened much many long far old big large kind type sort'.split(' '),
);

interface Term {
  word: string;
  stem: string;
  idf: number;
}

const CANDIDATES = 150;

/**
 * Finds the stored sentence that answers a question, verbatim, with its article.
 * Retrieval asks the index only for the question's rarer words (common words are
 * what make a full-text query slow and unfocused); ranking then weighs how much of
 * the question a sentence and its neighbourhood cover, whether it holds the kind of
 * answer asked for, and how recent it is. No sentence covering enough of the
 * question means no answer, said plainly.
 */
export function ask(store: Store, question: string, options: AskOptions = {}): AskResult {
  const empty: AskResult = { question, answer: null, alternatives: [] };
  const wanted = questionKind(question);
  const qWords = [...new Set(wordsOf(question).flatMap((w) => w.split(/['’-]/)))].filter(
    (w) => w.length > 0 && !STOPWORDS.has(w) && !FILLER.has(w) && !(wanted && INTENT_WORDS.has(w)) && !/^(?:what|which|who|whom|whose|when|where|why|how)$/.test(w),
  );
  if (qWords.length === 0) return empty;
  const total = Math.max(store.articles.totalSentences(), 1);
  const df = store.articles.termFrequencies(qWords);
  const terms: Term[] = qWords
    .filter((w) => (df.get(w) ?? 0) > 0)
    .map((w) => ({ word: w, stem: stem(w), idf: Math.log(1 + (total - df.get(w)! + 0.5) / (df.get(w)! + 0.5)) }));
  const unknownMass = qWords.filter((w) => !df.get(w)).length * Math.log(1 + total);
  if (terms.length === 0) return empty;
  // Rarest first; common words only refine the ranking of what rare words found.
  const retrievalTerms = [...terms].sort((a, b) => b.idf - a.idf).slice(0, 6);
  const candidates = store.articles.searchSentences(retrievalTerms.map((t) => t.word), CANDIDATES);
  if (candidates.length === 0) return empty;

  const mass = terms.reduce((a, t) => a + t.idf, 0) + unknownMass;
  const now = options.now ?? new Date();
  const articleCache = new Map<number, { citation: Citation; sentences: SentenceRow[] } | undefined>();
  const articleOf = (id: number) => {
    if (!articleCache.has(id)) {
      const a = store.articles.get(id);
      articleCache.set(id, a && { citation: { id: a.id, title: a.title, source: a.source, url: a.url, publishedAt: a.publishedAt }, sentences: store.articles.sentences(id) });
    }
    return articleCache.get(id);
  };

  const scored: Answer[] = [];
  for (const c of candidates) {
    const art = articleOf(c.articleId);
    if (!art) continue;
    const own = stemSet(c.text);
    const coverage = terms.reduce((a, t) => a + (own.has(t.stem) ? t.idf : 0), 0) / mass;
    // The headline says what the whole article is about; neighbouring sentences name what this one
    // refers to ("it", "the visit"). Question words found there, not in the sentence, count for less.
    const titleStems = stemSet(art.sentences[0]?.text ?? '');
    const nearStems = stemSet(`${art.sentences[c.index - 1]?.text ?? ''} ${art.sentences[c.index + 1]?.text ?? ''}`);
    const context =
      terms.reduce((a, t) => a + (own.has(t.stem) ? 0 : titleStems.has(t.stem) ? 0.6 * t.idf : nearStems.has(t.stem) ? 0.35 * t.idf : 0), 0) / mass;
    let score = coverage + context;
    // The word as asked ("trade") says more than another word with its stem ("trading").
    const surface = new Set(wordsOf(c.text));
    score += (0.1 * terms.reduce((a, t) => a + (surface.has(t.word) ? t.idf : 0), 0)) / mass;
    if (wanted) score += c.kinds & wanted ? 0.2 : -0.15;
    if (wanted & Kind.AMOUNT && c.kinds & Kind.AMOUNT) score += 0.1 + 0.15 * figureAbout(c.text, terms);
    const ageDays = Math.max(0, (now.getTime() - Date.parse(art.citation.publishedAt)) / 86_400_000);
    score += 0.03 / (1 + ageDays / 30) + 0.01 / (1 + c.index);
    if (c.index === 0 && !(c.kinds & wanted)) score -= 0.05; // a headline rarely answers
    scored.push({ sentence: c.text, article: art.citation, score: coverage < 0.3 && coverage + context < 0.4 ? -1 : score });
  }
  const ranked = scored.filter((a) => a.score > 0.35).sort((a, b) => b.score - a.score);
  if (ranked.length === 0) return empty;
  const [best, ...rest] = ranked;
  const alternatives = rest.filter((a, i, all) => a.sentence !== best.sentence && all.findIndex((b) => b.sentence === a.sentence) === i).slice(0, options.alternatives ?? 2);
  return { question, answer: round(best), alternatives: alternatives.map(round) };
}

/** 1 when a figure in the sentence measures something the question names ("Bilateral trade reached 5.7 billion"). */
function figureAbout(sentence: string, terms: Term[]): number {
  for (const q of findQuantities(sentence)) {
    const measure = measureOf(sentence, q);
    if (measure && terms.some((t) => stemSet(measure).has(t.stem))) return 1;
  }
  return 0;
}

function stemSet(text: string): Set<string> {
  return new Set(wordsOf(text).flatMap((w) => w.split(/['’-]/)).map(stem));
}

function round(a: Answer): Answer {
  return { ...a, score: Math.round(a.score * 1000) / 1000 };
}

/** Alias used by the evaluation: the same code path as `briefbot ask`. */
export const answerQuestion = ask;
