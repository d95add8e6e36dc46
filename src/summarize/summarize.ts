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

interface Ranked {
  i: number;
  score: number;
}

const byScore = (a: Ranked, b: Ranked) => b.score - a.score || a.i - b.i;
const ascending = (a: number, b: number) => a - b;

/** Each sentence's trigrams, made the first time a pick needs them. */
class Trigrams {
  private readonly grams = new Map<number, Set<string>>();
  constructor(private readonly sentences: string[]) {}
  of(i: number): Set<string> {
    let g = this.grams.get(i);
    if (!g) this.grams.set(i, (g = trigrams(this.sentences[i])));
    return g;
  }
  /** Whether sentence i shares a three-word run with any sentence picked. */
  repeats(i: number, picked: number[]): boolean {
    const g = this.of(i);
    for (const p of picked) {
      const other = this.of(p);
      for (const x of g) if (other.has(x)) return true;
    }
    return false;
  }
}

/**
 * The indices of the n best sentences, in article order; bylines and credits never.
 * A sentence that repeats a three-word run of one already picked is passed over:
 * news restates its key facts, and two sentences saying the same thing waste a slot.
 * When the lede would be passed over that way, it stays and the restatements give way:
 * the brief shows a summary's first sentence, and the lede is the one written to open.
 */
// Plain loops and no closures made per call: this runs for every article at ingest.
export function pickSentences(sentences: string[], features: SentenceFeatures[], n: number, model: SummaryModel = SUMMARY_MODEL): number[] {
  const ranked: Ranked[] = [];
  let lede = Infinity;
  for (const f of features) {
    if (f.credit) continue;
    ranked.push({ i: f.index, score: scoreSentence(f, model) });
    lede = Math.min(lede, f.index);
  }
  ranked.sort(byScore);
  const grams = new Trigrams(sentences);
  const first: number[] = [];
  const ledeBlocked = greedy(ranked, first, n, grams, lede);
  if (!ledeBlocked) return first.sort(ascending);
  const again = [lede];
  greedy(ranked, again, n, grams, lede);
  return again.sort(ascending);
}

/** Adds the best-ranked sentences that repeat none picked to `picked`, up to n; whether the lede was passed over. */
function greedy(ranked: Ranked[], picked: number[], n: number, grams: Trigrams, lede: number): boolean {
  let ledeBlocked = false;
  for (const c of ranked) {
    if (picked.length >= n) break;
    if (picked.includes(c.i)) continue;
    if (grams.repeats(c.i, picked)) {
      if (c.i === lede) ledeBlocked = true;
      continue;
    }
    picked.push(c.i);
  }
  return ledeBlocked;
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
  const picked: string[] = [];
  for (const i of pickSentences(sentences, sentenceFeatures(sentences, options), n, options.model ?? SUMMARY_MODEL)) picked.push(sentences[i]);
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
  for (const s of summary) addFigures(out, seen, s, false, max, language);
  for (const s of all) if (!summary.includes(s)) addFigures(out, seen, s, true, max, language);
  return out;
}

function addFigures(out: KeyFigure[], seen: Set<string>, s: string, requireMeasure: boolean, max: number, language?: string): void {
  for (const q of findQuantities(s, language)) {
    if (out.length >= max || seen.has(q.text)) continue;
    const measure = measureOf(s, q, language);
    if (requireMeasure && !measure) continue;
    seen.add(q.text);
    out.push({ measure, value: q.text, kind: q.kind, sentence: s });
  }
}
