import { isPlainFrom } from './plain.js';
import { findQuantities } from './quantities.js';
import { allMatches } from './matches.js';

/** Kinds of answer a sentence can give and a question can want, as bit flags (stored per sentence). */
export const Kind = {
  AMOUNT: 1, // money, percentages, counts with a scale
  NUMBER: 2, // any number
  PERSON: 4,
  DATE: 8,
  PLACE: 16,
  REASON: 32,
  ENTITY: 64, // a named thing: company, team, band, country, person
} as const;
export type KindName = keyof typeof Kind;

const MONTH = String.raw`(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?`;
const DATE_RE = new RegExp(
  String.raw`\b(?:${MONTH}\s+\d{1,2}\b|\d{1,2}\s+${MONTH}|(?:in|since|by|until|from|of|during)\s+(?:early |late |mid-)?(?:${MONTH}\s+)?(?:1[5-9]\d\d|20\d\d)\b|(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)|(?:yesterday|today|tomorrow|last (?:week|month|year)|next (?:week|month|year))|\b(?:1[5-9]\d\d|20\d\d)s?\b|\d{1,2}(?:st|nd|rd|th) century|\d{1,2}:\d{2})`,
  'i',
);
const TITLE = String.raw`(?:Mr|Mrs|Ms|Dr|Prof|Sir|Dame|Lord|President|Vice President|Prime Minister|Minister|Secretary|Chancellor|King|Queen|Prince|Princess|Pope|Gov(?:ernor)?|Sen(?:ator)?|Rep|Judge|Justice|General|Gen|Chairman|Chairwoman|Chief Executive|CEO|Director|Mayor|Captain|Coach)`;
// A person: a titled name, "he said", or a name before a verb of saying or doing. Three patterns, not one alternation,
// so the costly last one runs only when its verb is there (sentenceKinds runs on every sentence at ingest).
const PERSON_TITLED = new RegExp(String.raw`\b${TITLE}\.?\s+\p{Lu}\p{Ll}+`, 'u');
const PERSON_VERB = /\s(?:said|says|told|wrote|added|announced|signed|visited|won|led)/;
const PERSON_NAMED = new RegExp(String.raw`(?<!^)(?<![.!?]\s)\b\p{Lu}\p{Ll}+\s+(?:\p{Lu}\.\s+)?\p{Lu}\p{Ll}+(?:\s+(?:said|says|told|wrote|added|announced|signed|visited|won|led))`, 'u');
const PERSON_PRONOUN = /\b(?:he|she)\s+(?:said|says|told)/u;
const isPerson = (s: string) => PERSON_TITLED.test(s) || PERSON_PRONOUN.test(s) || (PERSON_VERB.test(s) && PERSON_NAMED.test(s));
const PLACE_RE = /\b(?:in|at|from|to|near|across|outside|inside|into)\s+(?:the\s+)?\p{Lu}\p{Ll}+/u;
const REASON_RE = /\b(?:because|due to|owing to|as a result|thanks to|in order to|aim(?:s|ed)? to|so that|reason|caused by|driven by|after|amid|following)\b/i;

export function sentenceKinds(sentence: string): number {
  let k = 0;
  if (findQuantities(sentence).length > 0) k |= Kind.AMOUNT;
  if ((/\d/.test(sentence) && /\d/.test(sentence.replace(/\b(?:1[5-9]\d\d|20\d\d)s?\b/g, ''))) || /\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundred|dozen)\b/i.test(sentence)) k |= Kind.NUMBER;
  if (isPerson(sentence)) k |= Kind.PERSON;
  if (DATE_RE.test(sentence)) k |= Kind.DATE;
  if (PLACE_RE.test(sentence)) k |= Kind.PLACE;
  if (REASON_RE.test(sentence)) k |= Kind.REASON;
  if (capitalAfterFirstWord(sentence)) k |= Kind.ENTITY;
  return k;
}

const FIRST_WORD = /^\W*\S+/;
const UPPER_ASCII = /[A-Z]/g;
const UPPER = /\p{Lu}/gu;

/** An upper-case letter after the first word. \p{Lu} is slow to scan for, so ASCII capitals are looked for first, and \p{Lu} only when the rest is not plain text (plain.ts). */
function capitalAfterFirstWord(sentence: string): boolean {
  const from = FIRST_WORD.exec(sentence)?.[0].length ?? 0;
  UPPER_ASCII.lastIndex = from;
  if (UPPER_ASCII.test(sentence)) return true;
  if (isPlainFrom(sentence, from)) return false;
  UPPER.lastIndex = from;
  return UPPER.test(sentence);
}

// A run of capitalised words, with the small words names hold ("Bank of England", "Leonardo da Vinci").
const NAME_RE = /\p{Lu}[\p{L}\p{N}’'.&-]*(?:\s+(?:(?:of|the|de|da|del|van|von|al|and|for|on)\s+)*\p{Lu}[\p{L}\p{N}’'.&-]*)*/gu;
const PLACE_BEFORE = /\b(?:in|at|from|to|near|across|outside|inside|into|throughout|within|of|on|towards?)\s+(?:the\s+)?$/i;
const NUMBER_RE = /\b\d[\d,.]*(?:\s?(?:%|percent|per cent|million|billion|trillion|thousand|hundred))?|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand|million|billion|dozen|dozens|half|third|quarter)\b/gi;
const DATE_SPAN_RE = new RegExp(DATE_RE.source, 'gi');
const REASON_SPAN_RE = new RegExp(REASON_RE.source, 'gi');

/**
 * The spans of a sentence that could be an answer of the wanted kinds: names for
 * people, places and named things, numbers for amounts, dates for times. A
 * sentence-initial capital alone is not a name ("Officials said…").
 */
export function answerSpans(sentence: string, wanted: number): string[] {
  const out: string[] = [];
  if (wanted & (Kind.PERSON | Kind.PLACE | Kind.ENTITY)) {
    const first = sentence.search(/\p{L}/u);
    for (const m of allMatches(NAME_RE, sentence)) {
      if (m.index === first && !/\s/.test(m[0])) continue;
      // A place is named after a preposition ("in Kenya", "from the Crimea"); a bare name is someone or something.
      if (wanted === Kind.PLACE && !PLACE_BEFORE.test(sentence.slice(Math.max(0, m.index - 16), m.index))) continue;
      // A sentence's full stop is not part of the name; an initial's or "U.S." is.
      out.push(m[0].replace(/(?<!\b\p{Lu}|\.\p{L})\.$/u, ''));
    }
  }
  if (wanted & (Kind.AMOUNT | Kind.NUMBER)) for (const m of allMatches(NUMBER_RE, sentence)) out.push(m[0]);
  if (wanted & Kind.DATE) for (const m of allMatches(DATE_SPAN_RE, sentence)) out.push(m[0]);
  if (wanted & Kind.REASON) for (const m of allMatches(REASON_SPAN_RE, sentence)) out.push(m[0]);
  return out;
}

/** The numbers of a sentence that are not part of a date ("Nov. 23", "in 2024"): counts, amounts, shares. */
export function numbersOutsideDates(sentence: string): string[] {
  return allMatches(NUMBER_RE, sentence.replace(DATE_SPAN_RE, ' ')).map((m) => m[0]);
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
  if (/\bwhere\b/.test(q) || new RegExp(String.raw`\b(?:what|which|this|these|that) (?:[a-z-]+ )?${PLACE_NOUN}\b`).test(q)) return Kind.PLACE;
  if (/\bwhy\b|\breason\b|\bpurpose\b/.test(q)) return Kind.REASON;
  if (new RegExp(String.raw`\b(?:what|which|this|these) (?:[a-z-]+ )?${PERSON_NOUN}\b`).test(q)) return Kind.PERSON;
  if (new RegExp(String.raw`\b(?:what|which|this|these) (?:[a-z-]+ )?${ENTITY_NOUN}\b`).test(q)) return Kind.ENTITY;
  return 0;
}

// Nouns that, after "which", "what" or a quiz's "this", ask for a name.
const PLACE_NOUN = String.raw`(?:country|countries|city|cities|state|states|region|place|town|continent|county|nation|island|province|capital)`;
const PERSON_NOUN = String.raw`(?:person|man|woman|artist|singer|actor|actress|player|athlete|star|leader|president|politician|author|writer|director|rapper|musician|celebrity|executive|founder|senator|governor|minister|king|queen|prince|princess|judge|comedian|chef|designer|scientist|composer|architect|candidate|lawmaker|billionaire|entrepreneur|host|coach|quarterback|official|pope|monarch|general|emperor|explorer|inventor|philosopher|poet|painter)`;
const ENTITY_NOUN = String.raw`(?:company|companies|firm|organization|organisation|group|team|club|band|brand|agency|network|airline|bank|university|party|newspaper|magazine|show|series|film|movie|book|album|song|app|platform|website|retailer|automaker|carmaker|manufacturer|league|tournament|award|program|programme|game|church|court|institution|department|ministry|museum|restaurant|chain|store|broadcaster|studio|publisher|channel|language|religion)`;
