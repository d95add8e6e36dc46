import { STOPWORDS, words } from './tokens.js';

// The commonest function words of each language we read feeds in; enough to tell them apart on a paragraph.
const FUNCTION_WORDS: Record<string, Set<string>> = {
  pt: new Set('o a os as de do da dos das em no na nos nas um uma para com não que por mais ao pelo pela se foi é são'.split(' ')),
  es: new Set('el la los las de del en un una para con no que por más al se fue es son lo como su y'.split(' ')),
  fr: new Set('le la les de des du en un une pour avec ne pas que qui par plus au aux se est sont et dans sur'.split(' ')),
  de: new Set('der die das den dem des ein eine einer und ist sind nicht mit von zu im in auf für sich auch wird'.split(' ')),
};

const LANGUAGES: [string, Set<string>][] = [['en', STOPWORDS], ...Object.entries(FUNCTION_WORDS)];
/** Each function word with a bit for every language (of LANGUAGES, in order) it belongs to. */
const LANGUAGE_MASK = new Map<string, number>();
LANGUAGES.forEach(([, set], i) => set.forEach((x) => LANGUAGE_MASK.set(x, (LANGUAGE_MASK.get(x) ?? 0) | (1 << i))));

/**
 * The text's language (ISO 639-1) from the share of each language's function words:
 * 'en', 'pt', 'es', 'fr' or 'de', else undefined. Good enough to label unlabelled
 * scraper output, and to read "0,68%" as a decimal in a Portuguese item.
 */
export function guessLanguage(text: string): string | undefined {
  const w = words(text.slice(0, 4000));
  if (w.length < 8) return undefined;
  // One look-up per word, counting for every language at once.
  const counts = new Array<number>(LANGUAGES.length).fill(0);
  for (const x of w) {
    const mask = LANGUAGE_MASK.get(x);
    if (mask) for (let i = 0; i < LANGUAGES.length; i++) if (mask & (1 << i)) counts[i]++;
  }
  // The language with the largest share; on a tie, the one listed first.
  let best = 0;
  for (let i = 1; i < LANGUAGES.length; i++) if (counts[i] > counts[best]) best = i;
  return counts[best] / w.length > 0.2 ? LANGUAGES[best][0] : undefined;
}
