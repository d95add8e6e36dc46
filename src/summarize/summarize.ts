import { splitSentences } from '../nlp/sentences.js';
import { stem, words } from '../nlp/tokens.js';
import { findQuantities, measureOf } from '../nlp/quantities.js';
import { FEATURES, sentenceFeatures, type Feature, type SentenceFeatures } from './features.js';
import { SUMMARY_MODEL } from './model.js';
import type { KeyFigure, Summary } from './summary.js';

export { sentenceFeatures, type SentenceFeatures } from './features.js';

/**
 * A sentence's score is a weighted sum of its features (src/summarize/features.ts):
 * up to a constant per article, the log-odds that it belongs to the best
 * three-sentence extract of its article (the oracle extract, eval/summarize-fit.ts).
 */
export interface SummaryModel {
  weights: Record<Feature, number>;
  /** Weight of sharing the headline's words (fitted apart: the corpus the rest is fitted on has no headlines). */
  title: number;
}

export interface SummarizeOptions {
  /** How many sentences (default 3; briefs use the first). */
  sentences?: number;
  title?: string;
  /** How many key figures at most (default 3). */
  figures?: number;
  /** The article's language (ISO 639-1): how its figures' separators read ("0,68%" in Portuguese). */
  language?: string;
  model?: SummaryModel;
}

export function scoreSentence(f: SentenceFeatures, model: SummaryModel): number {
  let score = model.title * f.titleOverlap;
  for (let k = 0; k < FEATURES.length; k++) score += model.weights[FEATURES[k]] * f.values[k];
  return score;
}

function trigrams(sentence: string): Set<string> {
  const w = words(sentence).map(stem);
  const out = new Set<string>();
  for (let i = 0; i + 3 <= w.length; i++) out.add(`${w[i]} ${w[i + 1]} ${w[i + 2]}`);
  return out;
}

/**
 * The indices of the n best sentences, in article order; bylines and credits never.
 * A sentence that repeats a three-word run of one already picked is passed over:
 * news restates its key facts, and two sentences saying the same thing waste a slot.
 * When the lede would be passed over that way, it stays and the restatements give way:
 * the brief shows a summary's first sentence, and the lede is the one written to open.
 */
export function pickSentences(sentences: string[], features: SentenceFeatures[], n: number, model: SummaryModel = SUMMARY_MODEL): number[] {
  const ranked = features
    .filter((f) => !f.credit)
    .map((f) => ({ i: f.index, score: scoreSentence(f, model) }))
    .sort((a, b) => b.score - a.score || a.i - b.i);
  const grams = new Map<number, Set<string>>();
  const gramsOf = (i: number) => {
    let g = grams.get(i);
    if (!g) grams.set(i, (g = trigrams(sentences[i])));
    return g;
  };
  const greedy = (seed: number[]) => {
    const picked = [...seed];
    let ledeBlocked = false;
    for (const c of ranked) {
      if (picked.length >= n) break;
      if (picked.includes(c.i)) continue;
      const g = gramsOf(c.i);
      if (picked.some((p) => [...g].some((x) => gramsOf(p).has(x)))) {
        if (c.i === lede) ledeBlocked = true;
        continue;
      }
      picked.push(c.i);
    }
    return { picked, ledeBlocked };
  };
  const lede = ranked.reduce((a, c) => Math.min(a, c.i), Infinity);
  const first = greedy([]);
  return (first.ledeBlocked ? greedy([lede]).picked : first.picked).sort((a, b) => a - b);
}

/**
 * Extractive summary: the sentences that carry the story, verbatim. News puts the
 * story first, so position weighs most; a sentence also scores for sharing the
 * words that recur through the article, the lede's and the headline's, and for
 * stating a figure. Fragments, questions, quotes and sentences that lean on the one
 * before score lower: they rarely stand on their own. The weights are fitted
 * (`npm run eval -- summarize --fit`), not set by hand.
 */
export function summarizeSentences(sentences: string[], options: SummarizeOptions = {}): Summary {
  const n = options.sentences ?? 3;
  const picked = pickSentences(sentences, sentenceFeatures(sentences, options), n, options.model ?? SUMMARY_MODEL).map((i) => sentences[i]);
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
