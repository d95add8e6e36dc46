/**
 * The key-figure extractor as it was before locale-aware numbers and noun-phrase labels
 * (commit dca4fb5), kept unchanged as the baseline `eval figures` prints beside the current one.
 */
/**
 * Quantities in news text: money ("$1.37 billion", "5.7 billion ringgit", "£600m",
 * "CFA11.9 billion"), percentages ("16.2%", "7 percent") and counts with a scale
 * ("2.5 million people"). Hand-written because general NLP libraries miss news
 * money forms like "$1.13bn" and "£600m".
 */
export interface Quantity {
  text: string;
  kind: 'money' | 'percent' | 'count';
  index: number;
}

const CURRENCY_SYMBOL = String.raw`(?:US\$|A\$|C\$|HK\$|S\$|NZ\$|R\$|\$|£|€|¥|₹|₦|₩|CFA\s?|KSh\s?|Ksh\s?|RM\s?|Rs\.?\s?|USD\s?|EUR\s?|GBP\s?)`;
const NUMBER = String.raw`\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?`;
const SCALE = String.raw`(?:\s?(?:trillion|billion|million|thousand|bn|tn|mn|m|b|k)\b)`;
const CURRENCY_WORD = String.raw`(?:dollars?|euros?|pounds?|yen|yuan|renminbi|rupees?|ringgit|shillings?|naira|rand|francs?|pesos?|reais|real|won|dirhams?|riyals?|CFA francs?|cedis?|birr|kwacha|leones?|dinars?|lira|rubles?|roubles?|baht|dong|rupiah|krona|kronor|krone|zloty)`;
const CURRENCY_CODE = String.raw`(?:USD|EUR|GBP|JPY|CNY|INR|MYR|KES|NGN|ZAR|XOF|XAF|CHF|CAD|AUD)`;

const PATTERNS: { kind: Quantity['kind']; re: RegExp }[] = [
  { kind: 'money', re: new RegExp(String.raw`${CURRENCY_SYMBOL}(?:${NUMBER})${SCALE}?(?:\s(?:${CURRENCY_WORD}|${CURRENCY_CODE})\b)?`, 'gi') },
  { kind: 'money', re: new RegExp(String.raw`\b(?:${NUMBER})${SCALE}?\s(?:${CURRENCY_WORD}|${CURRENCY_CODE})\b`, 'gi') },
  { kind: 'percent', re: new RegExp(String.raw`\b(?:${NUMBER})\s?(?:%|per\s?cent\b|percent\b|percentage points?\b)`, 'gi') },
  { kind: 'count', re: new RegExp(String.raw`\b(?:${NUMBER})\s(?:trillion|billion|million|thousand|hundred)\b`, 'gi') },
];

export function findQuantities(sentence: string): Quantity[] {
  // Every pattern needs a digit; most sentences have none, and this is on the ingest path.
  if (!/\d/.test(sentence)) return [];
  const found: Quantity[] = [];
  for (const { kind, re } of PATTERNS) {
    for (const m of sentence.matchAll(re)) {
      const text = m[0].trim();
      const index = m.index;
      // Keep the longest match at a position; drop matches inside an earlier one.
      if (found.some((q) => index >= q.index && index < q.index + q.text.length)) continue;
      found.push({ text, kind, index });
    }
  }
  found.sort((a, b) => a.index - b.index);
  return withParenthesisedEquivalent(sentence, found);
}

/** "5.7 billion ringgit ($1.37 billion)" is one figure stated in two currencies. */
function withParenthesisedEquivalent(sentence: string, qs: Quantity[]): Quantity[] {
  const out: Quantity[] = [];
  for (let i = 0; i < qs.length; i++) {
    const q = qs[i];
    const next = qs[i + 1];
    if (next && q.kind === next.kind) {
      const between = sentence.slice(q.index + q.text.length, next.index);
      if (/^\s*[(（]\s*(?:about|around|roughly|approximately|or|some|nearly)?\s*$/i.test(between)) {
        const close = sentence.indexOf(')', next.index);
        if (close !== -1 && close - (next.index + next.text.length) <= 2) {
          out.push({ kind: q.kind, index: q.index, text: sentence.slice(q.index, close + 1) });
          i++;
          continue;
        }
      }
    }
    out.push(q);
  }
  return out;
}

const MEASURE_VERBS =
  /\b(?:reached|reach|rose|rise|rising|fell|fall|falling|jumped|jump|climbed|climb|dropped|drop|declined|decline|grew|grow|increased|increase|decreased|decrease|totalled|totaled|totals|total|stood|stands|hit|hits|amounted|amounts|was|were|is|are|came|surged|slumped|soared|plunged|gained|lost|topped|exceeded|raised|raise|posted|reported|recorded|made|earned|generated|cost|costs|valued|worth)\b/i;

/**
 * What a figure measures: the noun phrase before the verb that introduces it
 * ("Bilateral trade reached 5.7 billion ringgit" -> "bilateral trade").
 */
export function measureOf(sentence: string, q: Quantity): string | undefined {
  const before = sentence.slice(0, q.index);
  const clause = before.split(/[;:,(—–]|\b(?:and|but|while|which|after|as|said|says|that)\b/i).pop() ?? before;
  const verb = MEASURE_VERBS.exec(clause);
  const subject = (verb ? clause.slice(0, verb.index) : '').trim();
  const cleaned = subject
    .replace(/^(?:the|its|their|his|her|this|that|these|those|a|an)\s+/i, '')
    .replace(/\s+(?:has|have|had|will|would|could|also|to|by)$/i, '')
    .trim();
  if (!cleaned || cleaned.split(/\s+/).length > 8 || !/\p{L}/u.test(cleaned)) return undefined;
  // Sentence-initial capitals are not names: "Bilateral trade" -> "bilateral trade", but "TimeWarner" stays.
  return /^\p{Lu}\p{Ll}+(?:\s|$)/u.test(cleaned) && !/^\p{Lu}\p{Ll}+\s\p{Lu}/u.test(cleaned) ? cleaned[0].toLowerCase() + cleaned.slice(1) : cleaned;
}
