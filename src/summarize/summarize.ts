import { splitSentences } from '../nlp/sentences.js';
import { isCreditLine } from '../articles/clean.js';
import { terms, words } from '../nlp/tokens.js';
import { findQuantities, measureOf } from '../nlp/quantities.js';
import type { KeyFigure, Summary } from './summary.js';

/** The weights of a sentence's score; the shipped ones are chosen by grouped cross-validation (`npm run eval -- summarize`). */
export interface SummaryWeights {
  /** How fast the pull of the lead fades: sentence i scores 1 / (1 + decay·i). */
  decay: number;
  /** Weight of sharing the words that recur through the article. */
  centrality: number;
  /**
   * Sentences shorter than `short` words lose up to `shortPenalty`, growing faster as
   * they shrink: short lead sentences are teasers and fragments ("It was for the
   * best."), and a summary of three of them says little.
   */
  short: number;
  shortPenalty: number;
}

export const SUMMARY_WEIGHTS: SummaryWeights = { decay: 0.2, centrality: 0.35, short: 18, shortPenalty: 1 };

export interface SummarizeOptions {
  /** How many sentences (default 3; briefs use the first). */
  sentences?: number;
  title?: string;
  /** How many key figures at most (default 3). */
  figures?: number;
  /** The article's language (ISO 639-1): how its figures' separators read ("0,68%" in Portuguese). */
  language?: string;
  weights?: SummaryWeights;
}

/** What a sentence's score is made of, computed once per article (the evaluation scores many weightings from it). */
export interface SentenceFeatures {
  index: number;
  words: number;
  centrality: number;
  titleOverlap: number;
  figure: boolean;
  question: boolean;
  quote: boolean;
  /** A byline, credit, lone dateline or photo credit: never a summary sentence. */
  credit: boolean;
}

export function sentenceFeatures(sentences: string[], options: Pick<SummarizeOptions, 'title' | 'language'> = {}): SentenceFeatures[] {
  const docTerms = sentences.map((s) => terms(s));
  const freq = new Map<string, number>();
  for (const ts of docTerms) for (const t of new Set(ts)) freq.set(t, (freq.get(t) ?? 0) + 1);
  const titleTerms = new Set(options.title ? terms(options.title) : []);
  return sentences.map((s, i) => {
    const unique = new Set(docTerms[i]);
    return {
      index: i,
      // Words, not tokens: a tokenized text's punctuation is no content.
      words: words(s).length,
      centrality: Math.min(unique.size ? [...unique].reduce((a, t) => a + Math.min(freq.get(t)! - 1, 3), 0) / (3 * Math.sqrt(unique.size) * 3) : 0, 1),
      titleOverlap: titleTerms.size ? [...unique].filter((t) => titleTerms.has(t)).length / titleTerms.size : 0,
      figure: findQuantities(s, options.language).length > 0,
      question: /\?$/.test(s),
      quote: /^["“‘']/.test(s),
      credit: isCreditLine(s),
    };
  });
}

export function scoreSentence(f: SentenceFeatures, w: SummaryWeights): number {
  let score = 1 / (1 + w.decay * f.index) + w.centrality * f.centrality + 0.3 * f.titleOverlap;
  if (f.figure) score += 0.08;
  if (f.words < 6) score -= 0.6;
  else if (f.words < w.short) score -= w.shortPenalty * ((w.short - f.words) / w.short) ** 1.5;
  if (f.words > 60) score -= 0.2;
  if (f.question) score -= 0.3;
  if (f.quote) score -= 0.15;
  return score;
}

/** The indices of the n best sentences, in article order; bylines and credits never. */
export function pickSentences(features: SentenceFeatures[], n: number, w: SummaryWeights): number[] {
  return features
    .filter((f) => !f.credit)
    .map((f) => ({ i: f.index, score: scoreSentence(f, w) }))
    .sort((a, b) => b.score - a.score || a.i - b.i)
    .slice(0, n)
    .map((c) => c.i)
    .sort((a, b) => a - b);
}

/**
 * Extractive summary: the sentences that carry the story, verbatim. News puts the
 * story first, so position weighs most; a sentence also scores for sharing the
 * words that recur through the article and the headline, and for stating a figure.
 * Fragments, questions and quotes score lower: they rarely stand on their own.
 */
export function summarizeSentences(sentences: string[], options: SummarizeOptions = {}): Summary {
  const n = options.sentences ?? 3;
  const picked = pickSentences(sentenceFeatures(sentences, options), n, options.weights ?? SUMMARY_WEIGHTS).map((i) => sentences[i]);
  const figures = keyFigures(picked, sentences, options.figures ?? 3, options.language);
  const weight = Math.log2(2 + sentences.length) + figures.length * 0.5;
  return { sentences: picked, figures, weight };
}

export function summarizeText(text: string, options: SummarizeOptions = {}): Summary {
  return summarizeSentences(splitSentences(text), options);
}

/** Figures from the summary first, then from the rest of the story; only ones whose measure is known count from outside the summary. */
function keyFigures(summary: string[], all: string[], max: number, language?: string): KeyFigure[] {
  const out: KeyFigure[] = [];
  const seen = new Set<string>();
  const consider = (s: string, requireMeasure: boolean) => {
    for (const q of findQuantities(s, language)) {
      if (out.length >= max || seen.has(q.text)) continue;
      const measure = measureOf(s, q);
      if (requireMeasure && !measure) continue;
      seen.add(q.text);
      out.push({ measure, value: q.text, kind: q.kind, sentence: s });
    }
  };
  for (const s of summary) consider(s, false);
  for (const s of all) if (!summary.includes(s)) consider(s, true);
  return out;
}
