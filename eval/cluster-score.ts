/** Pairwise and B-cubed scores of a clustering, as `clustering/README.md` defines them. */
export interface ClusterScores {
  pairwise: { p: number; r: number; f1: number; tp: number; predicted: number; true: number };
  bcubed: { p: number; r: number; f1: number };
}

const f1 = (p: number, r: number) => (p + r === 0 ? 0 : (2 * p * r) / (p + r));

/**
 * `truth[i]` and `predicted[i]` label article i. When `only` is given, pairwise counts
 * cover the pairs with at least one article in it (a pair with one counts half) and
 * B-cubed averages over its articles: a held-out fold scored inside the grouping of
 * the whole file, so its wrong merges with other folds' articles count.
 */
export function scoreClusters(truth: readonly string[], predicted: readonly (string | number)[], only?: ReadonlySet<number>): ClusterScores {
  const n = truth.length;
  let tp = 0;
  let pred = 0;
  let tru = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      // A pair across the held-out fold and another is half this fold's, half the other's: pooled over folds, every pair counts once.
      const w = !only ? 1 : only.has(i) && only.has(j) ? 1 : only.has(i) || only.has(j) ? 0.5 : 0;
      if (w === 0) continue;
      const t = truth[i] === truth[j];
      const p = predicted[i] === predicted[j];
      if (p) pred += w;
      if (t) tru += w;
      if (p && t) tp += w;
    }
  }
  const pp = pred === 0 ? 1 : tp / pred;
  const pr = tru === 0 ? 0 : tp / tru;
  const byPred = new Map<string | number, number[]>();
  predicted.forEach((c, i) => byPred.set(c, [...(byPred.get(c) ?? []), i]));
  const storySize = new Map<string, number>();
  for (const c of truth) storySize.set(c, (storySize.get(c) ?? 0) + 1);
  let bp = 0;
  let br = 0;
  let m = 0;
  for (let i = 0; i < n; i++) {
    if (only && !only.has(i)) continue;
    const cluster = byPred.get(predicted[i])!;
    const both = cluster.filter((j) => truth[j] === truth[i]).length;
    bp += both / cluster.length;
    br += both / storySize.get(truth[i])!;
    m++;
  }
  bp /= Math.max(m, 1);
  br /= Math.max(m, 1);
  return { pairwise: { p: pp, r: pr, f1: f1(pp, pr), tp, predicted: pred, true: tru }, bcubed: { p: bp, r: br, f1: f1(bp, br) } };
}

/** Pools per-fold pairwise counts (micro average) and averages B-cubed over the folds' articles. */
export function poolScores(folds: { scores: ClusterScores; size: number }[]): ClusterScores {
  const tp = folds.reduce((a, f) => a + f.scores.pairwise.tp, 0);
  const pred = folds.reduce((a, f) => a + f.scores.pairwise.predicted, 0);
  const tru = folds.reduce((a, f) => a + f.scores.pairwise.true, 0);
  const size = folds.reduce((a, f) => a + f.size, 0) || 1;
  const bp = folds.reduce((a, f) => a + f.scores.bcubed.p * f.size, 0) / size;
  const br = folds.reduce((a, f) => a + f.scores.bcubed.r * f.size, 0) / size;
  const pp = pred === 0 ? 1 : tp / pred;
  const pr = tru === 0 ? 0 : tp / tru;
  return { pairwise: { p: pp, r: pr, f1: f1(pp, pr), tp, predicted: pred, true: tru }, bcubed: { p: bp, r: br, f1: f1(bp, br) } };
}
