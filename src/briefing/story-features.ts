import type { Summary } from '../summarize/summary.js';
import { terms } from '../nlp/tokens.js';
import { storySignature, type StorySignature } from './stories.js';

/**
 * What a brief needs of each article besides its summary: what groups it with other
 * outlets' reports of the same event, and how much its summary sentence says (which
 * member of a group leads it). Computed once when the article is stored and kept in
 * the articles table's `story` column, so a brief over thousands of articles reads
 * these instead of tokenising every headline and lead again.
 */
export interface StoryFeatures {
  signature: StorySignature;
  /** Distinct content words of the summary's first sentence that is not the headline, plus 3 when it states a figure. */
  informative: number;
  /** The summary's importance weight (Summary.weight). */
  weight: number;
}

/**
 * The features of an article from its headline and summary. The signature is the one
 * computed at ingest from the headline and lead (summary.story); rows stored before
 * signatures existed have none, and their summary sentences stand in for the lead.
 */
export function storyFeatures(title: string, summary: Summary): StoryFeatures {
  const sentence = summary.sentences.find((s) => s !== title) ?? '';
  return {
    signature: summary.story ?? storySignature(title, summary.sentences),
    informative: new Set(terms(sentence)).size + 3 * Math.min(summary.figures.length, 1),
    weight: summary.weight,
  };
}

// Terms and names hold no whitespace (src/nlp/tokens.ts words, the capitalised-word patterns of
// stories.ts), so a line of space-separated words each is exact and splits back without a JSON parse.

/** The column's text: the informative count and the weight (as JavaScript prints it, so it reads back exactly), the terms, the names, one line each. */
export function encodeStoryFeatures(f: StoryFeatures): string {
  return `${f.informative} ${f.weight}\n${f.signature.terms.join(' ')}\n${f.signature.names.join(' ')}`;
}

export function decodeStoryFeatures(text: string): StoryFeatures {
  const a = text.indexOf('\n');
  const b = text.indexOf('\n', a + 1);
  const space = text.indexOf(' ');
  return {
    informative: Number(text.slice(0, space)),
    weight: Number(text.slice(space + 1, a)),
    signature: { terms: wordsOf(text.slice(a + 1, b)), names: wordsOf(text.slice(b + 1)) },
  };
}

function wordsOf(line: string): string[] {
  return line === '' ? [] : line.split(' ');
}

/** The summary as stored in summary_json: the signature lives in the `story` column instead. */
export function summaryWithoutStory(summary: Summary): Summary {
  const { story: _story, ...rest } = summary;
  return rest;
}
