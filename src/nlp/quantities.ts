/**
 * Quantities in news text: money ("$1.37 billion", "5.7 billion ringgit", "£600m",
 * "CFA11.9 billion"), percentages ("16.2%", "7 percent", "0,68%") and counts with a
 * scale ("2.5 million people"). Hand-written because general NLP libraries miss news
 * money forms like "$1.13bn" and "£600m".
 *
 * A figure is always a whole span: it never starts or ends inside a number, and
 * separators are read in the article's language ("0,68%" is 0.68 percent in
 * Portuguese; in English text it is no figure at all, rather than "68%").
 */
import { articleMemo } from './article-memo.js';
import { labelFigure } from './figure-label.js';
import { allMatches } from './matches.js';

export interface Quantity {
  text: string;
  kind: 'money' | 'percent' | 'count';
  index: number;
  /** The first number of the span as a value, separators read in the text's language ("0,68%" → 0.68). */
  value: number;
}

/** Languages that write a decimal comma and group thousands with dots or spaces. */
const DECIMAL_COMMA = new Set(['pt', 'de', 'fr', 'es', 'it', 'nl', 'ca', 'ro', 'pl', 'cs', 'sk', 'sv', 'da', 'no', 'nb', 'fi', 'tr', 'id', 'ru', 'uk', 'el', 'hu', 'hr', 'sl']);

export function decimalComma(language?: string): boolean {
  return !!language && DECIMAL_COMMA.has(language.toLowerCase().split(/[-_]/)[0]);
}

const CURRENCY_SYMBOL = String.raw`(?:US\$|A\$|C\$|HK\$|S\$|NZ\$|R\$|\$|£|€|¥|₹|₦|₩|CFA\s?|KSh\s?|Ksh\s?|RM\s?|Rs\.?\s?|USD\s?|EUR\s?|GBP\s?)`;
// A number never starts right after a digit or a separator that belongs to it, and never stops before one.
const NUMBER_EN = String.raw`(?<![\d.,])(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?![.,]\d)`;
const NUMBER_COMMA = String.raw`(?<![\d.,])(?:\d{1,3}(?:[.\u00a0\u202f]\d{3})+(?:,\d+)?|\d+(?:,\d+)?)(?![.,]\d)`;
const SCALE = String.raw`(?:\s?(?:trillion|billion|million|thousand|bn|tn|mn|m|b|k)\b|\s(?:trilhões|trilhão|bilhões|bilhão|milhões|milhão|mil milhões|mil millones|millones|millón|milliards?|millions?|Milliarden|Milliarde|Millionen|Million|Mrd\.|Mio\.|miliardi|milioni|mil)(?![\p{L}]))`;
const CURRENCY_WORD = String.raw`(?:dollars?|euros?|Euro|pounds?|yen|yuan|renminbi|rupees?|ringgit|shillings?|naira|rand|francs?|pesos?|reais|real|won|dirhams?|riyals?|CFA francs?|cedis?|birr|kwacha|leones?|dinars?|lira|rubles?|roubles?|baht|dong|rupiah|krona|kronor|krone|zloty|dólares|dólar|libras?)`;
const CURRENCY_CODE = String.raw`(?:USD|EUR|GBP|JPY|CNY|INR|MYR|KES|NGN|ZAR|XOF|XAF|CHF|CAD|AUD|BRL)`;
const PERCENT = String.raw`(?:\s?%|\s?per\s?cent\b|\spercent\b|\spercentage points?\b|\spor cento\b|\spor ciento\b|\spour cent\b|\sProzent\b|\sper cento\b|\spontos? percentua(?:is|l)\b)`;
const COUNT_SCALE = String.raw`(?:trillion|billion|million|thousand|hundred|trilhões|bilhões|milhões|millones|milliards|Milliarden|Millionen)`;

function patterns(number: string): { kind: Quantity['kind']; re: RegExp }[] {
  return [
    { kind: 'money', re: new RegExp(String.raw`${CURRENCY_SYMBOL}(?:${number})${SCALE}?(?:\s(?:${CURRENCY_WORD}|${CURRENCY_CODE})\b)?`, 'giu') },
    { kind: 'money', re: new RegExp(String.raw`(?:${number})${SCALE}?\s(?:de\s)?(?:${CURRENCY_WORD}|${CURRENCY_CODE})\b`, 'giu') },
    { kind: 'percent', re: new RegExp(String.raw`(?:${number})${PERCENT}`, 'giu') },
    // "between 200 and 250 million": the first number is in the same scale, so the range is one figure.
    { kind: 'count', re: new RegExp(String.raw`(?:(?:${number})\s(?:and|to|e|y|et|und)\s)?(?:${number})\s${COUNT_SCALE}(?![\p{L}])`, 'giu') },
  ];
}
const PATTERNS = { en: patterns(NUMBER_EN), comma: patterns(NUMBER_COMMA) };

/** The figures of a sentence, left to right. `language` (ISO 639-1) says how to read separators; English when absent. */
export function findQuantities(sentence: string, language?: string): Quantity[] {
  // Every pattern needs a digit; most sentences have none, and this is on the ingest path.
  if (!/\d/.test(sentence)) return [];
  return (decimalComma(language) ? quantitiesComma : quantitiesPoint)(sentence).slice();
}

// An article's analysis looks for each sentence's figures three times (answer kinds, summary, key figures).
const quantitiesPoint = articleMemo((sentence: string) => quantitiesIn(sentence, false));
const quantitiesComma = articleMemo((sentence: string) => quantitiesIn(sentence, true));

function quantitiesIn(sentence: string, comma: boolean): Quantity[] {
  const found: Quantity[] = [];
  for (const { kind, re } of comma ? PATTERNS.comma : PATTERNS.en) {
    for (const m of allMatches(re, sentence)) {
      const text = m[0].trim();
      const index = m.index + (m[0].length - m[0].trimStart().length);
      // Keep the longest match at a position; drop matches inside an earlier one.
      if (found.some((q) => index < q.index + q.text.length && q.index < index + text.length)) continue;
      found.push({ text, kind, index, value: readNumber(text, comma) });
    }
  }
  found.sort((a, b) => a.index - b.index);
  return withParenthesisedEquivalent(sentence, found);
}

function readNumber(text: string, comma: boolean): number {
  const raw = /\d[\d.,\u00a0\u202f]*/.exec(text)?.[0].replace(/[.,]$/, '') ?? '';
  const plain = comma ? raw.replace(/[.\u00a0\u202f]/g, '').replace(',', '.') : raw.replace(/,/g, '');
  return Number.parseFloat(plain);
}

/** "5.7 billion ringgit ($1.37 billion)" and "£5.7bn ($10.7bn; 8.2bn euros)" are one figure stated in several currencies. */
function withParenthesisedEquivalent(sentence: string, qs: Quantity[]): Quantity[] {
  const out: Quantity[] = [];
  for (let i = 0; i < qs.length; i++) {
    const q = qs[i];
    let j = i + 1;
    let end = -1;
    if (qs[j] && q.kind === 'money' && qs[j].kind === 'money' && /^\s*[(（]\s*(?:about|around|roughly|approximately|or|some|nearly)?\s*$/i.test(sentence.slice(q.index + q.text.length, qs[j].index))) {
      // Further equivalents inside the same parentheses, separated by ";" or ",".
      while (qs[j + 1] && qs[j + 1].kind === 'money' && /^\s*[;,]\s*$/.test(sentence.slice(qs[j].index + qs[j].text.length, qs[j + 1].index))) j++;
      const close = sentence.indexOf(')', qs[j].index);
      if (close !== -1 && close - (qs[j].index + qs[j].text.length) <= 2) end = close + 1;
    }
    if (end === -1) {
      out.push(q);
      continue;
    }
    out.push({ ...q, text: sentence.slice(q.index, end) });
    i = j;
  }
  return out;
}

/**
 * What a figure measures, as a noun phrase ("Bilateral trade reached 5.7 billion
 * ringgit" → "bilateral trade"; "posted a profit of $3.36bn" → "profit"), or
 * undefined when the sentence does not name it as one: never a pronoun, a clause
 * fragment, a quote or a piece of a number. The rules are in figure-label.ts.
 */
export function measureOf(sentence: string, q: Pick<Quantity, 'text' | 'index'> & { kind?: Quantity['kind'] }, language?: string): string | undefined {
  // The sentence's other figures may stand between a verb and this one ("rose 2% to $11.1bn from $10.9bn").
  return labelFigure(sentence, q, findQuantities(sentence, language));
}
