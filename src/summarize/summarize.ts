import { splitSentences } from '../nlp/sentences.js';
import { isCreditLine } from '../articles/clean.js';
import { terms, words } from '../nlp/tokens.js';
import { findQuantities, measureOf } from '../nlp/quantities.js';
import type { KeyFigure, Summary } from './summary.js';

/** How fast the pull of the lead fades: sentence i scores 1 / (1 + DECAY·i). */
const DECAY = 0.2;
/** Weight of sharing the words that recur through the article. */
const CENTRALITY = 0.35;
/**
 * Sentences shorter than SHORT words lose up to SHORT_PENALTY, growing faster as they
 * shrink: short lead sentences are teasers and fragments ("It was for the best."),
 * and a summary of three of them says little.
 */
const SHORT = 18;
const SHORT_PENALTY = 1;

export interface SummarizeOptions {
  /** How many sentences (default 3; briefs use the first). */
  sentences?: number;
  title?: string;
  /** How many key figures at most (default 3). */
  figures?: number;
  /** The article's language (ISO 639-1): how its figures' separators read ("0,68%" in Portuguese). */
  language?: string;
}

/**
 * Extractive summary: the sentences that carry the story, verbatim. News puts the
 * story first, so position weighs most; a sentence also scores for sharing the
 * words that recur through the article and the headline, and for stating a figure.
 * Fragments, questions and quotes score lower: they rarely stand on their own.
 */
export function summarizeSentences(sentences: string[], options: SummarizeOptions = {}): Summary {
  const n = options.sentences ?? 3;
  const docTerms = sentences.map((s) => terms(s));
  const freq = new Map<string, number>();
  for (const ts of docTerms) for (const t of new Set(ts)) freq.set(t, (freq.get(t) ?? 0) + 1);
  const titleTerms = new Set(options.title ? terms(options.title) : []);

  const scored = sentences.map((s, i) => {
    const ts = docTerms[i];
    const unique = new Set(ts);
    // Words, not tokens: a tokenized text's punctuation is no content.
    const wordCount = words(s).length;
    const centrality = unique.size ? [...unique].reduce((a, t) => a + Math.min(freq.get(t)! - 1, 3), 0) / (3 * Math.sqrt(unique.size) * 3) : 0;
    const titleOverlap = titleTerms.size ? [...unique].filter((t) => titleTerms.has(t)).length / titleTerms.size : 0;
    let score = 1 / (1 + DECAY * i) + CENTRALITY * Math.min(centrality, 1) + 0.3 * titleOverlap;
    if (findQuantities(s, options.language).length) score += 0.08;
    if (wordCount < 6) score -= 0.6;
    else if (wordCount < SHORT) score -= SHORT_PENALTY * ((SHORT - wordCount) / SHORT) ** 1.5;
    if (wordCount > 60) score -= 0.2;
    if (/\?$/.test(s)) score -= 0.3;
    if (/^["“‘']/.test(s)) score -= 0.15;
    return { s, i, score };
  });
  // A byline, credit, lone dateline or photo credit never summarises a story, whatever its place.
  const chosen = scored.filter((c) => !isCreditLine(c.s)).sort((a, b) => b.score - a.score || a.i - b.i).slice(0, n).sort((a, b) => a.i - b.i);
  const picked = chosen.map((c) => c.s);
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
