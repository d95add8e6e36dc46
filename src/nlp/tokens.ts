import { articleMemo } from './article-memo.js';
import { isPlain } from './plain.js';
import { stemmer } from 'stemmer';

/** Words of English that carry no topic; questions and search terms drop them. */
export const STOPWORDS = new Set(
  `a about above after again against all also am an and any are aren't as at be because been before being below between both but by
can could did do does doing don't down during each few for from further had has have having he her here hers herself him himself his how
i if in into is isn't it it's its itself just let's me more most my myself no nor not now of off on once only or other ought our ours ourselves
out over own same she should so some such than that that's the their theirs them themselves then there these they this those through to too
under until up very was we were what when where which while who whom why will with would you your yours yourself yourselves
s t did said says say tell told us one also get got may might must shall whose upon per via yet ever`.split(/\s+/),
);

const WORD = /[\p{L}\p{N}]+(?:['’.,-][\p{L}\p{N}]+)*/gu;
// WORD for plain text (see plain.ts): the same tokens, twice as fast.
const PLAIN_WORD = /[a-z0-9]+(?:['’.,-][a-z0-9]+)*/g;

/** The lowercased text's tokens, and whether it is plain text (see terms()). */
interface Tokens {
  words: string[];
  plain: boolean;
}

const tokens = articleMemo((text: string): Tokens => {
  const lower = text.toLowerCase();
  const plain = isPlain(lower);
  return { words: lower.match(plain ? PLAIN_WORD : WORD) ?? [], plain };
});

/** Lowercased word tokens (letters, digits, inner apostrophes/hyphens/dots in numbers). */
export function words(text: string): string[] {
  return tokens(text).words.slice();
}

/** How many word tokens the text has: `words(text).length` without the copy. */
export function wordCount(text: string): number {
  return tokens(text).words.length;
}

// News vocabulary is Zipfian: a bounded cache answers most stems without re-running Porter's steps.
const STEM_CACHE_LIMIT = 200_000;
const stemCache = new Map<string, string>();

/** Porter stem of any lowercased word, as the FTS5 porter tokenizer indexes it. Memoised. */
export function porterStem(word: string): string {
  let s = stemCache.get(word);
  if (s === undefined) {
    s = stemmer(word);
    if (stemCache.size >= STEM_CACHE_LIMIT) stemCache.clear();
    stemCache.set(word, s);
  }
  return s;
}

/** The stem used for matching and scoring: words of three letters or fewer are kept whole. */
export function stem(word: string): string {
  return word.length <= 3 ? word : porterStem(word);
}

const HAS_DIGIT = /\p{N}/u;
const INNER_MARK = /['’-]/;

/** Content terms: lowercased, stopwords removed, stemmed. Numbers are kept whole. */
export function terms(text: string): string[] {
  return termsOf(text).slice();
}

// The summary's features read every sentence's terms, and the story signature the headline's and the lead's again.
const termsOf = articleMemo((text: string): string[] => {
  const { words, plain } = tokens(text);
  const out: string[] = [];
  if (!plain) {
    for (const w of words) addTerm(out, w, HAS_DIGIT.test(w), INNER_MARK.test(w));
    return out;
  }
  // Plain text: a digit is 0-9, and one pass over the word's characters answers both questions.
  for (const w of words) {
    let digit = false;
    let mark = false;
    for (let i = 0; i < w.length; i++) {
      const c = w.charCodeAt(i);
      if (c <= 57 && c >= 48) digit = true;
      else if (c === 39 || c === 45 || c === 8217) mark = true;
    }
    addTerm(out, w, digit, mark);
  }
  return out;
});

function addTerm(out: string[], w: string, numeric: boolean, innerMark: boolean): void {
  if (numeric) {
    const n = w.replace(/[’']/g, '');
    if (!STOPWORDS.has(n)) out.push(n);
  } else if (!innerMark) {
    if (!STOPWORDS.has(w)) out.push(stem(w));
  } else {
    for (const part of w.split(/['’-]/)) if (part.length > 0 && !STOPWORDS.has(part)) out.push(HAS_DIGIT.test(part) ? part : stem(part));
  }
}
