import { STOPWORDS, words } from './tokens.js';

/** 'en' when the text reads as English (stopword share), else undefined: good enough to label unlabelled scraper output. */
export function guessLanguage(text: string): string | undefined {
  const w = words(text.slice(0, 4000));
  if (w.length < 8) return undefined;
  const share = w.filter((x) => STOPWORDS.has(x)).length / w.length;
  return share > 0.25 ? 'en' : undefined;
}
