/**
 * Fitting the summarizer's sentence weights (src/summarize/model.ts): a logistic
 * regression of "this sentence is in the article's oracle extract" on the sentence's
 * features. The oracle extract is the greedy one of the literature (Nallapati et al.
 * 2017, Liu & Lapata 2019): add the sentence that raises ROUGE-1 + ROUGE-2 F1 against
 * the reference most, until none does or n are chosen.
 */
import { FEATURES, type Feature, type SentenceFeatures } from '../src/summarize/features.js';
import { rouge } from './rouge.js';

export function oracleExtract(sentences: string[], reference: string, n: number): Set<number> {
  const picked: number[] = [];
  let best = 0;
  while (picked.length < n) {
    let bestIndex = -1;
    for (let i = 0; i < sentences.length; i++) {
      if (picked.includes(i)) continue;
      const candidate = [...picked, i].sort((a, b) => a - b).map((k) => sentences[k]);
      const s = rouge(reference, candidate.join('\n'), ['rouge1', 'rouge2'], { stem: true });
      const v = s.rouge1.fmeasure + s.rouge2.fmeasure;
      if (v > best) {
        best = v;
        bestIndex = i;
      }
    }
    if (bestIndex < 0) break;
    picked.push(bestIndex);
  }
  return new Set(picked);
}

/** Fixed, not tuned per run: a light L2 pull (in standard deviations) and full-batch gradient descent long enough to settle. */
const L2 = 0.001;
const STEPS = 400;
const RATE = 0.5;

/**
 * Weights in the features' own units (the standardisation used while fitting is
 * folded back in), so a sentence's score is the plain weighted sum. The intercept is
 * dropped: it shifts every sentence alike and changes no choice.
 */
export function fitWeights(docs: { features: SentenceFeatures[]; oracle: Set<number> }[]): Record<Feature, number> {
  const m = FEATURES.length;
  const rows: Float64Array[] = [];
  const y: number[] = [];
  for (const d of docs) {
    for (const f of d.features) {
      if (f.credit) continue;
      rows.push(f.values);
      y.push(d.oracle.has(f.index) ? 1 : 0);
    }
  }
  const mean = new Float64Array(m);
  const sd = new Float64Array(m);
  for (const r of rows) for (let j = 0; j < m; j++) mean[j] += r[j] / rows.length;
  for (const r of rows) for (let j = 0; j < m; j++) sd[j] += (r[j] - mean[j]) ** 2 / rows.length;
  for (let j = 0; j < m; j++) sd[j] = Math.sqrt(sd[j]) || 1;
  const z = rows.map((r) => Float64Array.from(r, (v, j) => (v - mean[j]) / sd[j]));
  const w = new Float64Array(m);
  let b = 0;
  for (let step = 0; step < STEPS; step++) {
    const g = new Float64Array(m);
    let gb = 0;
    for (let r = 0; r < z.length; r++) {
      let s = b;
      for (let j = 0; j < m; j++) s += w[j] * z[r][j];
      const e = 1 / (1 + Math.exp(-s)) - y[r];
      gb += e;
      for (let j = 0; j < m; j++) g[j] += e * z[r][j];
    }
    for (let j = 0; j < m; j++) w[j] -= RATE * (g[j] / z.length + L2 * w[j]);
    b -= (RATE * gb) / z.length;
  }
  return Object.fromEntries(FEATURES.map((f, j) => [f, w[j] / sd[j]])) as Record<Feature, number>;
}
