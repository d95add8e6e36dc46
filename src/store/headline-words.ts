import { stem, STOPWORDS, words } from '../nlp/tokens.js';

/** How far back headline words are counted: the latest this many articles. */
export const HEADLINE_WORDS_ARTICLES = 2000;

/**
 * The most frequent topic words of some headlines, most frequent first (ties
 * alphabetical): letters only, three or more of them, no stopwords. Forms of one word
 * count together ("profit" and "profits") and are shown in their most common form.
 * Shared by every store implementation, so they all answer alike.
 */
export function countHeadlineWords(titles: string[], limit: number): { word: string; count: number }[] {
  const groups = new Map<string, { count: number; forms: Map<string, number> }>();
  for (const title of titles) {
    const seen = new Set<string>();
    for (const w of words(title)) {
      if (w.length < 3 || STOPWORDS.has(w) || !/^\p{L}+$/u.test(w)) continue;
      const key = stem(w);
      const g = groups.get(key) ?? { count: 0, forms: new Map<string, number>() };
      groups.set(key, g);
      g.forms.set(w, (g.forms.get(w) ?? 0) + 1);
      if (!seen.has(key)) g.count += 1;
      seen.add(key);
    }
  }
  const shown = (forms: Map<string, number>) => [...forms].sort((a, b) => b[1] - a[1] || a[0].length - b[0].length || a[0].localeCompare(b[0]))[0][0];
  return [...groups.values()]
    .map((g) => ({ word: shown(g.forms), count: g.count }))
    .sort((a, b) => b.count - a.count || a.word.localeCompare(b.word))
    .slice(0, Math.max(0, limit));
}
