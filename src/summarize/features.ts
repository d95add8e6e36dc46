import { isCreditLine } from '../articles/clean.js';
import { findQuantities } from '../nlp/quantities.js';
import { terms, words } from '../nlp/tokens.js';

/**
 * What a sentence's score is made of. Every feature is a property of the sentence
 * within its article (where it stands, how long it is, how much of the article's
 * recurring vocabulary it carries, whether it reads on its own), never a word of a
 * particular story, so weights fitted on one corpus carry over to others.
 */
export const FEATURES = [
  /** The first sentence: the lede. */
  'first',
  'second',
  /** 1 / (1 + index): the pull of the lead, fading. */
  'lead',
  /** Index / (sentences − 1): 0 at the top, 1 at the end. */
  'relative',
  /**
   * ln(1 + sentences) / 4: in a long article each sentence is less likely to be picked. The same
   * for every sentence of an article, so it changes no choice; it steadies the other weights' fit.
   */
  'articleLength',
  /** Words / 40 (capped at 80 words), and its square: ROUGE F1 rewards sentences neither stubby nor sprawling. */
  'length',
  'lengthSquared',
  /** Fewer than 8 words / fewer than 14: teasers and fragments ("It was for the best."). */
  'fragment',
  'short',
  /** How much of the vocabulary that recurs through the article the sentence shares (0–1). */
  'centrality',
  /** The share of its content words that occur in another sentence too. */
  'recurring',
  /** Cosine-like overlap of its content words with the lede's (0 for the lede itself). */
  'ledeOverlap',
  /** It states a figure (money, percent, count). */
  'figure',
  'question',
  /** It opens with a quotation mark: a quote rarely says what happened. */
  'quoteStart',
  /** Quotation marks in it (0–4, / 4): how much of it is someone's words. */
  'quoteMarks',
  /** An attribution verb (said, says, told, according to). */
  'attribution',
  /** It opens with a pronoun or connective ("But", "She", "This"): it leans on the sentence before. */
  'dangling',
  /** It ends with a colon or without a sentence end: a lead-in to a list or a cut line. */
  'unfinished',
] as const;

export type Feature = (typeof FEATURES)[number];

export interface SentenceFeatures {
  index: number;
  /** One value per FEATURES entry, in that order. */
  values: Float64Array;
  /** The share of the headline's content words that the sentence has (0 without a headline). */
  titleOverlap: number;
  /** A byline, credit, lone dateline or photo credit: never a summary sentence. */
  credit: boolean;
}

// Closed-class words only: what makes a sentence lean on the one before, in any story.
const DANGLING = /^(?:but|and|so|or|yet|he|she|it|they|this|that|these|those|however|his|her|their|its|there|then|also|instead|meanwhile)\b/u;
const ATTRIBUTION = /\b(?:said|says|told|according)\b/u;
// `` and '' are the tokenized release's quotation marks; a lone ' between spaces is one too.
const QUOTE_MARKS = /``|''|["“”‘]|(?:^|\s)'(?=\s|$)/gu;
const QUOTE_START = /^(?:``|["“‘'])/u;
const QUESTION = /\?\s*(?:''|["”’])?$/u;
const UNFINISHED = /[:;]\s*$/u;
const ENDED = /[.!?'"”’)]\s*$/u;

export function sentenceFeatures(sentences: string[], options: { title?: string; language?: string } = {}): SentenceFeatures[] {
  const n = sentences.length;
  const docTerms = sentences.map((s) => terms(s));
  const freq = new Map<string, number>();
  for (const ts of docTerms) for (const t of new Set(ts)) freq.set(t, (freq.get(t) ?? 0) + 1);
  const titleTerms = new Set(options.title ? terms(options.title) : []);
  const lede = new Set(docTerms[0] ?? []);
  return sentences.map((s, i) => {
    const unique = [...new Set(docTerms[i])];
    const w = Math.min(words(s).length, 80) / 40;
    const lower = s.toLowerCase();
    const shared = (set: Set<string>) => unique.filter((t) => set.has(t)).length;
    const value: Record<Feature, number> = {
      first: i === 0 ? 1 : 0,
      second: i === 1 ? 1 : 0,
      lead: 1 / (1 + i),
      relative: n > 1 ? i / (n - 1) : 0,
      articleLength: Math.log(1 + n) / 4,
      length: w,
      lengthSquared: w * w,
      fragment: w < 8 / 40 ? 1 : 0,
      short: w < 14 / 40 ? 1 : 0,
      centrality: unique.length ? Math.min(unique.reduce((a, t) => a + Math.min(freq.get(t)! - 1, 3), 0) / (9 * Math.sqrt(unique.length)), 1) : 0,
      recurring: unique.length ? unique.filter((t) => freq.get(t)! > 1).length / unique.length : 0,
      ledeOverlap: i === 0 || !unique.length ? 0 : shared(lede) / Math.sqrt(unique.length * Math.max(lede.size, 1)),
      figure: findQuantities(s, options.language).length > 0 ? 1 : 0,
      question: QUESTION.test(s) ? 1 : 0,
      quoteStart: QUOTE_START.test(s) ? 1 : 0,
      quoteMarks: Math.min((s.match(QUOTE_MARKS) ?? []).length, 4) / 4,
      attribution: ATTRIBUTION.test(lower) ? 1 : 0,
      dangling: DANGLING.test(lower) ? 1 : 0,
      unfinished: UNFINISHED.test(s) || !ENDED.test(s) ? 1 : 0,
    };
    return {
      index: i,
      values: Float64Array.from(FEATURES, (f) => value[f]),
      titleOverlap: titleTerms.size ? shared(titleTerms) / titleTerms.size : 0,
      credit: isCreditLine(s),
    };
  });
}
