import { findQuantities } from './quantities.js';

/** Kinds of answer a sentence can give and a question can want, as bit flags (stored per sentence). */
export const Kind = {
  AMOUNT: 1, // money, percentages, counts with a scale
  NUMBER: 2, // any number
  PERSON: 4,
  DATE: 8,
  PLACE: 16,
  REASON: 32,
} as const;
export type KindName = keyof typeof Kind;

const MONTH = String.raw`(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?`;
const DATE_RE = new RegExp(
  String.raw`\b(?:${MONTH}\s+\d{1,2}\b|\d{1,2}\s+${MONTH}|(?:in|since|by|until|from|of|during)\s+(?:early |late |mid-)?(?:${MONTH}\s+)?(?:1[5-9]\d\d|20\d\d)\b|(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)|(?:yesterday|today|tomorrow|last (?:week|month|year)|next (?:week|month|year))|\b(?:1[5-9]\d\d|20\d\d)s?\b|\d{1,2}(?:st|nd|rd|th) century|\d{1,2}:\d{2})`,
  'i',
);
const TITLE = String.raw`(?:Mr|Mrs|Ms|Dr|Prof|Sir|Dame|Lord|President|Vice President|Prime Minister|Minister|Secretary|Chancellor|King|Queen|Prince|Princess|Pope|Gov(?:ernor)?|Sen(?:ator)?|Rep|Judge|Justice|General|Gen|Chairman|Chairwoman|Chief Executive|CEO|Director|Mayor|Captain|Coach)`;
const PERSON_RE = new RegExp(String.raw`\b${TITLE}\.?\s+\p{Lu}\p{Ll}+|(?<!^)(?<![.!?]\s)\b\p{Lu}\p{Ll}+\s+(?:\p{Lu}\.\s+)?\p{Lu}\p{Ll}+(?:\s+(?:said|says|told|wrote|added|announced|signed|visited|won|led))|\b(?:he|she)\s+(?:said|says|told)`, 'u');
const PLACE_RE = /\b(?:in|at|from|to|near|across|outside|inside|into)\s+(?:the\s+)?\p{Lu}\p{Ll}+/u;
const REASON_RE = /\b(?:because|due to|owing to|as a result|thanks to|in order to|aim(?:s|ed)? to|so that|reason|caused by|driven by|after|amid|following)\b/i;

export function sentenceKinds(sentence: string): number {
  let k = 0;
  if (findQuantities(sentence).length > 0) k |= Kind.AMOUNT;
  if (/\d/.test(sentence.replace(/\b(?:1[5-9]\d\d|20\d\d)s?\b/g, '')) || /\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundred|dozen)\b/i.test(sentence)) k |= Kind.NUMBER;
  if (PERSON_RE.test(sentence)) k |= Kind.PERSON;
  if (DATE_RE.test(sentence)) k |= Kind.DATE;
  if (PLACE_RE.test(sentence)) k |= Kind.PLACE;
  if (REASON_RE.test(sentence)) k |= Kind.REASON;
  return k;
}

/** What kind of answer a question wants (0: no particular kind). */
export function questionKind(question: string): number {
  const q = question.toLowerCase();
  if (/\bhow (?:much|many|large|big|high|low|long|far|old|fast)\b|\b(?:figure|amount|number|percentage|percent|rate|price|cost|value|total|sum|worth|revenue|profit|sales)s?\b.*\?|^(?:what|which) (?:figure|amount|number|percentage|rate|price|cost|value|total)/.test(q)) {
    return /\bhow (?:many|old|long|far)\b|\bnumber\b/.test(q) ? Kind.NUMBER : Kind.AMOUNT;
  }
  if (/\b(?:figure|figures|amount|stats?|statistics|numbers?)\b/.test(q) && q.split(/\s+/).length <= 4) return Kind.AMOUNT;
  if (/\bwho(?:m|se)?\b/.test(q)) return Kind.PERSON;
  if (/\bwhen\b|\bwhat (?:year|date|day|month|time|decade|century)\b|\bwhich (?:year|date|day|month|decade|century)\b|\bin what year\b/.test(q)) return Kind.DATE;
  if (/\bwhere\b|\b(?:what|which) (?:country|city|state|region|place|town|continent|county|nation)\b/.test(q)) return Kind.PLACE;
  if (/\bwhy\b|\breason\b|\bpurpose\b/.test(q)) return Kind.REASON;
  return 0;
}
