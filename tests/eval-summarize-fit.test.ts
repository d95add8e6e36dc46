import { describe, expect, it } from 'vitest';
import { fitWeights, oracleExtract } from '../eval/summarize-fit.js';
import { FEATURES } from '../src/summarize/features.js';
import { sentenceFeatures } from '../src/summarize/summarize.js';

describe('summarizer weight fitting (eval/summarize-fit.ts)', () => {
  it('builds the greedy oracle extract: the sentences that raise ROUGE-1 + ROUGE-2 against the reference, at most n', () => {
    const sentences = ['the mayor opened a new bridge over the river .', 'it rained .', 'the bridge cost 40 million dollars .', 'traffic was light .'];
    const reference = 'mayor opens new bridge over river .\nbridge cost 40 million dollars .';
    expect([...oracleExtract(sentences, reference, 3)].sort()).toEqual([0, 2]);
    expect([...oracleExtract(sentences, reference, 1)]).toEqual([2]);
  });

  it('gives weight to the feature that marks the oracle sentences and none to one that never varies', () => {
    // Oracle sentences are always the questions: the fit must learn that from the features alone.
    const doc = (k: number) => {
      const sentences = Array.from({ length: 6 }, (_, i) => (i % 3 === k % 3 ? `is item ${i} of story ${k} ready now?` : `item ${i} of story ${k} is here today.`));
      return { features: sentenceFeatures(sentences), oracle: new Set(sentences.flatMap((s, i) => (s.endsWith('?') ? [i] : []))) };
    };
    const w = fitWeights(Array.from({ length: 12 }, (_, k) => doc(k)));
    expect(Object.keys(w)).toEqual([...FEATURES]);
    expect(w.question).toBeGreaterThan(1);
    expect(w.unfinished).toBe(0);
  });
});
