// Whitespace other than a lone space: only then does squashing change anything. Most lines
// of cleaned text have none, and testing is much cheaper than rebuilding the line. That is
// /\s\s|[^\S ]/, tested as its two cases: where every space is ' ', \s\s is a double space,
// which a string search finds faster than the pattern's try at every position.
const NOT_A_SPACE = /[^\S ]/;

/** Every run of whitespace as one space, ends trimmed: `text.replace(/\s+/g, ' ').trim()`. */
export function squashSpaces(text: string): string {
  return (NOT_A_SPACE.test(text) || text.includes('  ') ? text.replace(/\s+/g, ' ') : text).trim();
}
