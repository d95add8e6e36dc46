import type { APIEmbed } from 'discord.js';
import { DISCORD_LIMITS, type DiscordPayload } from '../../adapters/discord/render.js';
import { embedChars } from '../../adapters/discord/render.js';
import { count, escapeHtml, link, Placeholders } from './html.js';

/**
 * One line of Discord markdown as the client draws it: backslash escapes, masked links
 * `[label](url)`, `<url>`, **bold**, *italic* / _italic_, __underline__, ~~strike~~, `code`.
 */
function markdownLine(line: string, ph: Placeholders): string {
  // A backslash makes the next punctuation character literal.
  let s = line.replace(/\\([^\w\s])/g, (_, c: string) => ph.hold(escapeHtml(c)));
  s = s.replace(/\[([^\]]+)\]\((https?:\/\/[^\s)]+)\)/g, (_, label: string, url: string) => ph.hold(link(url, inline(label, ph))));
  s = s.replace(/<(https?:\/\/[^\s>]+)>/g, (_, url: string) => ph.hold(link(url, escapeHtml(url))));
  return ph.restore(escapeHtml(inline(s, ph, true)));
}

function inline(text: string, ph: Placeholders, raw = false): string {
  let s = text;
  const styles: [RegExp, string][] = [
    [/\*\*(?=\S)(.+?\S|\S)\*\*/g, 'strong'],
    [/__(?=\S)(.+?\S|\S)__/g, 'u'],
    [/~~(?=\S)(.+?\S|\S)~~/g, 'del'],
    [/`([^`]+)`/g, 'code'],
    [/(?<![\w*])\*(?=\S)([^*]*?\S)\*(?![\w*])/g, 'em'],
    [/(?<!\w)_(?=\S)([^_]*?\S)_(?!\w)/g, 'em'],
  ];
  for (const [re, tag] of styles) s = s.replace(re, (_, inner: string) => `${ph.hold(`<${tag}>`)}${inner}${ph.hold(`</${tag}>`)}`);
  return raw ? s : ph.restore(escapeHtml(s));
}

export function markdownToHtml(text: string): string {
  const ph = new Placeholders();
  const out: string[] = [];
  let quote: string[] = [];
  const flush = () => {
    if (quote.length) out.push(`<blockquote>${quote.join('<br>')}</blockquote>`);
    quote = [];
  };
  for (const line of Placeholders.clean(text).split('\n')) {
    const q = /^> (.*)$/.exec(line);
    if (q) {
      quote.push(markdownLine(q[1], ph));
      continue;
    }
    flush();
    out.push(markdownLine(line, ph));
  }
  flush();
  return out.join('<br>').replace(/<br>(<blockquote>)/g, '$1').replace(/(<\/blockquote>)<br>/g, '$1');
}

function over(n: number, max: number): string {
  return n > max ? ' over' : '';
}

function limitTitle(what: string, n: number, max: number): string {
  return `title="${what}: ${count(n)} / ${count(max)} characters"`;
}

function embedHtml(e: APIEmbed): string {
  const colour = `#${(e.color ?? 0x1e1f22).toString(16).padStart(6, '0')}`;
  const parts: string[] = [];
  if (e.title !== undefined) {
    const title = markdownToHtml(e.title);
    parts.push(
      `<div class="d-title${over(e.title.length, DISCORD_LIMITS.title)}" ${limitTitle('title', e.title.length, DISCORD_LIMITS.title)}>${e.url ? link(e.url, title) : title}</div>`,
    );
  }
  if (e.description !== undefined) {
    parts.push(
      `<div class="d-description${over(e.description.length, DISCORD_LIMITS.description)}" ${limitTitle('description', e.description.length, DISCORD_LIMITS.description)}>${markdownToHtml(e.description)}</div>`,
    );
  }
  for (const f of e.fields ?? []) {
    parts.push(
      `<div class="d-field"><div class="d-field-name">${markdownToHtml(f.name)}</div><div class="d-field-value${over(f.value.length, DISCORD_LIMITS.fieldValue)}" ${limitTitle('field', f.value.length, DISCORD_LIMITS.fieldValue)}>${markdownToHtml(f.value)}</div></div>`,
    );
  }
  const foot: string[] = [];
  // Footers are plain text in Discord: no markdown.
  if (e.footer) foot.push(escapeHtml(Placeholders.clean(e.footer.text)));
  if (e.timestamp) foot.push(escapeHtml(new Date(e.timestamp).toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' })));
  if (foot.length) parts.push(`<div class="d-footer">${foot.join(' • ')}</div>`);
  return `<div class="d-embed" style="border-left-color:${colour}">${parts.join('')}</div>`;
}

/** Every Discord message of the split brief, in order, in the dark theme, with the limits each is held to. */
export function discordHtml(payloads: DiscordPayload[], time: string): string {
  return payloads
    .map((p, i) => {
      const chars = p.embeds.reduce((n, e) => n + embedChars(e), 0);
      const limits = `<div class="limits">Discord message ${i + 1} of ${payloads.length} · <span class="${over(p.embeds.length, DISCORD_LIMITS.embedsPerMessage)}">${p.embeds.length} / ${DISCORD_LIMITS.embedsPerMessage} embeds</span> · <span class="${over(chars, DISCORD_LIMITS.embedCharsPerMessage)}">${count(chars)} / ${count(DISCORD_LIMITS.embedCharsPerMessage)} embed characters</span>${p.content ? ` · content ${count(p.content.length)} / ${count(DISCORD_LIMITS.content)}` : ''}</div>`;
      const content = p.content ? `<div class="d-content">${markdownToHtml(p.content)}</div>` : '';
      return `<div class="d-message" data-part="${i + 1}">${limits}<div class="d-row"><div class="d-avatar">b</div><div class="d-body"><div class="d-meta"><span class="d-name">briefbot</span><span class="d-app">APP</span><span class="d-time">${escapeHtml(time)}</span></div>${content}${p.embeds.map(embedHtml).join('')}</div></div></div>`;
    })
    .join('');
}
