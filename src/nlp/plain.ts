/**
 * Plain text: ASCII, plus the typographic punctuation, currency signs and no-break space
 * that news text is full of (‘ ’ “ ” – — … £ € ° •), none of them a letter or a digit.
 * Lowercased plain text has exactly [a-z0-9] for letters and digits, and a pattern without
 * Unicode property classes (\p{L}, \p{Lu}) runs several times faster over it: the ingest
 * path tests for plain text first and keeps the Unicode patterns for the rest.
 */
const BEYOND_PLAIN = /[^\x00-\x7f‘’“”–—…£€°•\u00a0]/;

export function isPlain(text: string): boolean {
  return !BEYOND_PLAIN.test(text);
}

/** The same test from `from` on (a global copy, so a position can be given). */
const BEYOND_PLAIN_FROM = new RegExp(BEYOND_PLAIN.source, 'g');

export function isPlainFrom(text: string, from: number): boolean {
  BEYOND_PLAIN_FROM.lastIndex = from;
  return !BEYOND_PLAIN_FROM.test(text);
}
