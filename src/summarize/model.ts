import type { SummaryModel } from './summarize.js';

/**
 * The shipped sentence weights. `weights`: logistic regression on the oracle extracts of
 * every CNN/DM development story, printed by `npm run eval -- summarize --fit`; `title`:
 * the headline weight chosen on the BBC development set, printed by
 * `npm run eval -- summarize --data ../shared/eval/summarization/bbc100-dev.jsonl --fit`
 * (CNN/DM stories come without headlines). Both commands also print the grouped
 * cross-validation, where each fold is summarised by a model fitted without it.
 */
export const SUMMARY_MODEL: SummaryModel = {
  weights: {
    first: -1.72,
    second: -0.13,
    lead: 2.5,
    relative: -1.68,
    articleLength: -3.64,
    length: 0.0283,
    lengthSquared: -0.353,
    fragment: -0.414,
    short: -0.31,
    centrality: 0.92,
    recurring: 0.959,
    ledeOverlap: 0.647,
    figure: 0.459,
    question: -1.1,
    quoteStart: -0.527,
    quoteMarks: -0.106,
    attribution: -0.274,
    dangling: -0.261,
    unfinished: 0.287,
  },
  title: 2,
};
