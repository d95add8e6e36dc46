/**
 * Listwise (softmax) fit of the answerer's feature weights: for each question, the
 * probability mass its candidate sentences give to the ones holding a gold answer is
 * pushed up. Weights are pulled towards a hand-set prior with an L2 penalty measured
 * in feature standard deviations, so a rare feature cannot swing on a few questions;
 * how strong that pull is (lambda) is what the cross-validation chooses.
 */
import { FEATURES, type Feature, type Weights } from '../src/ask/answer.js';

/** The candidate sentences of every question, flattened: one row of FEATURES.length values per sentence. */
export interface Candidates {
  /** Per question: where its rows start in `x` (in rows) and how many there are. */
  start: number[];
  count: number[];
  x: Float64Array;
  correct: Uint8Array;
}

export class CandidateBuilder {
  private readonly rows: number[] = [];
  private readonly ok: number[] = [];
  readonly start: number[] = [];
  readonly count: number[] = [];

  /** Keeps the `keep` best rows by `score` (the rest rarely reach the top) and every row holding the answer. */
  add(all: { features: Float64Array; correct: boolean; score: number }[], keep = 25): void {
    const cut = [...all].sort((a, b) => b.score - a.score)[keep - 1]?.score ?? -Infinity;
    const rows = all.filter((r) => r.correct || r.score >= cut);
    this.start.push(this.ok.length);
    this.count.push(rows.length);
    for (const r of rows) {
      for (const v of r.features) this.rows.push(v);
      this.ok.push(r.correct ? 1 : 0);
    }
  }

  build(): Candidates {
    return { start: this.start, count: this.count, x: Float64Array.from(this.rows), correct: Uint8Array.from(this.ok) };
  }
}

/**
 * Not fitted: `own` fixes the scale (a temperature is fitted instead), and the
 * recency weights stay as set by hand (docs/quality-answers.md: fitted, they let
 * a loosely related story from today beat last month's exact answer).
 */
export const FIXED: ReadonlySet<Feature> = new Set<Feature>(['own', 'recency', 'recencyNow', 'recent']);

/**
 * The starting point and the pull of the penalty: round, hand-set values saying
 * "a question word in the sentence counts most, in its neighbours about half".
 */
export const PRIOR: Weights = {
  own: 1,
  asWritten: 0,
  near: 0,
  fresh: 0.1,
  stale: -0.1,
  amount: 0.1,
  figureAbout: 0.1,
  long: 0,
  headline: 0.5,
  next: 0.5,
  after: 0.5,
  near2: 0.25,
  far: 0,
  spread: 0.3,
  recency: 0.2,
  recencyNow: 0.3,
  recent: 0.03,
  early: 0.2,
  isHeadline: 0,
};

export interface FitOptions {
  lambda: number;
  iterations?: number;
}

/** One weighted group of questions (a data set's training folds). */
export interface TrainingSet {
  data: Candidates;
  questions: number[];
}

const n = FEATURES.length;

/** Fits weights by Adam on the penalised listwise loss; each training set counts equally. */
export function fitWeights(sets: TrainingSet[], opts: FitOptions): Weights {
  const free = FEATURES.map((f) => !FIXED.has(f));
  // Feature standard deviations over all training rows, for a penalty in comparable units.
  const sd = new Float64Array(n);
  {
    const sum = new Float64Array(n);
    const sq = new Float64Array(n);
    let rows = 0;
    for (const s of sets)
      for (const q of s.questions)
        for (let r = s.data.start[q]; r < s.data.start[q] + s.data.count[q]; r++, rows++)
          for (let k = 0; k < n; k++) {
            const v = s.data.x[r * n + k];
            sum[k] += v;
            sq[k] += v * v;
          }
    for (let k = 0; k < n; k++) sd[k] = Math.sqrt(Math.max(sq[k] / Math.max(rows, 1) - (sum[k] / Math.max(rows, 1)) ** 2, 1e-12));
  }
  const w = Float64Array.from(FEATURES.map((f) => PRIOR[f]));
  let logT = Math.log(5);
  const m = new Float64Array(n + 1);
  const v2 = new Float64Array(n + 1);
  const lr = 0.04;
  const iterations = opts.iterations ?? 150;
  const grad = new Float64Array(n + 1);
  let scores = new Float64Array(256);
  let exps = new Float64Array(256);
  const usable = sets.map((s) => s.questions.filter((q) => hasCorrect(s.data, q)));
  for (let it = 1; it <= iterations; it++) {
    grad.fill(0);
    const t = Math.exp(logT);
    for (const [si, s] of sets.entries()) {
      const scale = 1 / Math.max(usable[si].length, 1);
      const { x, correct, start: starts, count: counts } = s.data;
      for (const q of usable[si]) {
        const start = starts[q];
        const count = counts[q];
        if (scores.length < count) {
          scores = new Float64Array(count * 2);
          exps = new Float64Array(count * 2);
        }
        let max = -Infinity;
        for (let r = 0; r < count; r++) {
          let sc = 0;
          const o = (start + r) * n;
          for (let k = 0; k < n; k++) sc += w[k] * x[o + k];
          scores[r] = sc;
          if (t * sc > max) max = t * sc;
        }
        let z = 0;
        let zc = 0;
        for (let r = 0; r < count; r++) {
          const e = Math.exp(t * scores[r] - max);
          exps[r] = e;
          z += e;
          if (correct[start + r]) zc += e;
        }
        for (let r = 0; r < count; r++) {
          const d = (exps[r] / z - (correct[start + r] ? exps[r] / zc : 0)) * scale;
          if (Math.abs(d) < 1e-9) continue;
          const o = (start + r) * n;
          const td = t * d;
          for (let k = 0; k < n; k++) grad[k] += td * x[o + k];
          grad[n] += td * scores[r];
        }
      }
    }
    for (let k = 0; k < n; k++) {
      if (!free[k]) {
        grad[k] = 0;
        continue;
      }
      grad[k] += 2 * opts.lambda * (w[k] - PRIOR[FEATURES[k]]) * sd[k] * sd[k];
    }
    // Adam.
    for (let k = 0; k <= n; k++) {
      m[k] = 0.9 * m[k] + 0.1 * grad[k];
      v2[k] = 0.999 * v2[k] + 0.001 * grad[k] * grad[k];
      const step = (lr * (m[k] / (1 - 0.9 ** it))) / (Math.sqrt(v2[k] / (1 - 0.999 ** it)) + 1e-8);
      if (k === n) logT -= step;
      // Steps in feature standard deviations: Adam moves each coordinate about lr per step, whatever its units.
      else if (free[k]) w[k] -= step / Math.max(sd[k], 1e-3);
    }
  }
  return Object.fromEntries(FEATURES.map((f, k) => [f, w[k]])) as Weights;
}

function hasCorrect(d: Candidates, q: number): boolean {
  for (let r = d.start[q]; r < d.start[q] + d.count[q]; r++) if (d.correct[r]) return true;
  return false;
}

/** Share of the questions whose best-scoring candidate holds the answer (an approximation of top-1: same candidates, no abstention). */
export function rescoredAccuracy(d: Candidates, questions: number[], w: Weights): number {
  const wv = FEATURES.map((f) => w[f]);
  let ok = 0;
  for (const q of questions) {
    let best = -Infinity;
    let bestOk = 0;
    for (let r = d.start[q]; r < d.start[q] + d.count[q]; r++) {
      let sc = 0;
      for (let k = 0; k < n; k++) sc += wv[k] * d.x[r * n + k];
      if (sc > best) {
        best = sc;
        bestOk = d.correct[r];
      }
    }
    ok += bestOk;
  }
  return ok / Math.max(questions.length, 1);
}

/** Weights rounded to two significant digits, as they are written into src/ask/answer.ts. */
export function roundWeights(w: Weights): Weights {
  return Object.fromEntries(FEATURES.map((f) => [f, Number(w[f].toPrecision(2))])) as Weights;
}
