import { escapeMarkdown } from 'discord.js';

/**
 * Article text is untrusted: it must neither ping (@everyone, @here, <@id>) nor
 * carry markdown (links, headings, code) into Discord. allowed_mentions already
 * stops pings; this makes the text also *read* as plain text.
 */
export function neutraliseMentions(text: string): string {
  // A zero-width space after @ keeps the word readable but no longer a mention.
  return text.replace(/@(everyone|here)/gi, '@\u200b$1');
}

/** Escapes markdown and mention/emoji/timestamp syntax, and neutralises @everyone/@here. */
export function escapeText(text: string): string {
  const md = escapeMarkdown(text, { heading: true, bulletedList: true, numberedList: true, maskedLink: true });
  // <@id>, <@&id>, <#id>, </cmd:id>, <:emoji:id>, <a:emoji:id>, <t:123>, <id:browse> all start with one of these.
  return neutraliseMentions(md.replace(/<(?=[@#:/]|a:|t:|id:)/g, '\\<'));
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
