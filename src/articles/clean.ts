/**
 * Page-noise cleaning. Scraped articles carry the page around the story: teasers of
 * other stories cut off with "..." or "…", author and translator credits, share,
 * subscribe and cookie lines. These are rules about what noise looks like, not a
 * list of any page's sentences.
 */

const words = (line: string) => line.split(/\s+/).filter(Boolean).length;

/** A teaser of another story: cut off mid-text with an ellipsis (not a quotation trailing off). */
function isTeaser(line: string): boolean {
  return /[\p{L}\p{N},;:)\]-]\s?(?:\.{3}|…)$/u.test(line) && !/(?:\.{3}|…)["”’]$/u.test(line);
}

const CREDIT = new RegExp(
  [
    String.raw`^(?:this|the) (?:article|story|report|piece|interview|post) (?:was|is|has been|had been) (?:initially |originally |first |also )?(?:published|written|produced|posted|translated|adapted|updated)\b`,
    String.raw`^(?:adapted|translated|edited|reported|written|compiled|produced|curated|reviewed|fact-checked|illustrated)(?: (?:in|into|from) [\p{L}-]+)*(?: and [\p{L}-]+)? by\b`,
    String.raw`^(?:additional )?(?:reporting|editing|writing|research|translation|illustrations?|graphics) (?:by|:)`,
    String.raw`^by [\p{Lu}][\p{L}.'’-]+(?: (?:and |& )?[\p{Lu}][\p{L}.'’-]+){0,4}(?:,? [\p{L}\s]+)?$`,
    String.raw`^(?:photo|photograph|image|picture|video|credit|source|caption)s?(?: credit)?\s*:`,
  ].join('|'),
  'iu',
);

const BOILERPLATE = new RegExp(
  [
    String.raw`^(?:share|tweet|email|print|save|copy link|comment)s?(?: (?:this|on|via|to))?(?: [\p{L}]+){0,3}$`,
    String.raw`^(?:subscribe|sign up|sign in|log in|register|follow us|follow @|join us|download (?:our|the) app|get the app|newsletter)\b`,
    String.raw`^(?:read|see|watch|listen) (?:more|also|next|the full)\b`,
    String.raw`^(?:related|recommended|most read|most popular|trending|more from|more on this|you may also like|also read|also on)\b`,
    String.raw`^(?:advertisement|sponsored|promoted|ad)$`,
    String.raw`\b(?:we use cookies|this (?:site|website) uses cookies|accept (?:all )?cookies|cookie (?:policy|settings|preferences))\b`,
    String.raw`^(?:©|\(c\)|copyright\b|all rights reserved\b)`,
    String.raw`^(?:click|tap) here\b`,
    String.raw`^(?:listen to this article|reading time|\d+ min(?:ute)?s? read)\b`,
  ].join('|'),
  'iu',
);

export function isNoiseLine(line: string): boolean {
  const t = line.trim();
  if (!t) return true;
  if (isTeaser(t)) return true;
  if (words(t) <= 30 && CREDIT.test(t)) return true;
  if (words(t) <= 20 && BOILERPLATE.test(t)) return true;
  return false;
}

/** A short fragment with no sentence ending, left at the end of a page (navigation, tags). */
function isTrailingFragment(line: string): boolean {
  return words(line) <= 6 && !/[.!?"”’)]$/u.test(line.trim());
}

/** Returns the story's lines with page noise removed, in order. */
export function cleanLines(lines: string[]): string[] {
  const kept = lines.map((l) => l.replace(/\s+/g, ' ').trim()).filter((l) => l && !isNoiseLine(l));
  while (kept.length > 1 && isTrailingFragment(kept[kept.length - 1])) kept.pop();
  return kept;
}

export function cleanText(text: string): string {
  return cleanLines(text.split(/\r?\n/)).join('\n');
}
