import { describe, expect, it } from 'vitest';
import { FEATURES } from '../src/ask/answer.js';
import { assignFolds } from '../eval/ask-cv.js';
import { weekOf, type Question } from '../eval/ask.js';
import { CandidateBuilder, PRIOR, fitWeights, rescoredAccuracy } from '../eval/fit-weights.js';

const q = (id: string, group: string): Question => ({ id, question: id, answers: ['x'], now: new Date(0), group });

describe('grouped folds', () => {
  it('keeps every SQuAD article in one fold, articles dealt round-robin', () => {
    const qs = ['a', 'a', 'b', 'c', 'c', 'c', 'd', 'a'].map((g, i) => q(String(i), g));
    expect(assignFolds(qs, 3, 'round-robin')).toEqual([0, 0, 1, 2, 2, 2, 0, 0]);
  });

  it('cuts RealTimeQA weeks in date order into runs of about equal size, a week never split', () => {
    const weeks = ['2022-01-10', '2022-01-03', '2022-01-17', '2022-01-03', '2022-01-24', '2022-01-10'];
    const folds = assignFolds(weeks.map((w, i) => q(String(i), w)), 2, 'contiguous');
    expect(folds).toEqual([0, 0, 1, 0, 1, 0]);
  });

  it('dates a quiz by the Monday of its week (UTC)', () => {
    expect(weekOf('2022-05-06T12:00:00.000Z')).toBe('2022-05-02');
    expect(weekOf('2022-05-08T12:00:00.000Z')).toBe('2022-05-02');
    expect(weekOf('2022-05-09T12:00:00.000Z')).toBe('2022-05-09');
  });
});

describe('listwise fit', () => {
  const at = (f: string) => FEATURES.indexOf(f as (typeof FEATURES)[number]);
  /** Questions whose right sentence is the one its neighbours' words surround ("next"), while the wrong one holds more question words itself. */
  function data(n: number) {
    const b = new CandidateBuilder();
    for (let i = 0; i < n; i++) {
      const right = new Float64Array(FEATURES.length);
      right[at('own')] = 0.5;
      right[at('next')] = 0.5;
      const wrong = new Float64Array(FEATURES.length);
      wrong[at('own')] = 0.6;
      b.add([
        { features: right, correct: true, score: 0 },
        { features: wrong, correct: false, score: 0 },
      ]);
    }
    return b.build();
  }

  it('learns what the training questions reward, and the held-out questions are rescored with it', () => {
    const d = data(40);
    const all = Array.from({ length: 40 }, (_, i) => i);
    // With the prior (next 0.5) the right sentence already wins 0.75 to 0.6; with next at 0 it would lose.
    expect(rescoredAccuracy(d, all, { ...PRIOR, next: 0 })).toBe(0);
    const w = fitWeights([{ data: d, questions: all.slice(0, 30) }], { lambda: 0.01, iterations: 100 });
    expect(w.next).toBeGreaterThan(PRIOR.next);
    expect(w.own).toBe(1);
    expect(w.recency).toBe(PRIOR.recency);
    expect(rescoredAccuracy(d, all.slice(30), w)).toBe(1);
  });

  it('keeps only the best candidates by the prior score, and every right one', () => {
    const b = new CandidateBuilder();
    const row = (score: number, correct: boolean) => ({ features: new Float64Array(FEATURES.length), correct, score });
    b.add([row(1, false), row(5, false), row(0, true), row(3, false)], 2);
    const d = b.build();
    expect(d.count).toEqual([3]);
    expect([...d.correct]).toEqual([0, 1, 0]);
  });
});
