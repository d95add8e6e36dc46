import { STOPWORDS, words } from './tokens.js';

// The commonest function words of each language we read feeds in; enough to tell them apart on a paragraph.
const FUNCTION_WORDS: Record<string, Set<string>> = {
  pt: new Set('o a os as de do da dos das em no na nos nas um uma para com não que por mais ao pelo pela se foi é são'.split(' ')),
  es: new Set('el la los las de del en un una para con no que por más al se fue es son lo como su y'.split(' ')),
  fr: new Set('le la les de des du en un une pour avec ne pas que qui par plus au aux se est sont et dans sur'.split(' ')),
  de: new Set('der die das den dem des ein eine einer und ist sind nicht mit von zu im in auf für sich auch wird'.split(' ')),
};

/**
 * The text's language (ISO 639-1) from the share of each language's function words:
 * 'en', 'pt', 'es', 'fr' or 'de', else undefined. Good enough to label unlabelled
 * scraper output, and to read "0,68%" as a decimal in a Portuguese item.
 */
export function guessLanguage(text: string): string | undefined {
  const w = words(text.slice(0, 4000));
  if (w.length < 8) return undefined;
  const shares: [string, number][] = [['en', w.filter((x) => STOPWORDS.has(x)).length / w.length]];
  for (const [lang, set] of Object.entries(FUNCTION_WORDS)) shares.push([lang, w.filter((x) => set.has(x)).length / w.length]);
  shares.sort((a, b) => b[1] - a[1]);
  return shares[0][1] > 0.2 ? shares[0][0] : undefined;
}
