import { squashSpaces } from '../nlp/spaces.js';
/**
 * Page-noise cleaning. Scraped articles carry the page around the story: teasers of
 * other stories cut off with "..." or "…", author and translator credits, share,
 * subscribe and cookie lines. These are rules about what noise looks like, not a
 * list of any page's sentences.
 */

/** "More than n words (runs of non-space)", as one anchored pattern per n: most lines are long paragraphs, and this stops at word n + 1. */
const moreThan = new Map<number, RegExp>();

export function wordsAtMost(line: string, max: number): boolean {
  let re = moreThan.get(max);
  if (!re) moreThan.set(max, (re = new RegExp(String.raw`^\s*(?:\S+\s+){${max}}\S`)));
  return !re.test(line);
}

/** A teaser of another story: cut off mid-text with an ellipsis (not a quotation trailing off). */
function isTeaser(line: string): boolean {
  // Both patterns end in an ellipsis; most lines do not, and the first pattern is tried at every position.
  if (!line.endsWith('...') && !line.endsWith('…')) return false;
  return /[\p{L}\p{N},;:)\]-]\s?(?:\.{3}|…)$/u.test(line) && !/(?:\.{3}|…)["”’]$/u.test(line);
}

const CREDIT = new RegExp(
  [
    String.raw`^(?:this|the) (?:article|story|report|piece|interview|post) (?:was|is|has been|had been) (?:initially |originally |first |also )?(?:published|written|produced|posted|translated|adapted|updated)\b`,
    String.raw`^(?:adapted|translated|edited|reported|written|compiled|produced|curated|reviewed|fact-checked|illustrated)(?: (?:in|into|from) [\p{L}-]+)*(?: and [\p{L}-]+)? by\b`,
    String.raw`^(?:additional )?(?:reporting|editing|writing|research|translation|illustrations?|graphics) (?:by|:)`,
    // Bylines in the languages whose feeds we read: "By …", "Por Matt Spetalnick e Jason Szep", "Par …", "Von …".
    String.raw`^(?:by|por|par|von) [\p{Lu}][\p{L}.'’-]+(?: (?:and |& |e |y |et |und )?[\p{Lu}][\p{L}.'’-]+){0,5}(?:,? [\p{L}\s]+)?$`,
    String.raw`^(?:photo|photograph|image|picture|video|credit|source|caption|foto|fotografia|imagem|bild|crédito|crédit)s?(?: (?:credit|copyright|caption))?\s*:`,
    String.raw`^image (?:copyright|caption)\b`,
    // A photo credit in agency style: "REUTERS/Kevin Lamarque", "(AFP/Getty Images)".
    String.raw`^\(?(?:reuters|afp|ap|epa|getty images|pa|ansa|efe)\s?/\s?[\p{L}.' -]+\)?$`,
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

/** A dateline and nothing else: "NAIROBI (Reuters) -", "WASHINGTON, Sept 24 (AP) —", "LONDON:". */
const DATELINE_ONLY = /^[\p{Lu}][\p{Lu} .'’-]+(?:,\s?[\p{L}. ]+?\s?\d{0,2})?\s?(?:\([\p{L} .&-]+\))?\s?[-—–:]?$/u;

/** A line no summary may be: a byline, a credit, a dateline alone or a photo caption credit. */
export function isCreditLine(line: string): boolean {
  const t = line.trim();
  // Both patterns are anchored at the start and fail on the first words of nearly every line; the word
  // counts walk up to 31 words of it. So the patterns go first (the answer is the same either way).
  return (CREDIT.test(t) && wordsAtMost(t, 30)) || (DATELINE_ONLY.test(t) && wordsAtMost(t, 8));
}

export function isNoiseLine(line: string): boolean {
  const t = line.trim();
  if (!t) return true;
  if (isTeaser(t)) return true;
  if (isCreditLine(t)) return true;
  if (wordsAtMost(t, 20) && BOILERPLATE.test(t)) return true;
  return false;
}

/** A short fragment with no sentence ending, left at the end of a page (navigation, tags). */
function isTrailingFragment(line: string): boolean {
  return wordsAtMost(line, 6) && !/[.!?"”’)]$/u.test(line.trim());
}

/** Returns the story's lines with page noise removed, in order. */
export function cleanLines(lines: string[]): string[] {
  const kept: string[] = [];
  for (const line of lines) {
    const l = squashSpaces(line);
    if (l && !isNoiseLine(l)) kept.push(l);
  }
  while (kept.length > 1 && isTrailingFragment(kept[kept.length - 1])) kept.pop();
  return kept;
}

export function cleanText(text: string): string {
  return cleanLines(text.split(/\r?\n/)).join('\n');
}
