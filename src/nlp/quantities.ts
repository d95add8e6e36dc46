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
    for (const m of sentence.matchAll(re)) {
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

const MEASURE_VERBS =
  /\b(?:reached|reach|rose|rise|rising|fell|fall|falling|jumped|jump|climbed|climb|dropped|drop|declined|decline|grew|grow|growing|increased|increase|decreased|decrease|totalled|totaled|totals|total|stood|stands|hit|hits|amounted|amounts|was|were|is|are|came|surged|slumped|soared|plunged|gained|lost|topped|exceeded|raised|raise|posted|reported|recorded|made|earned|generated|valued|worth|slid|slipped|slowed|climbed|tripled|doubled|halved)\b/i;

// Closed-class words: a label holding one is a clause fragment or a pronoun, not a noun phrase.
const PRONOUNS = new Set('i you he she it we they me him us them this that these those who whom which what there someone something anyone everyone one'.split(' '));
const FUNCTION_WORDS = new Set(
  `a an the its their his her our your my and or but nor so yet for from in on at by with to of as than when if because since after before while although though
  until unless whether against toward towards across beyond behind including like amid despite following plus into onto over under about around between among through during without within upon per via not also just only even still now then already
  has have had having will would could should can may might must shall do does did is are was were be been being says said say tell told expects expect expected
  hopes hope believes believe thinks think estimates estimated reckons according nevertheless however meanwhile separately overall`.split(/\s+/),
);
const DETERMINERS = new Set('a an the its their his her our this that these those'.split(' '));
// What often comes between the measure and its figure: "a profit of about $3bn", "rose by as much as 30%".
const HEDGE = String.raw`(?:(?:about|around|roughly|approximately|some|nearly|almost|just|only|over|under|more than|less than|up to|as much as|as little as|at least|at most|a record|an estimated|close to)\s+)*`;
const CHANGE_NOUNS = /^(?:rise|fall|drop|increase|decrease|gain|growth|decline|jump|cut|hike|reduction|slump|surge|improvement)$/i;

/**
 * What a figure measures, as a noun phrase ("Bilateral trade reached 5.7 billion
 * ringgit" → "bilateral trade"; "posted a profit of $3.36bn" → "profit"), or
 * undefined when the sentence does not name it as one: never a pronoun, a clause
 * fragment, a quote or a piece of a number.
 */
export function measureOf(sentence: string, q: Pick<Quantity, 'text' | 'index'>): string | undefined {
  const before = sentence.slice(0, q.index);
  const after = sentence.slice(q.index + q.text.length);
  // A determiner right before the figure makes it modify the noun after it ("an £150m investment"); that noun comes first.
  const candidates = [nounOf(before), nounAfter(before, after), subjectOf(before), objectBefore(before)];
  for (const c of candidates) {
    const label = c && tidy(c, sentence);
    if (label) return label;
  }
  return undefined;
}

/** "a profit of $3.36bn", "an estimate of £1.8m": the noun right before "of". */
// Compiled once: measureOf runs for every figure of every article at ingest.
const NOUN_OF = new RegExp(String.raw`((?:[\p{L}'’-]+\s+){0,3}[\p{L}'’-]+)\s+of\s+${HEDGE}$`, 'iu');
const OBJECT_BEFORE = new RegExp(String.raw`(?:^|\s)(?:the|its|their|his|her)\s+((?:[\p{L}'’-]+\s+){0,3}[\p{L}'’-]+)\s+(?:to|by|from|at)\s+${HEDGE}$`, 'iu');
const DETERMINER_BEFORE = new RegExp(String.raw`(?:^|\s)(?:a|an|the|its|their|his|her)\s+(?:new\s+|extra\s+|additional\s+|further\s+)?$`, 'iu');

function nounOf(before: string): string | undefined {
  const m = NOUN_OF.exec(before);
  return m ? lastRun(m[1]) : undefined;
}

/** "Bilateral trade reached 5.7 billion": the subject before a verb that introduces a figure, in the figure's clause. */
function subjectOf(before: string): string | undefined {
  const clause = before.split(/[;:,(—–"“”]|\s-\s|\b(?:and|but|while|which|after|as|said|says|that|with|when)\b/i).pop() ?? before;
  // "from $10.9bn" is where a measure came from, not what it is now.
  if (/\bfrom\s+$/i.test(before)) return undefined;
  const verb = MEASURE_VERBS.exec(clause);
  if (!verb) return undefined;
  // The verb introduces this figure only when few words stand between them ("jumped 76% to $1.13bn").
  if (clause.slice(verb.index + verb[0].length).trim().split(/\s+/).filter(Boolean).length > 5) return undefined;
  const subject = clause.slice(0, verb.index).trim().replace(/\s+(?:has|have|had|will|would|could|also|to|by|now|already|still|is|are|was|were)$/i, '');
  return subject.replace(/^(?:the|its|their|his|her|this|that|these|those|a|an)\s+/i, '');
}

/** "push down the unemployment rate to 5.2%", "raising fuel prices by 30%": the noun phrase the figure is attached to by "to", "by", "from" or "at". */
function objectBefore(before: string): string | undefined {
  const m = OBJECT_BEFORE.exec(before);
  return m?.[1];
}

/** "a $206bn settlement", "a 40% drop in profits": the noun phrase a determiner opens before the figure and closes after it. */
function nounAfter(before: string, after: string): string | undefined {
  if (!DETERMINER_BEFORE.test(before)) return undefined;
  const words = after.match(/^(?:\s+[\p{L}'’-]+){1,6}/u)?.[0].trim().split(/\s+/) ?? [];
  const phrase: string[] = [];
  for (let i = 0; i < words.length && phrase.length < 3; i++) {
    const w = words[i];
    const lower = w.toLowerCase();
    // A participle right after the figure starts a clause ("the $204m announced by").
    if (phrase.length === 0 && /ed$/i.test(w)) break;
    // A word followed by a determiner is a verb or a preposition ("bill get a vote"): the noun phrase has ended.
    if (FUNCTION_WORDS.has(lower) || PRONOUNS.has(lower) || DETERMINERS.has((words[i + 1] ?? '').toLowerCase())) {
      if (phrase.length === 1 && CHANGE_NOUNS.test(phrase[0]) && (lower === 'in' || lower === 'of')) {
        // "a 40% drop in profits": what dropped is the measure.
        const rest = words.slice(i + 1);
        const object: string[] = [];
        for (const r of rest) {
          if (FUNCTION_WORDS.has(r.toLowerCase()) || PRONOUNS.has(r.toLowerCase()) || object.length === 3) break;
          object.push(r);
        }
        return object.join(' ') || undefined;
      }
      if (DETERMINERS.has((words[i + 1] ?? '').toLowerCase()) && !FUNCTION_WORDS.has(lower)) break;
      break;
    }
    phrase.push(w);
  }
  return phrase.join(' ') || undefined;
}

/** The words after the last function word: "posted a profit" → "profit". */
function lastRun(text: string): string | undefined {
  const words = text.split(/\s+/);
  const out: string[] = [];
  for (let i = words.length - 1; i >= 0; i--) {
    // A participle or past form before the noun is the verb that governs it ("indicated growth of").
    if (FUNCTION_WORDS.has(words[i].toLowerCase()) || PRONOUNS.has(words[i].toLowerCase()) || MEASURE_VERBS.test(words[i])) break;
    if (out.length > 0 && /(?:ed|ing)$/i.test(words[i])) break;
    out.unshift(words[i]);
  }
  return out.join(' ') || undefined;
}

/** The label as a reader sees it, or undefined when it is not a noun phrase. */
function tidy(raw: string, sentence: string): string | undefined {
  // A final period stays after an abbreviation ("the U.S.").
  const label = raw.replace(/\s+/g, ' ').trim().replace(/(?<!\b\p{L}\.\p{L})[.,;:]+$/u, '');
  if (!label) return undefined;
  // Digits, quotes, brackets or symbols: a piece of a number or of a quote.
  if (/[\d"“”‘()[\]$£€¥%/]/u.test(label) || !/\p{L}/u.test(label)) return undefined;
  const words = label.split(' ');
  if (words.length > 7) return undefined;
  const lower = words.map((w) => w.toLowerCase().replace(/['’]s$/, ''));
  if (lower.some((w) => PRONOUNS.has(w))) return undefined;
  if (FUNCTION_WORDS.has(lower[0]) || FUNCTION_WORDS.has(lower[lower.length - 1]) || DETERMINERS.has(lower[lower.length - 1])) return undefined;
  // Inner function words make a phrase only as prepositions ("limit for foreign investment"), never as verbs.
  if (lower.some((w) => /^(?:has|have|had|will|would|could|should|can|may|might|must|is|are|was|were|be|been|says|said|say|expects?|expected|hopes?|managed)$/.test(w))) return undefined;
  if (MEASURE_VERBS.test(label)) return undefined;
  // "earning the family a": a participle taking an object is a clause, not a noun phrase.
  if (/ing$/i.test(words[0]) && words.length > 1 && DETERMINERS.has(lower[1])) return undefined;
  // Names alone (every word capitalised, not just the sentence's first) are who, not what is measured.
  const atStart = sentence.trimStart().startsWith(label);
  if (words.every((w) => /^\p{Lu}/u.test(w)) && (!atStart || words.length > 1 || /^\p{Lu}{2,}$/u.test(label))) return undefined;
  // Sentence-initial capitals are not names: "Bilateral trade" -> "bilateral trade", but "TimeWarner" stays.
  return atStart && /^\p{Lu}\p{Ll}+(?:\s|$)/u.test(label) && !/^\p{Lu}\p{Ll}+\s\p{Lu}/u.test(label) ? label[0].toLowerCase() + label.slice(1) : label;
}
