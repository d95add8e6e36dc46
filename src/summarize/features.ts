import { isCreditLine } from '../articles/clean.js';
import { allMatches } from '../nlp/matches.js';
import { findQuantities } from '../nlp/quantities.js';
import { terms, wordCount } from '../nlp/tokens.js';

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

/** Each feature's position in SentenceFeatures.values. */
const AT = Object.fromEntries(FEATURES.map((f, k) => [f, k])) as Record<Feature, number>;

/** How many of the terms `unique` that `set` holds. */
function sharedCount(unique: string[], set: Set<string>): number {
  let n = 0;
  for (const t of unique) if (set.has(t)) n++;
  return n;
}

// Runs for every sentence of every article at ingest: plain loops and no closures made per
// sentence (each fresh closure was optimised anew, on top of its own cost).
export function sentenceFeatures(sentences: string[], options: { title?: string; language?: string } = {}): SentenceFeatures[] {
  const n = sentences.length;
  const uniques: string[][] = new Array(n);
  const freq = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const unique = [...new Set(terms(sentences[i]))];
    uniques[i] = unique;
    for (const t of unique) freq.set(t, (freq.get(t) ?? 0) + 1);
  }
  const titleTerms = new Set(options.title ? terms(options.title) : []);
  const lede = new Set(n > 0 ? uniques[0] : []);
  const articleLength = Math.log(1 + n) / 4;
  const out: SentenceFeatures[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const s = sentences[i];
    const unique = uniques[i];
    const w = Math.min(wordCount(s), 80) / 40;
    const lower = s.toLowerCase();
    let central = 0;
    let recurring = 0;
    for (const t of unique) {
      const f = freq.get(t)!;
      central += Math.min(f - 1, 3);
      if (f > 1) recurring++;
    }
    const v = new Float64Array(FEATURES.length);
    v[AT.first] = i === 0 ? 1 : 0;
    v[AT.second] = i === 1 ? 1 : 0;
    v[AT.lead] = 1 / (1 + i);
    v[AT.relative] = n > 1 ? i / (n - 1) : 0;
    v[AT.articleLength] = articleLength;
    v[AT.length] = w;
    v[AT.lengthSquared] = w * w;
    v[AT.fragment] = w < 8 / 40 ? 1 : 0;
    v[AT.short] = w < 14 / 40 ? 1 : 0;
    v[AT.centrality] = unique.length ? Math.min(central / (9 * Math.sqrt(unique.length)), 1) : 0;
    v[AT.recurring] = unique.length ? recurring / unique.length : 0;
    v[AT.ledeOverlap] = i === 0 || !unique.length ? 0 : sharedCount(unique, lede) / Math.sqrt(unique.length * Math.max(lede.size, 1));
    v[AT.figure] = findQuantities(s, options.language).length > 0 ? 1 : 0;
    v[AT.question] = QUESTION.test(s) ? 1 : 0;
    v[AT.quoteStart] = QUOTE_START.test(s) ? 1 : 0;
    v[AT.quoteMarks] = Math.min(allMatches(QUOTE_MARKS, s).length, 4) / 4;
    v[AT.attribution] = ATTRIBUTION.test(lower) ? 1 : 0;
    v[AT.dangling] = DANGLING.test(lower) ? 1 : 0;
    v[AT.unfinished] = UNFINISHED.test(s) || !ENDED.test(s) ? 1 : 0;
    out[i] = {
      index: i,
      values: v,
      titleOverlap: titleTerms.size ? sharedCount(unique, titleTerms) / titleTerms.size : 0,
      credit: isCreditLine(s),
    };
  }
  return out;
}
