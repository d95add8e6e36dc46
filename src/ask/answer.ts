import type { Store, SentenceRow } from '../store/store.js';
import { STOPWORDS, stem, words as wordsOf } from '../nlp/tokens.js';
import { Kind, answerSpans, numbersOutsideDates, questionKind } from '../nlp/kinds.js';
import { findQuantities, measureOf } from '../nlp/quantities.js';
import { isCompound, narrowedOtherwise } from '../nlp/compounds.js';
import { LruCache } from '../lru.js';

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
  /** Feature weights (default: the shipped WEIGHTS); the evaluation passes weights fitted on other folds. */
  weights?: Weights;
  /**
   * The story the conversation was last answered from. A follow-up whose words all occur
   * in it ("what did they sign?", "how much?", "when?") is answered from it first; a
   * question naming anything it does not hold starts afresh.
   */
  context?: number;
  /** Receives every sentence read in step 2 with its feature vector (FEATURES order): the evaluation fits weights on these. */
  trace?: (rows: TracedSentence[]) => void;
}

export interface TracedSentence {
  sentence: string;
  features: Float64Array;
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
const ARTICLES_READ = 10;
/** Below this share of the question's weight, found in or around the best sentence, there is no answer. */
const MIN_CONFIDENCE = 0.1;
/** Above this share of the question's weight in words the store has never seen, the store does not know the subject. */
const MAX_UNKNOWN = 0.6;
/** How fast the pull of recent stories fades. */
const RECENCY_DAYS = 10;
/** Questions that say they are about now ("this week", "recently"). */
const NOW_CUE =
  /\b(?:this|last|past|next) (?:week|weekend|month|year|summer|winter|spring|fall|autumn|season)\b|\brecent(?:ly)?\b|\b(?:today|yesterday|tonight|currently|latest|now|just|new|newly|upcoming|ongoing|so far)\b|\bon (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b/i;

/**
 * What a sentence is scored on. Shares of question weight are idf-weighted and divided
 * by the weight of the question's known words.
 */
export const FEATURES = [
  'own', // share of the question held by the sentence
  'asWritten', // share held with the question's own word forms ("trade", not "trading")
  'near', // share in question word pairs standing together as in the question ("Super Bowl")
  'fresh', // holds a span of the wanted kind that the question lacks (a name, a number, a date)
  'stale', // a kind is wanted and the sentence has no new span of it
  'amount', // a figure is wanted and the sentence states one
  'figureAbout', // ...and the figure measures something the question names
  'long', // words past 35 (long sentences hold question words by chance)
  'headline', // share not in the sentence but in its article's headline
  'next', // ...in the sentence just before (what "it" and "he" refer to)
  'after', // ...in the sentence just after
  'near2', // ...two sentences away
  'far', // ...anywhere else in the article
  'spread', // share held by the article's candidate sentences together
  'recency', // exp(-days from the asking / RECENCY_DAYS)
  'recencyNow', // the same, when the question says it is about now
  'recent', // 1 / (1 + days / 30): a slow pull, the newer of two equal stories
  'early', // 1 / (1 + index): news says the main thing first
  'isHeadline', // the headline itself, which rarely answers
] as const;
export type Feature = (typeof FEATURES)[number];
type Features = Record<Feature, number>;
export type Weights = Features;

/**
 * Feature weights, as printed by `npm run eval -- ask --squad … --realtimeqa …`: a listwise
 * (softmax) fit on the SQuAD and RealTimeQA development questions together, pulled towards a
 * hand-set prior with the penalty strength the grouped cross-validation chose (eval/ask-cv.ts).
 * The same procedure, fitted fold by fold, gives the cross-validated figures in docs/quality-answers.md.
 */
export const WEIGHTS: Weights = {
  own: 1,
  asWritten: 0.087,
  near: 0.024,
  fresh: 0.066,
  stale: -0.015,
  amount: 0.057,
  figureAbout: 0.06,
  long: -0.00058,
  headline: 0.93,
  next: 0.83,
  after: 0.53,
  near2: 0.73,
  far: 0.47,
  spread: -0.3,
  early: 0.097,
  isHeadline: 0.0099,
  // Set by hand, not fitted: fitted, recency outweighs the question's words, which a briefing bot asked about last month's news must not do.
  recency: 0.2,
  recencyNow: 0.3,
  recent: 0.03,
};

function dot(f: Partial<Features>, w: Weights): number {
  let s = 0;
  for (const k in f) s += w[k as Feature] * f[k as Feature]!;
  return s;
}

const AT = Object.fromEntries(FEATURES.map((f, i) => [f, i])) as Record<Feature, number>;

/** A sentence with what scoring needs of it, computed once. */
interface Scored {
  row: SentenceRow;
  stems: Set<string>;
  features: Partial<Features>;
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
 * that says "Myanmar" can win over the one that repeats the question's clues, and for
 * being from the days the question is asked in. No answer when the question's words
 * are mostly unknown to the store or barely found around the best sentence.
 */
export async function ask(store: Store, question: string, options: AskOptions = {}): Promise<AskResult> {
  const empty: AskResult = { question, answer: null, alternatives: [] };
  const W = options.weights ?? WEIGHTS;
  const traced: TracedSentence[] | undefined = options.trace ? [] : undefined;
  const wanted = questionKind(question);
  const asked = wordsOf(question).flatMap((w) => w.split(/['’-]/));
  const qWords = [...new Set(asked)].filter((w) => w.length > 0 && !STOPWORDS.has(w) && !FILLER.has(w) && !(wanted && INTENT_WORDS.has(w)) && !WH.test(w));
  if (options.context !== undefined) {
    const followUp = await answerFromStory(store, options.context, question, qWords, wanted, options.alternatives ?? 2);
    if (followUp) return followUp;
  }
  if (qWords.length === 0) return empty;
  const [sentenceCount, df] = await Promise.all([store.articles.totalSentences(), store.articles.termFrequencies(qWords)]);
  const total = Math.max(sentenceCount, 1);
  const terms: Term[] = qWords
    .map((w, at) => ({ word: w, stem: stem(w), idf: idf(total, df.get(w) ?? 0), at }))
    .filter((t) => (df.get(t.word) ?? 0) > 0);
  // A word the store has never seen weighs as the rarest word can, unless it only narrows the
  // known word after it in a noun compound ("interest rate"): a story about the "benchmark rate" may answer.
  const modifiers = new Set(asked.filter((w, i) => !df.get(w) && i + 1 < asked.length && (df.get(asked[i + 1]) ?? 0) > 0 && isCompound(w, asked[i + 1])));
  const unknownMass = qWords.filter((w) => !df.get(w) && !modifiers.has(w)).length * idf(total, 0.5);
  const knownMass = terms.reduce((a, t) => a + t.idf, 0);
  const mass = knownMass + unknownMass;
  if (terms.length === 0 || unknownMass / mass > MAX_UNKNOWN) return empty;
  const retrievalTerms = [...terms].sort((a, b) => b.idf - a.idf).slice(0, RETRIEVAL_TERMS);
  const candidates = await store.articles.searchSentences(retrievalTerms.map((t) => t.word), CANDIDATES);
  if (candidates.length === 0) return empty;

  const questionStems = new Set(asked.map(stem));
  // Head word → the unknown modifier that narrows it in the question ("rate" → "interest").
  const heads = new Map(asked.flatMap((w, i) => (modifiers.has(w) ? [[asked[i + 1], w] as const] : [])));
  const judge = (row: SentenceRow): Scored => {
    const features = sentenceFeatures(row, terms, knownMass, wanted, questionStems, heads);
    return { row, stems: features.stems, features: features.features, score: dot(features.features, W) };
  };

  // Step 1: sentences by themselves; articles by their best sentence and by how much of the question their candidates hold together.
  const byArticle = new Map<number, Scored[]>();
  for (const c of candidates) {
    const s = judge(c);
    const list = byArticle.get(c.articleId);
    if (list) list.push(s);
    else byArticle.set(c.articleId, [s]);
  }
  const articleRank = [...byArticle.entries()]
    .map(([id, list]) => {
      const union = new Set(list.flatMap((s) => [...s.stems]));
      const spread = share(terms, union, knownMass);
      return { id, spread, rank: Math.max(...list.map((s) => s.score)) + W.spread * spread };
    })
    .sort((a, b) => b.rank - a.rank)
    .slice(0, ARTICLES_READ);

  // Step 2: the best articles read whole; every sentence scored with its context.
  const now = options.now ?? new Date();
  const aboutNow = NOW_CUE.test(question);
  const answers: (Answer & { confidence: number })[] = [];
  // Read in one go (one round trip on a networked store), scored in rank order as before.
  const read = await store.articles.readArticles(articleRank.map((a) => a.id));
  for (const { id, spread } of articleRank) {
    const { article, sentences: rows } = read.get(id) ?? {};
    if (!article || !rows) continue;
    const citation: Citation = { id: article.id, title: article.title, source: article.source, url: article.url, publishedAt: article.publishedAt };
    const sentences = rows.map(judge);
    // A story dated after the asking is as far from it as one before.
    const ageDays = Math.abs(now.getTime() - Date.parse(article.publishedAt)) / 86_400_000;
    const timely = Math.exp(-ageDays / RECENCY_DAYS);
    const inArticle = new Set(terms.filter((t) => sentences.some((o) => o.stems.has(t.stem))).map((t) => t.stem));
    for (const s of sentences) {
      const i = s.row.index;
      const ctx = { headline: 0, next: 0, after: 0, near2: 0, far: 0 };
      let found = 0;
      for (const t of terms) {
        if (s.stems.has(t.stem)) {
          found += t.idf;
          continue;
        }
        // Headline and neighbours name what a sentence refers to ("it", "the visit"); the rest of the story less so.
        const inHeadline = i !== 0 && sentences[0]?.stems.has(t.stem);
        const inPrev = sentences[i - 1]?.stems.has(t.stem);
        const inAfter = sentences[i + 1]?.stems.has(t.stem);
        const inNext = inPrev || inAfter;
        const inNear2 = sentences[i - 2]?.stems.has(t.stem) || sentences[i + 2]?.stems.has(t.stem);
        const anywhere = inArticle.has(t.stem);
        // Each word counts once, where it is closest.
        if (inHeadline) ctx.headline += t.idf;
        else if (inPrev) ctx.next += t.idf;
        else if (inAfter) ctx.after += t.idf;
        else if (inNear2) ctx.near2 += t.idf;
        else if (anywhere) ctx.far += t.idf;
        if (anywhere) found += 0.5 * t.idf;
      }
      const v = new Float64Array(FEATURES.length);
      for (const k in s.features) v[AT[k as Feature]] = s.features[k as Feature]!;
      v[AT.headline] = ctx.headline / knownMass;
      v[AT.next] = ctx.next / knownMass;
      v[AT.after] = ctx.after / knownMass;
      v[AT.near2] = ctx.near2 / knownMass;
      v[AT.far] = ctx.far / knownMass;
      v[AT.spread] = spread;
      v[AT.recency] = timely;
      v[AT.recencyNow] = aboutNow ? timely : 0;
      v[AT.recent] = 1 / (1 + ageDays / 30);
      v[AT.early] = 1 / (1 + i);
      v[AT.isHeadline] = i === 0 ? 1 : 0;
      let score = 0;
      for (let k = 0; k < FEATURES.length; k++) score += W[FEATURES[k]] * v[k];
      traced?.push({ sentence: s.row.text, features: v });
      answers.push({ sentence: s.row.text, article: citation, score, confidence: found / mass });
    }
  }
  if (traced) options.trace!(traced);
  const ranked = answers.sort((a, b) => b.score - a.score);
  const best = ranked[0];
  if (!best || best.confidence < MIN_CONFIDENCE) return empty;
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

/**
 * A follow-up answered from the story just discussed, or undefined when the question
 * names something the story does not hold (a new subject) or the story has nothing of
 * the kind asked for. Sentences score on the question's weight they and the sentence
 * before hold, on holding a new span of the wanted kind, and on coming early.
 */
async function answerFromStory(store: Store, articleId: number, question: string, qWords: string[], wanted: number, alternatives: number): Promise<AskResult | undefined> {
  const [article, rows] = await Promise.all([store.articles.get(articleId), store.articles.sentences(articleId)]);
  if (!article) return undefined;
  const stems = rows.map((r) => analyse(r.text).stemSet);
  const inStory = (st: string) => stems.some((set) => set.has(st));
  if (!qWords.every((w) => inStory(stem(w)))) return undefined;
  if (qWords.length === 0 && !wanted) return undefined;
  const [sentenceCount, df] = await Promise.all([store.articles.totalSentences(), store.articles.termFrequencies(qWords)]);
  const total = Math.max(sentenceCount, 1);
  const terms = qWords.map((w) => ({ stem: stem(w), idf: idf(total, df.get(w) ?? 0) }));
  const mass = terms.reduce((a, t) => a + t.idf, 0) || 1;
  const questionStems = new Set(wordsOf(question).map(stem));
  const scored = rows.map((row, i) => {
    const held = terms.reduce((a, t) => a + (stems[i].has(t.stem) ? t.idf : 0), 0) / mass;
    const before = i > 1 ? terms.reduce((a, t) => a + (!stems[i].has(t.stem) && stems[i - 1].has(t.stem) ? t.idf : 0), 0) / mass : 0;
    // "How much?" wants a quantity, not a date's day; money, shares and counts with a scale come first.
    const numeric = (wanted & (Kind.AMOUNT | Kind.NUMBER)) !== 0;
    const quantity = (row.kinds & Kind.AMOUNT) !== 0;
    const kindOk = !numeric || quantity || numbersOutsideDates(row.text).length > 0;
    const fresh = wanted ? kindOk && spanStems(row.text, analyse(row.text), wanted).some((span) => span.some((st) => !questionStems.has(st))) : false;
    const score = held + 0.5 * before + (fresh ? 0.3 : wanted ? -0.3 : 0) + (numeric && quantity ? 0.2 : 0) + WEIGHTS.early / (1 + i) + (i === 0 ? WEIGHTS.isHeadline : 0);
    return { row, score, held, fresh };
  });
  // A bare "how much?" needs a sentence with a figure; a question with words needs a sentence holding some.
  const usable = scored.filter((s) => (terms.length > 0 ? s.held > 0 : s.fresh)).sort((a, b) => b.score - a.score);
  if (usable.length === 0) return undefined;
  const citation: Citation = { id: article.id, title: article.title, source: article.source, url: article.url, publishedAt: article.publishedAt };
  const [best, ...rest] = usable.map((s) => ({ sentence: s.row.text, article: citation, score: s.score }));
  return { question, answer: round(best), alternatives: rest.slice(0, alternatives).map(round) };
}

function idf(total: number, df: number): number {
  return Math.log(1 + (total - df + 0.5) / (df + 0.5));
}

function share(terms: Term[], stems: Set<string>, knownMass: number): number {
  return terms.reduce((a, t) => a + (stems.has(t.stem) ? t.idf : 0), 0) / knownMass;
}

/** What scoring needs of a sentence's text whatever the question; the answerer reads the same articles for many questions. */
interface Analysis {
  tokens: string[];
  stems: string[];
  stemSet: Set<string>;
  surface: Set<string>;
  /** Per wanted kind: the stems of each answer span's non-stopwords. */
  spans: Map<number, string[][]>;
  /** Stems of what each figure measures (undefined for a figure without a measure). */
  measures?: (Set<string> | undefined)[];
}

/**
 * Each worker thread holds its own: about 2.7 KB of heap per sentence of 120 characters
 * (tokens, stems and their sets, measured), so ~22 bytes a character. 8 MB keeps ~3,000
 * sentences, the last several questions' candidates and articles: what the next question
 * about the same story reads again. (A count of 20,000 held ~55 MB per worker and saved
 * no measurable CPU over this in `npm run bench -- --only burst`.)
 */
const ANALYSIS_CACHE_BYTES = 8 * 2 ** 20;
const INNER_MARKS = /['’-]/;
const analysisCache = new LruCache<string, Analysis>(ANALYSIS_CACHE_BYTES, (text) => 200 + 22 * text.length);
function analyse(text: string): Analysis {
  let a = analysisCache.get(text);
  if (a === undefined) {
    // As wordsOf(text).flatMap((w) => w.split(/['’-]/)), without an array per word: a third less CPU per sentence.
    const tokens: string[] = [];
    for (const w of wordsOf(text)) {
      if (w.indexOf("'") < 0 && w.indexOf('’') < 0 && w.indexOf('-') < 0) tokens.push(w);
      else for (const part of w.split(INNER_MARKS)) tokens.push(part);
    }
    const stems = new Array<string>(tokens.length);
    for (let i = 0; i < tokens.length; i++) stems[i] = stem(tokens[i]);
    a = { tokens, stems, stemSet: new Set(stems), surface: new Set(tokens), spans: new Map() };
    analysisCache.set(text, a);
  }
  return a;
}

function spanStems(text: string, a: Analysis, wanted: number): string[][] {
  let spans = a.spans.get(wanted);
  if (spans === undefined) {
    spans = answerSpans(text, wanted).map((span) => wordsOf(span).filter((w) => !STOPWORDS.has(w)).map(stem));
    a.spans.set(wanted, spans);
  }
  return spans;
}

/** What a sentence offers by itself: question weight held, phrase proximity, answer kind, length. */
function sentenceFeatures(
  row: SentenceRow,
  terms: Term[],
  knownMass: number,
  wanted: number,
  questionStems: Set<string>,
  heads: ReadonlyMap<string, string>,
): { stems: Set<string>; features: Partial<Features> } {
  const a = analyse(row.text);
  const { tokens, stems, stemSet, surface } = a;
  let own = 0;
  let asWritten = 0;
  for (const t of terms) {
    if (!stemSet.has(t.stem)) continue;
    const modifier = heads.get(t.word);
    if (modifier !== undefined && narrowedOtherwise(tokens, t.word, modifier)) continue;
    own += t.idf;
    if (surface.has(t.word)) asWritten += t.idf;
  }
  let near = 0;
  const found = terms.filter((t) => stemSet.has(t.stem));
  for (let k = 1; k < found.length; k++) {
    const a = found[k - 1];
    const b = found[k];
    if (b.at - a.at === 1 && adjacent(stems, a.stem, b.stem)) near += Math.min(a.idf, b.idf);
  }
  const features: Partial<Features> = { own: own / knownMass, asWritten: asWritten / knownMass, near: near / knownMass, long: Math.max(0, tokens.length - 35) };
  if (wanted) {
    const fresh = spanStems(row.text, a, wanted).some((span) => span.some((s) => !questionStems.has(s)));
    features.fresh = fresh ? 1 : 0;
    features.stale = fresh ? 0 : 1;
    if (wanted & Kind.AMOUNT && row.kinds & Kind.AMOUNT) {
      features.amount = 1;
      features.figureAbout = figureAbout(row.text, a, terms);
    }
  }
  return { stems: stemSet, features };
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
function figureAbout(sentence: string, a: Analysis, terms: Term[]): number {
  a.measures ??= findQuantities(sentence).map((q) => {
    const measure = measureOf(sentence, q);
    return measure ? new Set(wordsOf(measure).map(stem)) : undefined;
  });
  for (const m of a.measures) if (m && terms.some((t) => m.has(t.stem))) return 1;
  return 0;
}

function round(a: Answer): Answer {
  return { sentence: a.sentence, article: a.article, score: Math.round(a.score * 1000) / 1000 };
}

/** Alias used by the evaluation: the same code path as `briefbot ask`. */
export const answerQuestion = ask;
