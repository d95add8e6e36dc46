import type { APIEmbed } from 'discord.js';
import { splitMessage, truncate, type Block, type Message, type MessageLimits } from '../../src/index.js';
import { escapeText, fitEscaped, neutraliseMentions, safeUrl } from './escape.js';

/** Discord's message limits (https://discord.com/developers/docs/resources/message#embed-object-embed-limits). */
export const DISCORD_LIMITS = {
  content: 2000,
  embedsPerMessage: 10,
  embedCharsPerMessage: 6000,
  title: 256,
  description: 4096,
  fieldName: 256,
  fieldValue: 1024,
  fields: 25,
  footer: 2048,
} as const;

/** One Discord message, in API (snake_case) shape, ready for POST /channels/{id}/messages or an interaction reply. */
export interface DiscordPayload {
  content?: string;
  embeds: APIEmbed[];
}

const COLOR = 0x3b82f6;
const FOOTER_MAX = 512;
const SEPARATOR = '\n\n';

/** A rendered block: text that shares an embed description with its neighbours, or an embed of its own. */
type Piece = { kind: 'text'; text: string } | { kind: 'embed'; embed: APIEmbed };

function textPieces(lines: string[]): Piece[] {
  // Long bullet lists become several descriptions, each within the limit, cut between items.
  const pieces: Piece[] = [];
  let current = '';
  for (const line of lines) {
    if (current && current.length + 1 + line.length > DISCORD_LIMITS.description) {
      pieces.push({ kind: 'text', text: current });
      current = '';
    }
    current = current ? `${current}\n${line}` : line;
  }
  if (current) pieces.push({ kind: 'text', text: current });
  return pieces;
}

function isoDate(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const t = Date.parse(value);
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
}

function linkLabel(text: string): string {
  // Brackets would end a masked link's label early.
  return escapeText(truncate(text.replace(/[[\]]/g, ''), 200));
}

function storyEmbed(b: Extract<Block, { type: 'story' }>): APIEmbed {
  const url = safeUrl(b.url) ?? safeUrl(b.sources.find((s) => safeUrl(s.url))?.url);
  const embed: APIEmbed = {
    color: COLOR,
    title: fitEscaped(b.title, DISCORD_LIMITS.title, truncate),
    description: fitEscaped(b.summary, DISCORD_LIMITS.description, truncate),
  };
  if (url) embed.url = url;
  if (b.figure) embed.fields = [{ name: 'Key figure', value: fitEscaped(b.figure, DISCORD_LIMITS.fieldValue, truncate) }];
  if (b.sources.length > 0) {
    // Footers render no markdown, so source names are shown as they are, minus pings.
    const names = b.sources.map((s) => s.label).join(', ');
    embed.footer = { text: neutraliseMentions(truncate(`Sources: ${names}`, FOOTER_MAX)) };
  }
  const ts = isoDate(b.publishedAt);
  if (ts) embed.timestamp = ts;
  return embed;
}

function blockPieces(block: Block): Piece[] {
  const max = DISCORD_LIMITS.description;
  switch (block.type) {
    case 'heading':
      return [{ kind: 'text', text: `**${fitEscaped(block.text, 250, truncate)}**` }];
    case 'paragraph':
      return [{ kind: 'text', text: fitEscaped(block.text, max, truncate) }];
    case 'context':
      return [{ kind: 'text', text: `*${fitEscaped(block.text, max - 2, truncate)}*` }];
    case 'quote':
      return textPieces(block.text.split('\n').map((l) => `> ${fitEscaped(l, max - 2, truncate)}`));
    case 'bullets':
      return textPieces(block.items.map((i) => `• ${fitEscaped(i, max - 2, truncate)}`));
    case 'source': {
      const url = safeUrl(block.url);
      const title = url ? `[${linkLabel(block.title)}](${url})` : escapeText(truncate(block.title, 300));
      const date = isoDate(block.publishedAt)?.slice(0, 10);
      const line = `Source: ${title} — ${escapeText(truncate(block.source, 200))}${date ? `, ${date}` : ''}`;
      return [{ kind: 'text', text: line }];
    }
    case 'story':
      return [{ kind: 'embed', embed: storyEmbed(block) }];
    case 'divider':
      return [];
  }
}

export function embedChars(e: APIEmbed): number {
  return (
    (e.title?.length ?? 0) +
    (e.description?.length ?? 0) +
    (e.footer?.text.length ?? 0) +
    (e.author?.name.length ?? 0) +
    (e.fields ?? []).reduce((n, f) => n + f.name.length + f.value.length, 0)
  );
}

/** What a block costs once rendered, so the core's splitter cuts where Discord's limits are. */
function cost(block: Block): { units: number; chars: number } {
  const pieces = blockPieces(block);
  return {
    units: pieces.length,
    chars: pieces.reduce((n, p) => n + (p.kind === 'text' ? p.text.length + SEPARATOR.length : embedChars(p.embed)), 0),
  };
}

/**
 * The core counts the title by its raw length and not at all on "(continued)" parts;
 * escaping can lengthen it, so leave room for a full escaped title.
 */
export const DISCORD_MESSAGE_LIMITS: MessageLimits = {
  maxUnits: DISCORD_LIMITS.embedsPerMessage,
  maxChars: DISCORD_LIMITS.embedCharsPerMessage - 2 * DISCORD_LIMITS.title,
  // Escaping at most doubles text, so a 2,000-character paragraph always fits a 4,096 description.
  maxBlockChars: 2000,
  cost,
};

function renderPart(part: Message): DiscordPayload {
  const embeds: APIEmbed[] = [];
  let open: APIEmbed | undefined; // the text embed later text may still join
  for (const block of part.blocks) {
    for (const piece of blockPieces(block)) {
      if (piece.kind === 'embed') {
        embeds.push(piece.embed);
        open = undefined;
      } else if (open?.description !== undefined && open.description.length + SEPARATOR.length + piece.text.length <= DISCORD_LIMITS.description) {
        open.description += SEPARATOR + piece.text;
      } else {
        open = { color: COLOR, description: piece.text };
        embeds.push(open);
      }
    }
  }
  if (part.title) {
    const title = fitEscaped(part.title, DISCORD_LIMITS.title, truncate);
    const first = embeds[0];
    if (first && first.title === undefined && first.url === undefined) first.title = title;
    else embeds.unshift({ color: COLOR, title });
  }
  if (embeds.length === 0) return { content: fitEscaped(part.text || '(empty message)', DISCORD_LIMITS.content, truncate), embeds: [] };
  return { embeds };
}

/** Regroups embeds so no payload exceeds 10 embeds or 6,000 characters, whatever the estimate said. */
function enforceLimits(payloads: DiscordPayload[]): DiscordPayload[] {
  const out: DiscordPayload[] = [];
  for (const p of payloads) {
    if (p.embeds.length === 0) {
      out.push(p);
      continue;
    }
    let current: APIEmbed[] = [];
    let chars = 0;
    for (const e of p.embeds) {
      const c = embedChars(e);
      if (current.length > 0 && (current.length + 1 > DISCORD_LIMITS.embedsPerMessage || chars + c > DISCORD_LIMITS.embedCharsPerMessage)) {
        out.push({ embeds: current });
        current = [];
        chars = 0;
      }
      current.push(e);
      chars += c;
    }
    out.push({ ...p, embeds: current });
  }
  return out;
}

/** Renders a neutral Message as one or more Discord messages of embeds, each within Discord's limits. */
export function renderMessage(msg: Message): DiscordPayload[] {
  return enforceLimits(splitMessage(msg, DISCORD_MESSAGE_LIMITS).map(renderPart));
}

/** Plain-text rendering, for channels where the bot may not embed links: messages of at most 2,000 characters. */
export function renderPlainText(msg: Message): string[] {
  const lines: string[] = [];
  if (msg.title) lines.push(`**${fitEscaped(msg.title, DISCORD_LIMITS.title, truncate)}**`);
  for (const block of msg.blocks) {
    for (const piece of blockPieces(block)) {
      if (piece.kind === 'text') lines.push(...piece.text.split('\n'));
      else {
        const e = piece.embed;
        lines.push(`**${e.title ?? ''}**`, ...(e.description ?? '').split('\n'));
        for (const f of e.fields ?? []) lines.push(`${f.name}: ${f.value}`);
        if (e.footer) lines.push(`*${escapeText(e.footer.text)}*`);
        if (e.url) lines.push(`<${e.url}>`);
      }
    }
  }
  const messages: string[] = [];
  let current = '';
  for (const raw of lines) {
    const line = raw.length > DISCORD_LIMITS.content ? raw.slice(0, DISCORD_LIMITS.content - 1) + '…' : raw;
    if (current && current.length + 1 + line.length > DISCORD_LIMITS.content) {
      messages.push(current);
      current = '';
    }
    current = current ? `${current}\n${line}` : line;
  }
  if (current || messages.length === 0) messages.push(current || '(empty message)');
  return messages;
}
