/**
 * Every match of a global pattern in `text`, as `[...text.matchAll(re)]` gives them.
 *
 * matchAll copies the pattern for every call (the spec's species constructor), and V8 looks
 * the copy's compiled code up by its source: about 0.7 µs a call for the long figure
 * patterns, against 0.4 µs for the whole exec loop. These run on every line and sentence
 * at ingest and on every candidate sentence of an answer. The matches are collected before
 * any is used, so code that runs between them may use the same pattern.
 */
export function allMatches(re: RegExp, text: string): RegExpExecArray[] {
  if (!re.global) throw new TypeError(`allMatches needs a global pattern: ${re}`);
  const out: RegExpExecArray[] = [];
  re.lastIndex = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    out.push(m);
    // An empty match does not move lastIndex: step past it as matchAll does (by a code point in unicode mode).
    if (m[0] === '') re.lastIndex = advance(text, re.lastIndex, re.unicode || re.flags.includes('v'));
  }
  re.lastIndex = 0;
  return out;
}

function advance(text: string, i: number, unicode: boolean): number {
  if (!unicode || i + 1 >= text.length) return i + 1;
  const c = text.charCodeAt(i);
  return c >= 0xd800 && c <= 0xdbff && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00 ? i + 2 : i + 1;
}
