// Whitespace other than a lone space: only then does squashing change anything. Most lines
// of cleaned text have none, and testing is much cheaper than rebuilding the line.
const NEEDS_SQUASH = /\s\s|[^\S ]/;

/** Every run of whitespace as one space, ends trimmed: `text.replace(/\s+/g, ' ').trim()`. */
export function squashSpaces(text: string): string {
  return (NEEDS_SQUASH.test(text) ? text.replace(/\s+/g, ' ') : text).trim();
}
