import { STOPWORDS, words } from '../nlp/tokens.js';

/** How far back headline words are counted: the latest this many articles. */
export const HEADLINE_WORDS_ARTICLES = 2000;

/**
 * The most frequent topic words of some headlines, most frequent first (ties
 * alphabetical): letters only, three or more of them, no stopwords. Shared by every
 * store implementation, so they all answer alike.
 */
export function countHeadlineWords(titles: string[], limit: number): { word: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const title of titles) {
    for (const w of new Set(words(title))) {
      if (w.length < 3 || STOPWORDS.has(w) || !/^\p{L}+$/u.test(w)) continue;
      counts.set(w, (counts.get(w) ?? 0) + 1);
    }
  }
  return [...counts]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, Math.max(0, limit))
    .map(([word, count]) => ({ word, count }));
}
