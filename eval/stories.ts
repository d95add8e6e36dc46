/**
 * `eval stories`: the brief builder's same-story grouping over every article of an
 * AllSides story file, scored pairwise and B-cubed, beside the README's TF-IDF
 * single-link baseline from the same run.
 */
import { createHash } from 'node:crypto';
import { splitSentences } from '../src/nlp/sentences.js';
import { groupStories, storySignature, STORY_PARAMS, type StoryParams } from '../src/briefing/stories.js';
import { f3, readJsonl, report, writeJsonl } from './common.js';
import { poolScores, scoreClusters, type ClusterScores } from './cluster-score.js';

export interface StoriesEvalOptions {
  data: string;
  out?: string;
  json?: boolean;
  folds?: number;
}

interface Row {
  id: string;
  cluster: string;
  title: string;
  source: string;
  publishedAt: string | null;
  body: string;
}

const BASELINE_STOP = new Set('a an and are as at be by for from has have he her his in is it its of on or that the their they this to was were will with'.split(' '));

/** The README's baseline: title + first 3 body sentences, raw count × smoothed idf, L2-normalised, single link over cosine ≥ threshold. */
export function tfidfSingleLink(rows: Pick<Row, 'title' | 'body'>[], threshold: number): number[] {
  const docs = rows.map((r) => {
    const text = `${r.title} ${splitSentences(r.body).slice(0, 3).join(' ')}`.toLowerCase();
    const tf = new Map<string, number>();
    for (const t of text.match(/[a-z0-9]+/g) ?? []) if (!BASELINE_STOP.has(t)) tf.set(t, (tf.get(t) ?? 0) + 1);
    return tf;
  });
  const df = new Map<string, number>();
  for (const d of docs) for (const t of d.keys()) df.set(t, (df.get(t) ?? 0) + 1);
  const n = rows.length;
  const vecs = docs.map((d) => {
    const v = new Map<string, number>();
    let norm = 0;
    for (const [t, c] of d) {
      const w = c * (Math.log((1 + n) / (1 + df.get(t)!)) + 1);
      v.set(t, w);
      norm += w * w;
    }
    norm = Math.sqrt(norm) || 1;
    for (const [t, w] of v) v.set(t, w / norm);
    return v;
  });
  const parent = Array.from({ length: n }, (_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i])));
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      let cos = 0;
      for (const [t, w] of vecs[i]) cos += w * (vecs[j].get(t) ?? 0);
      if (cos >= threshold) parent[find(i)] = find(j);
    }
  }
  return parent.map((_, i) => find(i));
}

/** A story's fold: its cluster string hashed, so all of a story's articles are in one fold. */
function foldOf(cluster: string, folds: number): number {
  return createHash('sha256').update(cluster).digest().readUInt32BE(0) % folds;
}

const THRESHOLDS = Array.from({ length: 13 }, (_, i) => 0.15 + i * 0.025);
const GRID: StoryParams[] = THRESHOLDS.flatMap((threshold) =>
  [1, 0.7].flatMap((strangers) => [2, 3].map((leadSentences) => ({ threshold, strangers, leadSentences, maxDays: STORY_PARAMS.maxDays }))),
);
const BASELINE_GRID = Array.from({ length: 9 }, (_, i) => 0.2 + i * 0.05);

/** Ours: the brief builder's signature and grouping, exactly as ingest and selectStories use them. */
function ours(rows: Row[], params: StoryParams): number[] {
  const items = rows.map((r) => ({ signature: storySignature(r.title, splitSentences(r.body), params), publishedAt: r.publishedAt ?? undefined }));
  return groupStories(items, params);
}

/**
 * Grouped cross-validation: folds by story, every parameter chosen on the other folds'
 * articles alone; the chosen parameters then group the whole file and the held-out
 * fold is scored on every pair touching it (so wrong merges with the other folds' articles count).
 */
function crossValidate<P>(rows: Row[], folds: number, grid: P[], run: (rows: Row[], p: P) => number[]) {
  const fold = rows.map((r) => foldOf(r.cluster, folds));
  const perFold: { scores: ClusterScores; size: number; chosen: P }[] = [];
  for (let k = 0; k < folds; k++) {
    const train = rows.filter((_, i) => fold[i] !== k);
    let best = grid[0];
    let bestF = -1;
    for (const p of grid) {
      const f = scoreClusters(train.map((r) => r.cluster), run(train, p)).pairwise.f1;
      if (f > bestF) {
        bestF = f;
        best = p;
      }
    }
    const test = new Set(rows.flatMap((_, i) => (fold[i] === k ? [i] : [])));
    perFold.push({ scores: scoreClusters(rows.map((r) => r.cluster), run(rows, best), test), size: test.size, chosen: best });
  }
  return { pooled: poolScores(perFold), chosen: perFold.map((f) => f.chosen) };
}

export function runStories(opts: StoriesEvalOptions) {
  const rows = readJsonl<Row>(opts.data);
  const truth = rows.map((r) => r.cluster);
  const folds = opts.folds ?? 5;
  const predicted = ours(rows, STORY_PARAMS);
  const dev = scoreClusters(truth, predicted);
  const baseline = scoreClusters(truth, tfidfSingleLink(rows, 0.35));
  const cv = crossValidate(rows, folds, GRID, ours);
  const cvBaseline = crossValidate(rows, folds, BASELINE_GRID, tfidfSingleLink);
  if (opts.out) writeJsonl(opts.out, rows.map((r, i) => ({ id: r.id, cluster: `story-${predicted[i]}` })));
  const line = (s: ClusterScores) =>
    `pairwise P ${f3(s.pairwise.p)} R ${f3(s.pairwise.r)} F1 ${f3(s.pairwise.f1)}   B-cubed P ${f3(s.bcubed.p)} R ${f3(s.bcubed.r)} F1 ${f3(s.bcubed.f1)}`;
  const params = (p: StoryParams) => `threshold ${p.threshold.toFixed(3)}, strangers ${p.strangers}, lead ${p.leadSentences}`;
  report(
    !!opts.json,
    { rows: rows.length, stories: new Set(truth).size, folds, cv: cv.pooled, cvChosen: cv.chosen, cvBaseline: cvBaseline.pooled, cvBaselineChosen: cvBaseline.chosen, dev, devParams: STORY_PARAMS, baseline },
    [
      `same-story grouping (${rows.length} articles in ${new Set(truth).size} stories, ${opts.data})`,
      `cross-validated, ${folds} folds by story (parameters chosen on the other folds; the whole file grouped, held-out fold scored):`,
      `  briefbot groupStories         ${line(cv.pooled)}`,
      `    chosen per fold: ${cv.chosen.map(params).join(' | ')}`,
      `  TF-IDF single link (baseline) ${line(cvBaseline.pooled)}`,
      `    chosen per fold: ${cvBaseline.chosen.map((t) => t.toFixed(2)).join(' | ')}`,
      `dev (whole file; briefbot at its shipped parameters ${params(STORY_PARAMS)}, baseline at the README's 0.35):`,
      `  briefbot groupStories         ${line(dev)}`,
      `  TF-IDF single link ≥ 0.35     ${line(baseline)}`,
    ],
  );
  return { dev, baseline, cv: cv.pooled, cvBaseline: cvBaseline.pooled };
}
