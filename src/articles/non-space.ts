/**
 * `s.replace(/\s+/g, '').length` without building the string: extraction measures every
 * page's article text this way, and a replace over a whole article costs several times the scan.
 */
export function nonSpaceLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) if (!isSpace(s.charCodeAt(i))) n++;
  return n;
}

/** Whether a UTF-16 code unit is one that \s matches (every one of them is a single unit). */
function isSpace(c: number): boolean {
  if (c < 128) return c === 32 || (c >= 9 && c <= 13);
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}
