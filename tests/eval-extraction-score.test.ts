import { describe, expect, it } from 'vitest';
import { scoreExtraction, shingleMatch, shingles, wordTokens } from '../eval/extraction-score.js';

describe('extraction scoring (article-extraction-benchmark evaluate.py)', () => {
  it('tokenizes Unicode word runs, keeping case and dropping punctuation', () => {
    expect(wordTokens('Das Öl-Embargo, 2019: über_all… 東京 café!')).toEqual(['Das', 'Öl', 'Embargo', '2019', 'über_all', '東京', 'café']);
  });

  it('builds overlapping 4-token shingles, and one short shingle for short texts', () => {
    expect([...shingles('a b c d e a b c d').entries()]).toEqual([
      ['a\u0001b\u0001c\u0001d', 2],
      ['b\u0001c\u0001d\u0001e', 1],
      ['c\u0001d\u0001e\u0001a', 1],
      ['d\u0001e\u0001a\u0001b', 1],
      ['e\u0001a\u0001b\u0001c', 1],
    ]);
    expect([...shingles('Hello, world').keys()]).toEqual(['Hello\u0001world']);
    expect(shingles('  ... ').size).toBe(0);
  });

  it('normalises per-page counts by TP+FP+FN', () => {
    // truth shingles: abcd bcde cdef; prediction: abcd bcde cdeX → tp 2, fp 1, fn 1
    expect(shingleMatch('a b c d e f', 'a b c d e X')).toEqual({ tp: 0.5, fp: 0.25, fn: 0.25 });
    expect(shingleMatch('', '')).toEqual({ tp: 0, fp: 0, fn: 0 });
  });

  it('averages precision over pages with predictions and recall over pages with truth', () => {
    const m = scoreExtraction([
      { truth: 'a b c d e f', prediction: 'a b c d e X' }, // P 2/3, R 2/3
      { truth: 'one two three four five', prediction: 'one two three four five' }, // P 1, R 1, exact
      { truth: 'p q r s t', prediction: '' }, // no prediction: only recall 0
      { truth: '', prediction: 'w x y z' }, // no truth: only precision 0
    ]);
    const precision = (2 / 3 + 1 + 0) / 3;
    const recall = (2 / 3 + 1 + 0) / 3;
    expect(m.precision).toBeCloseTo(precision, 12);
    expect(m.recall).toBeCloseTo(recall, 12);
    expect(m.f1).toBeCloseTo((2 * precision * recall) / (precision + recall), 12);
    expect(m.accuracy).toBe(0.25);
    expect(m.pages).toBe(4);
  });

  it('counts exact matches on the token sequence, ignoring punctuation and line breaks', () => {
    const m = scoreExtraction([{ truth: 'Hello, world.\n\nBye!', prediction: 'Hello world\nBye' }]);
    expect(m).toEqual({ f1: 1, precision: 1, recall: 1, accuracy: 1, pages: 1 });
    expect(scoreExtraction([{ truth: 'Hello world', prediction: 'hello world' }]).accuracy).toBe(0);
  });
});
