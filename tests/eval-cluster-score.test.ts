import { describe, expect, it } from 'vitest';
import { scoreClusters } from '../eval/cluster-score.js';

describe('clustering scores (clustering/README.md definitions)', () => {
  it('scores pairs and B-cubed as the README defines them', () => {
    // Stories: {0,1,2} {3,4}; predicted: {0,1} {2,3,4}.
    const s = scoreClusters(['a', 'a', 'a', 'b', 'b'], [1, 1, 2, 2, 2]);
    // Predicted pairs: 01, 23, 24, 34 (4); true pairs: 01, 02, 12, 34 (4); both: 01, 34.
    expect(s.pairwise).toEqual({ p: 0.5, r: 0.5, f1: 0.5, tp: 2, predicted: 4, true: 4 });
    // B-cubed P: 1, 1, 1/3, 2/3, 2/3 → 11/15; R: 2/3, 2/3, 1/3, 1, 1 → 11/15.
    expect(s.bcubed.p).toBeCloseTo(11 / 15, 12);
    expect(s.bcubed.r).toBeCloseTo(11 / 15, 12);
  });

  it('counts nothing merged as precision 1, and a held-out fold\'s pairs with other folds as half', () => {
    expect(scoreClusters(['a', 'a', 'b'], [1, 2, 3]).pairwise).toEqual({ p: 1, r: 0, f1: 0, tp: 0, predicted: 0, true: 1 });
    // Fold {2}: its pairs 02 (predicted, false) and 12 (not predicted) each count half.
    expect(scoreClusters(['a', 'a', 'b'], [1, 2, 1], new Set([2])).pairwise).toEqual({ p: 0, r: 0, f1: 0, tp: 0, predicted: 0.5, true: 0 });
  });
});
