/**
 * Article text is untrusted: it must neither ping (@everyone, @here, <@id>) nor
 * carry markdown (links, headings, code) into Discord. allowed_mentions already
 * stops pings; this makes the text also *read* as plain text.
 */
export function neutraliseMentions(text: string): string {
  // A zero-width space after @ keeps the word readable but no longer a mention.
  return text.replace(/@(everyone|here)/gi, '@\u200b$1');
}

/** Characters that open markdown anywhere in a line: emphasis, code, strike, spoiler, masked links, and the escape itself. */
const INLINE_MARKUP = /[\\*_`~|[]/g;

/**
 * Escapes markdown and mention/emoji/timestamp syntax, and neutralises @everyone/@here.
 * Our own escaper rather than discord.js's escapeMarkdown: that one is quadratic on long
 * runs without spaces (4,000 characters took a quarter of a second) and escapes only the
 * first of several masked links. One linear pass per rule, every `[` escaped.
 */
export function escapeText(text: string): string {
  const escaped = text
    .replace(INLINE_MARKUP, '\\$&')
    // <@id>, <@&id>, <#id>, </cmd:id>, <:emoji:id>, <a:emoji:id>, <t:123>, <id:browse> all start with one of these.
    .replace(/<(?=[@#:/]|a:|t:|id:)/g, '\\<')
    // Line-start markup: headings (and -# subtext), quotes, list items.
    .replace(/^(\s*)([#>]|[-+](?=\s|#))/gm, '$1\\$2')
    .replace(/^(\s*\d+)\.(?=\s)/gm, '$1\\.');
  return neutraliseMentions(escaped);
}

/**
 * Cuts raw text so that its escaped form fits `max` characters, cutting at word
 * ends like the core's truncate. Escaping only ever lengthens text.
 */
export function fitEscaped(text: string, max: number, truncate: (t: string, n: number) => string): string {
  let budget = max;
  for (;;) {
    const escaped = escapeText(truncate(text, budget));
    if (escaped.length <= max) return escaped;
    budget -= Math.max(1, escaped.length - max);
    if (budget <= 1) return escapeText(truncate(text, 1)).slice(0, max);
  }
}

/** A URL Discord will accept in an embed or masked link: absolute http(s), no spaces or parentheses left raw. */
export function safeUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const u = new URL(url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return undefined;
    const s = u.toString().replace(/\(/g, '%28').replace(/\)/g, '%29');
    return s.length <= 2048 ? s : undefined;
  } catch {
    return undefined;
  }
}
