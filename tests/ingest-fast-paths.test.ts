/**
 * The ingest path's fast forms give exactly what the plain forms they replaced give:
 * each is checked against that plain form (kept here as the reference) on random text
 * mixing ASCII, the typographic punctuation of news, accented and non-Latin letters,
 * Unicode digits and case oddities. Speed lives in `npm run bench -- --only ingest`;
 * `npx tsx bench/ingest-check.ts` compares whole stores before and after a change.
 */
import fc from 'fast-check';
import { stemmer } from 'stemmer';
import { describe, expect, it } from 'vitest';
import { analyseArticle } from '../src/articles/analyse.js';
import { cleanLines, wordsAtMost } from '../src/articles/clean.js';
import { simpleFrontMatter } from '../src/articles/text.js';
import { parse as parseYaml } from 'yaml';
import { clean, isFurnitureLine } from '../src/articles/html.js';
import { nonSpaceLength } from '../src/articles/non-space.js';
import { decodeText } from '../src/articles/decode.js';
import { Kind, sentenceKinds } from '../src/nlp/kinds.js';
import { guessLanguage } from '../src/nlp/language.js';
import { findQuantities } from '../src/nlp/quantities.js';
import { allMatches } from '../src/nlp/matches.js';
import { squashSpaces } from '../src/nlp/spaces.js';
import { withinOneArticle } from '../src/nlp/article-memo.js';
import { STOPWORDS, terms, words } from '../src/nlp/tokens.js';
import { contentHash } from '../src/store/retrieval.js';
import { createHash } from 'node:crypto';

const RUNS = 3000;

/** Pieces that sit on the edges of the fast paths: plain and not-plain characters, separators, digits of other scripts, case that folds to ASCII. */
const PIECES = [
  'a', 'Z', 'q', '7', '0', ' ', '  ', '\t', '\n', '\u00a0', '\u2009', "'", '’', '‘', '“', '”', '–', '—', '…', '...', '£', '€', '°', '•', '-', '.', ',', '%',
  'é', 'É', 'ß', 'İ', 'K' /* Kelvin sign, lowercases to k */, 'Ω', 'ж', 'Ж', '中', '²', '½', '٣', '𝟘', '😀', '$', '(', ')', ':', '|', '/',
  'the', 'The', 'said', 'Mr', 'President', 'in', 'London', 'he', 'says', 'because', '2024', '1998s', 'one', 'ad', 'Advertisement', 'photo',
  'share', 'Facebook', 'Twitter', 'Getty Images', 'de', 'la', 'und', 'der', '5.7', 'billion', 'ringgit', '$1.3bn', '40%', '0,68%',
];
const text = fc.oneof(
  fc.array(fc.constantFrom(...PIECES), { maxLength: 40 }).map((a) => a.join('')),
  fc.array(fc.constantFrom(...PIECES), { maxLength: 40 }).map((a) => a.join(' ')),
  fc.string({ unit: 'binary', maxLength: 60 }),
);
const check = (prop: fc.IProperty<[string]> | fc.IAsyncProperty<[string]>) => fc.assert(prop as fc.IProperty<[string]>, { numRuns: RUNS });

// ---------- the plain forms, as they were ----------

const refWords = (t: string) => t.toLowerCase().match(/[\p{L}\p{N}]+(?:['’.,-][\p{L}\p{N}]+)*/gu) ?? [];
const refStem = (w: string) => (w.length <= 3 ? w : stemmer(w));
function refTerms(t: string): string[] {
  const out: string[] = [];
  for (const w of refWords(t)) {
    if (/\p{N}/u.test(w)) {
      const n = w.replace(/[’']/g, '');
      if (!STOPWORDS.has(n)) out.push(n);
    } else if (!/['’-]/.test(w)) {
      if (!STOPWORDS.has(w)) out.push(refStem(w));
    } else {
      for (const part of w.split(/['’-]/)) if (part.length > 0 && !STOPWORDS.has(part)) out.push(/\p{N}/u.test(part) ? part : refStem(part));
    }
  }
  return out;
}
const refHash = (body: string) => createHash('sha256').update(body.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim()).digest('hex');
const TITLE = String.raw`(?:Mr|Mrs|Ms|Dr|Prof|Sir|Dame|Lord|President|Vice President|Prime Minister|Minister|Secretary|Chancellor|King|Queen|Prince|Princess|Pope|Gov(?:ernor)?|Sen(?:ator)?|Rep|Judge|Justice|General|Gen|Chairman|Chairwoman|Chief Executive|CEO|Director|Mayor|Captain|Coach)`;
const PERSON_RE = new RegExp(String.raw`\b${TITLE}\.?\s+\p{Lu}\p{Ll}+|(?<!^)(?<![.!?]\s)\b\p{Lu}\p{Ll}+\s+(?:\p{Lu}\.\s+)?\p{Lu}\p{Ll}+(?:\s+(?:said|says|told|wrote|added|announced|signed|visited|won|led))|\b(?:he|she)\s+(?:said|says|told)`, 'u');
/** The person, number and named-thing bits as sentenceKinds computed them with one pattern each. */
function refKindBits(s: string): number {
  let k = 0;
  if (/\d/.test(s.replace(/\b(?:1[5-9]\d\d|20\d\d)s?\b/g, '')) || /\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundred|dozen)\b/i.test(s)) k |= Kind.NUMBER;
  if (PERSON_RE.test(s)) k |= Kind.PERSON;
  if (/\p{Lu}/u.test(s.replace(/^\W*\S+/, ''))) k |= Kind.ENTITY;
  return k;
}
const FUNCTION_WORDS: Record<string, string> = {
  pt: 'o a os as de do da dos das em no na nos nas um uma para com não que por mais ao pelo pela se foi é são',
  es: 'el la los las de del en un una para con no que por más al se fue es son lo como su y',
  fr: 'le la les de des du en un une pour avec ne pas que qui par plus au aux se est sont et dans sur',
  de: 'der die das den dem des ein eine einer und ist sind nicht mit von zu im in auf für sich auch wird',
};
function refGuessLanguage(t: string): string | undefined {
  const w = refWords(t.slice(0, 4000));
  if (w.length < 8) return undefined;
  const shares: [string, number][] = [['en', w.filter((x) => STOPWORDS.has(x)).length / w.length]];
  for (const [lang, list] of Object.entries(FUNCTION_WORDS)) {
    const set = new Set(list.split(' '));
    shares.push([lang, w.filter((x) => set.has(x)).length / w.length]);
  }
  shares.sort((a, b) => b[1] - a[1]);
  return shares[0][1] > 0.2 ? shares[0][0] : undefined;
}

// isFurnitureLine as it was, counting words and tokens one regular expression match at a time.
/** Words (runs of non-space) of `s`, counted up to `cap` + 1: the rules below only ask "at most n?" with n ≤ cap, and most lines are long. */
function wordCount(s: string, cap = 60): number {
  const word = /\S+/g;
  let n = 0;
  while (word.exec(s) && n <= cap) n++;
  return n;
}

/** Whether `re` (global) matches more than `max` times in `s`, looking no further than needed. */
function matchesMoreThan(re: RegExp, s: string, max: number, keep: (m: string) => boolean = () => true): boolean {
  re.lastIndex = 0;
  let n = 0;
  for (let m = re.exec(s); m; m = re.exec(s)) if (keep(m[0]) && ++n > max) return true;
  return false;
}

const SOCIAL = /^(?:facebook|twitter|whatsapp|pinterest|pint|pin|linkedin|reddit|telegram|tumblr|email|e-mail|mail|print|messenger|sms|flipboard|copy|link|share|tweet|x|vk|line|baixar|download|save)$/i;

/** "Advertisement" as pages print it above ad slots, in the languages news pages are commonly written in. */
const AD_LABEL =
  /^(?:advertisement|advertisements|advert|ad|ads|sponsored|anzeige|werbung|publicidad|publicité|publicite|pubblicità|publicidade|reclame|advertentie|reklama|реклама|iklan|광고|广告|広告|إعلان)$/iu;

/** Characters of AD_LABEL's longest word ("advertisements"). */
const AD_LABEL_MAX = 14;

const MONTH = String.raw`(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?`;
const DATE_TOKEN = new RegExp(String.raw`^(?:${MONTH}|\d{1,4}(?:st|nd|rd|th)?|\d{1,2}:\d{2}(?::\d{2})?|[ap]\.?m\.?|mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:rs(?:day)?)?|fri(?:day)?|sat(?:urday)?|sun(?:day)?|at|on|of|updated|published|posted|first|last|modified|gmt|utc|[ecmp][sd]t)$`, 'i');

/** A line that is a date or time stamp, possibly labelled ("First Published: Tuesday, November 19, 2019 08:38 AM"). */
function refIsDateLine(text: string): boolean {
  // Over 12 words is no date line; a long paragraph is told apart without splitting all of it.
  if (matchesMoreThan(/[^\s,|:;/]+/g, text, 12, (w) => /[\p{L}\p{N}]/u.test(w))) return false;
  const words = text.split(/[\s,|:;/]+/).filter((w) => /[\p{L}\p{N}]/u.test(w));
  if (!words.length) return false;
  const dateWords = words.filter((w) => DATE_TOKEN.test(w.replace(/[^\p{L}\p{N}:.]/gu, ''))).length;
  return dateWords / words.length >= 0.75 && /\d/.test(text);
}

/** "Posted on March 30, 2015 by Admin", "By A and B on Monday, November 18th, 2019 at 11:08 a.m." */
function refIsPostedLine(text: string): boolean {
  return wordCount(text) <= 20 && /^(?:posted|published|updated|by)\b/i.test(text) && new RegExp(`\\b(?:${MONTH}|\\d{4})\\b`, 'i').test(text) && !/[.!?]["”’]?$/.test(text.replace(/\b[ap]\.m\.$/i, ''));
}

/**
 * (Reference.) Lines of page furniture recognisable from their text alone, whatever the markup:
 * share bars, ad labels, photo credits and captions with credits, "contributed to
 * this report" notes, citation and copyright notices, filing and tag lines.
 */
function refIsFurnitureLine(text: string): boolean {
  const t = text.trim();
  const words = wordCount(t);
  if (!matchesMoreThan(/[^\s|·•,/]+/g, t, 8)) {
    const tokens = t.split(/[\s|·•,/]+/).filter(Boolean);
    if (tokens.length && tokens.every((w) => SOCIAL.test(w.replace(/[^\p{L}-]/gu, '')))) return true;
  }
  // An ad label's letters and digits are at most AD_LABEL_MAX characters; most lines have more.
  if (!matchesMoreThan(/[\p{L}\p{N}]/gu, t, AD_LABEL_MAX) && AD_LABEL.test(t.replace(/[^\p{L}\p{N}]+/gu, ''))) return true;
  if (words <= 4 && /\bcomments?\b/i.test(t)) return true;
  if (/^(?:\(?(?:image|photo|picture|credit|source|foto|bild)s?(?: credit)?\s*[:.…]|credit\.\.\.|\(image:)/i.test(t)) return true;
  if (words <= 60 && t.endsWith(')') && /\((?:photos?|images?|pictured|credit)\b[^()]*\)$/i.test(t)) return true;
  if (/^(?:getty images|getty|ap photo|reuters|afp|shutterstock)$/i.test(t)) return true;
  if (words <= 25 && /\bcontributed (?:to this report|reporting)\b/i.test(t)) return true;
  if (/^citation:/i.test(t) || /\bsubject to copyright\b|\ball rights reserved\b/i.test(t) || /^(?:©|copyright\b)/i.test(t)) return true;
  if (/^(?:filed under|posted in|tags?|tagged|categories|category)\s*:/i.test(t)) return true;
  if (words <= 10 && /^(?:related|see also|also on|also read|read more|more)\s*:/i.test(t)) return true;
  if (/^(?:read more|read next|see more|show more|load more|more from [\p{L} ]+)$/iu.test(t)) return true;
  if (/^(?:[a-z0-9-]+\.)+(?:com|org|net|co\.uk|in|de|fr|br|ru)$/i.test(t)) return true;
  if (words <= 10 && /\bshare (?:it|this)\b/i.test(t) && /[?!]/.test(t)) return true;
  if (refIsDateLine(t) || refIsPostedLine(t)) return true;
  return false;
}


describe('ingest fast paths give what the plain forms give', () => {
  it(`allMatches(): what matchAll gives, empty matches and surrogate pairs included, ${RUNS} random texts`, () => {
    const patterns = [/\p{Lu}\p{Ll}+(?:\s+\p{Lu}\p{Ll}+)*/gu, /\d[\d.,]*/g, /a*/g, /(?:)/gu, /x?/gu, /(\p{L})(\p{N})?/gu, /(?<word>[a-z]+)|\s/gi];
    const shape = (ms: RegExpMatchArray[]) => ms.map((m) => ({ index: m.index, all: [...m], groups: m.groups }));
    check(fc.property(fc.oneof(text, fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' })), (t) => {
      for (const re of patterns) expect(shape(allMatches(re, t))).toEqual(shape([...t.matchAll(re)]));
    }));
    expect(() => allMatches(/a/, 'a')).toThrow(TypeError);
  });

  it(`words(), terms(): ${RUNS} random texts`, () => {
    check(fc.property(text, (t) => {
      expect(words(t)).toEqual(refWords(t));
      expect(terms(t)).toEqual(refTerms(t));
    }));
  });

  it('words() and terms() on plain and not-plain text, by example', () => {
    expect(words('“It’s 5.7 billion ringgit,” he said — £600m…')).toEqual(['it’s', '5.7', 'billion', 'ringgit', 'he', 'said', '600m']);
    expect(words('Café Kelvin ²')).toEqual(['café', 'kelvin', '²']);
    expect(terms('The ministers’ well-known talks in 2024')).toEqual(['minist', 'well', 'known', 'talk', '2024']);
    expect(terms('Grüße aus ½ Zürich')).toEqual(['grüße', 'aus', '½', 'zürich']);
  });

  it(`squashSpaces(): ${RUNS} random texts`, () => {
    check(fc.property(text, (t) => { expect(squashSpaces(t)).toBe(t.replace(/\s+/g, ' ').trim()); }));
  });

  it(`sentenceKinds() person, number and named-thing bits: ${RUNS} random texts`, () => {
    const bits = Kind.NUMBER | Kind.PERSON | Kind.ENTITY;
    check(fc.property(text, (t) => { expect(sentenceKinds(t) & bits).toBe(refKindBits(t)); }));
    expect(sentenceKinds('Officials said Mr Smith visited.') & bits).toBe(Kind.PERSON | Kind.ENTITY);
    expect(sentenceKinds('Já ÉLAN ñ') & bits).toBe(Kind.ENTITY);
    expect(sentenceKinds('Prices rose in 2024') & bits).toBe(0);
  });

  it(`contentHash(): ${RUNS} random texts`, () => {
    check(fc.property(text, (t) => { expect(contentHash(t)).toBe(refHash(t)); }));
  });

  it(`guessLanguage(): ${RUNS} random texts`, () => {
    check(fc.property(text, (t) => { expect(guessLanguage(t)).toBe(refGuessLanguage(t)); }));
    expect(guessLanguage('o governo disse que a economia cresceu e que os preços não subiram em março')).toBe('pt');
  });

  it(`wordsAtMost(): ${RUNS} random texts, limits 0 to 30`, () => {
    check(fc.property(text, (t) => {
      const n = t.split(/\s+/).filter(Boolean).length;
      for (const max of [0, 1, 6, 8, 20, 30]) expect(wordsAtMost(t, max)).toBe(n <= max);
    }));
  });

  it(`simpleFrontMatter(): what YAML reads, or undefined; ${RUNS} random front matters`, () => {
    const KEYS = ['title', 'source', 'url', 'date', 'lang', 'true', 'Null', 'x_1', 'site', '-key', 'a b', ''];
    const VALUES = [
      'Bench Wire', 'https://wire.example/text/0', '2026-11-30T11:59:00.000Z', '2026-11-30', '12', '0x1F', '1e5', '0o17', '1.5', '.inf', '-3', '+3', 'true', 'FALSE',
      'null', '~', 'yes', 'no', 'on', 'a # comment', 'a#b', 'a: b', 'a:b', 'ends:', "it's", '"quoted"', "'single'", '[list]', '{map}', 'a[b]', '&anchor', '*alias',
      '!tag', '|', '>', '%pct', '@at', '`tick', 'é accent', 'Ωmega', '中文', '😀', 'tab\there', 'cr\r', 'nbsp\u00a0', 'line\u2028sep', 'trailing ', ' leading', '',
    ];
    const line = fc.tuple(fc.constantFrom(...KEYS), fc.constantFrom(': ', ':', ':  ', ' : '), fc.constantFrom(...VALUES)).map(([k, sep, v]) => `${k}${sep}${v}`);
    // Besides, lines that mostly take the fast path, with an odd one among them now and then.
    const value = fc.oneof({ arbitrary: fc.constantFrom(...VALUES.slice(0, 3)), weight: 4 }, { arbitrary: fc.constantFrom(...VALUES.slice(3)), weight: 1 });
    const usual = fc.tuple(fc.constantFrom(...KEYS.slice(0, 5)), value).map(([k, v]) => `${k}: ${v}`);
    const front = fc.oneof(fc.array(line, { minLength: 1, maxLength: 5 }), fc.array(usual, { minLength: 1, maxLength: 4 })).map((ls) => ls.join('\n'));
    let fast = 0;
    check(
      fc.property(front, (f) => {
        const got = simpleFrontMatter(f);
        if (got === undefined) return;
        fast++;
        expect(got).toEqual(parseYaml(f));
      }),
    );
    // The property says nothing if nothing takes the fast path.
    expect(fast).toBeGreaterThan(RUNS / 20);
  });

  it('simpleFrontMatter() reads a scraper\'s front matter and leaves anything unusual to YAML', () => {
    const usual = 'source: Bench Wire\nurl: https://wire.example/text/7\ndate: 2026-11-30T11:59:00.000Z\nlanguage: en';
    expect(simpleFrontMatter(usual)).toEqual(parseYaml(usual));
    expect(simpleFrontMatter(usual)).toEqual({ source: 'Bench Wire', url: 'https://wire.example/text/7', date: '2026-11-30T11:59:00.000Z', language: 'en' });
    for (const odd of ['date: 2026-11-30', 'title: "Quoted"', 'title: a # note', 'title: x\ntitle: y', 'tags:\n  - a', 'n: 12', 'ok: true', 'title: a: b', 'title: é'.replace('é', '\t')]) {
      expect(simpleFrontMatter(odd)).toBeUndefined();
    }
  });

  it(`isFurnitureLine(), clean(), nonSpaceLength(): ${RUNS} random texts`, () => {
    check(fc.property(text, (t) => {
      expect(isFurnitureLine(t)).toBe(refIsFurnitureLine(t));
      expect(clean(t)).toBe(t.replace(/[\s\u00a0\u200b\u200c\u200d\ufeff]+/g, ' ').trim());
      expect(nonSpaceLength(t)).toBe(t.replace(/\s+/g, '').length);
    }));
    // Lines the counting rules decide on: short share bars and date lines, long lines of many tokens.
    const line = fc.array(fc.constantFrom('Share', 'Facebook', 'Email', 'Tuesday', 'November', '19,', '2019', '08:38', 'AM', 'Updated:', 'Advertisement', 'ad', '|', '·', '/', ',', ' ', '\u200b', 'the', 'photo', '(Photo: Jane Doe)', 'Comments'), { maxLength: 30 }).map((a) => a.join(' '));
    // And lines near each rule's count: share bars of 6 to 11 names, date lines of 10 to 15 words, ad labels of 13 to 16 letters.
    const joined = (words: string[], seps: string[]) => fc.tuple(fc.array(fc.constantFrom(...words), { minLength: 6, maxLength: 16 }), fc.constantFrom(...seps)).map(([w, sep]) => w.join(sep));
    const share = joined(['Facebook', 'Twitter', 'Email', 'Print', 'Share', 'Copy', 'Link', 'Save', 'Pin', 'x'], [' | ', ' ', ' · ', ', ', '/', ' • ']);
    const date = joined(['Tuesday', 'November', '19', '2019', '08:38', 'AM', 'Updated', 'on', 'at', '-', '|'], [' ', ', ', ': ', ' / ']);
    const ad = fc.tuple(fc.constantFrom('Advertisement', 'Advertisements', 'Advertisementsx', 'Advertisements12', 'Anzeige'), fc.constantFrom('', ' ', '-', ' · ')).map(([w, sep]) => w.split('').join(sep));
    check(fc.property(fc.oneof(line, share, date, ad), (t) => { expect(isFurnitureLine(t)).toBe(refIsFurnitureLine(t)); }));
  });

  it('decodeText() after a page that was not UTF-8 reads the next one afresh', () => {
    expect(decodeText(Uint8Array.from([0x63, 0x61, 0x66, 0xe9]))).toBe('café');
    expect(decodeText(new TextEncoder().encode('café ok'))).toBe('café ok');
  });

  it('page-noise rules that count only as far as they need', () => {
    expect(cleanLines(['A story line that is long enough to stay in the article.', 'Share', 'Read more…', 'By Jane Doe'])).toEqual(['A story line that is long enough to stay in the article.']);
    expect(isFurnitureLine('A d v e r t i s e m e n t')).toBe(true);
    expect(isFurnitureLine('Advertisements and more advertisements')).toBe(false);
    expect(isFurnitureLine('Facebook | Twitter | Email')).toBe(true);
    expect(isFurnitureLine('Facebook | Twitter | Email | Print | Share | Copy | Link | Save | Pin')).toBe(false);
    expect(isFurnitureLine('Updated: Tuesday, November 19, 2019 08:38 AM')).toBe(true);
    expect(isFurnitureLine('The minister arrived in Nairobi on Tuesday, November 19, 2019 at 08:38 to sign the deal')).toBe(false);
    expect(isFurnitureLine('Flood waters rose across the valley overnight (Photo: Jane Doe)')).toBe(true);
  });
});

describe('the per-article memo', () => {
  const article = {
    title: 'Bilateral trade reached 5.7 billion ringgit',
    body: 'Bilateral trade reached 5.7 billion ringgit ($1.37 billion) in 2024, the minister said.\nExports rose 12% to RM3bn.',
    source: 'Test',
    publishedAt: '2026-11-30T12:00:00.000Z',
    publishedAtSource: 'page' as const,
    language: 'en',
  };

  it('gives the same analysis every time, and nothing of one article reaches the next', () => {
    const first = analyseArticle(article);
    expect(analyseArticle({ ...article, language: 'pt' }).summary.figures.map((f) => f.value)).not.toEqual([]);
    expect(analyseArticle(article)).toEqual(first);
    expect(first.summary.figures.map((f) => f.value)).toEqual(['5.7 billion ringgit ($1.37 billion)', '12%', 'RM3bn']);
  });

  it('hands out copies: a caller changing what it got changes nothing for the next', () => {
    const w = words('Prices rose');
    w.push('x');
    expect(words('Prices rose')).toEqual(['prices', 'rose']);
    withinOneArticle(() => {
      const t = terms('Prices rose');
      t.push('x');
      expect(terms('Prices rose')).toEqual(['price', 'rose']);
    });
    const q = findQuantities('Exports rose 12% to RM3bn.');
    q.pop();
    expect(findQuantities('Exports rose 12% to RM3bn.').map((x) => x.text)).toEqual(['12%', 'RM3bn']);
  });
});
