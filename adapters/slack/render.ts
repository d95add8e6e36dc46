import type { types } from '@slack/bolt';
import { splitMessage, truncate, type Block, type Message, type MessageLimits } from '../../src/index.js';
import { escapeMrkdwn, mrkdwnLink, safePlainText } from './escape.js';

/** Slack's documented Block Kit limits. */
export const SLACK_LIMITS = {
  blocksPerMessage: 50,
  sectionText: 3000,
  contextText: 3000,
  contextElements: 10,
  headerText: 150,
  /** Top-level `text` is cut by Slack at 40,000; notifications only need the start. */
  fallbackText: 3000,
} as const;

/**
 * Raw characters per neutral block handed to the core's splitter. Escaping grows
 * text (`&` becomes `&amp;`) and stories add link markup, so the splitter aims below
 * 3,000 and the renderer clamps whatever is still over.
 */
const BLOCK_BUDGET = 2400;
/** A readable message, not a Slack limit: longer briefs go on in another message. */
const MESSAGE_CHARS = 12000;

export interface SlackTextObject {
  type: 'mrkdwn' | 'plain_text';
  text: string;
  verbatim?: boolean;
  emoji?: boolean;
}

export type SlackBlock =
  | { type: 'header'; text: SlackTextObject }
  | { type: 'section'; text: SlackTextObject }
  | { type: 'context'; elements: SlackTextObject[] }
  | { type: 'divider' }
  | { type: 'actions'; block_id?: string; elements: SlackButton[] };

export interface SlackButton {
  type: 'button';
  action_id: string;
  text: SlackTextObject;
  value: string;
}

export interface SlackPayload {
  text: string;
  blocks: SlackBlock[];
}

/** `verbatim: true` stops Slack from auto-linking names and mentions in our text. */
function mrkdwn(text: string): SlackTextObject {
  return { type: 'mrkdwn', text, verbatim: true };
}

/** Keeps the splitter's "(continued 2/3)" visible when a long title has to be cut. */
function headerText(text: string): string {
  const max = SLACK_LIMITS.headerText;
  if (text.length <= max) return text;
  const m = / \(continued \d+\/\d+\)$/.exec(text);
  if (!m) return truncate(text, max);
  return `${truncate(text.slice(0, m.index), max - m[0].length)}${m[0]}`;
}

function header(text: string): SlackBlock {
  return { type: 'header', text: { type: 'plain_text', text: headerText(safePlainText(text)), emoji: false } };
}

/**
 * Cuts raw text until its escaped form fits `max`, so an ellipsis never lands in
 * the middle of an `&amp;`.
 */
function fitEscaped(raw: string, max: number, render: (raw: string) => string = escapeMrkdwn): string {
  let out = render(raw);
  let room = raw.length;
  while (out.length > max && room > 1) {
    // Escaping grows text unevenly: shrink in proportion to the overshoot.
    room = Math.max(1, Math.min(room - 1, Math.floor((room * max) / out.length)));
    out = render(truncate(raw, room));
  }
  return out;
}

function section(raw: string, max = SLACK_LIMITS.sectionText): SlackBlock {
  return { type: 'section', text: mrkdwn(fitEscaped(raw, max)) };
}

function quoteMarkup(raw: string): string {
  return escapeMrkdwn(raw)
    .split('\n')
    .map((line) => `>${line}`)
    .join('\n');
}

function date(iso: string | undefined): string | undefined {
  return iso && /^\d{4}-\d{2}-\d{2}/.test(iso) ? iso.slice(0, 10) : undefined;
}

function storyBlocks(b: Extract<Block, { type: 'story' }>): SlackBlock[] {
  const title = `*${mrkdwnLink(truncate(b.title, 300), b.url)}*`;
  const figure = b.figure ? `\n*Key figure:* ${escapeMrkdwn(truncate(b.figure, 300))}` : '';
  const room = SLACK_LIMITS.sectionText - title.length - figure.length - 1;
  const summary = fitEscaped(b.summary, Math.max(room, 200));
  // Pathological titles and figures can still overrun; cut the markup safely as a last resort.
  const blocks: SlackBlock[] = [{ type: 'section', text: mrkdwn(clampMarkup(`${title}\n${summary}${figure}`, SLACK_LIMITS.sectionText)) }];
  const small: string[] = [];
  if (b.sources.length) {
    small.push(`Sources: ${b.sources.map((s) => mrkdwnLink(truncate(s.label, 200), s.url)).join(' · ')}`);
  }
  const day = date(b.publishedAt);
  if (day) small.push(day);
  if (small.length) blocks.push(contextBlock(small.join(' · '), true));
  return blocks;
}

/** A context block from text that is either raw (escaped here) or already safe markup. */
function contextBlock(text: string, isMarkup = false): SlackBlock {
  const safe = isMarkup ? clampMarkup(text, SLACK_LIMITS.contextText) : fitEscaped(text, SLACK_LIMITS.contextText);
  return { type: 'context', elements: [mrkdwn(safe)] };
}

/**
 * Markup we built ourselves (links) cannot be cut at an arbitrary point without
 * leaving a dangling `<`: cut at the last complete link separator instead.
 */
function clampMarkup(markup: string, max: number): string {
  if (markup.length <= max) return markup;
  let cut = markup.slice(0, max - 1);
  const open = cut.lastIndexOf('<');
  if (open > cut.lastIndexOf('>')) cut = cut.slice(0, open);
  cut = cut.replace(/&[a-z]*$/, '');
  return `${cut.trimEnd()}…`;
}

function sourceBlock(b: Extract<Block, { type: 'source' }>): SlackBlock {
  const parts = [`— ${mrkdwnLink(truncate(b.title, 300), b.url)}`, escapeMrkdwn(truncate(b.source, 200))];
  const day = date(b.publishedAt);
  if (day) parts.push(day);
  return contextBlock(parts.join(', '), true);
}

/** Every neutral block turns into whole Slack blocks; the splitter prices blocks with this same function. */
export function renderBlock(b: Block): SlackBlock[] {
  // Slack rejects empty headers and sections; an empty block has nothing to show anyway.
  if ('text' in b && b.text.trim() === '') return [];
  if (b.type === 'bullets' && b.items.every((i) => i.trim() === '')) return [];
  switch (b.type) {
    case 'heading':
      return [header(b.text)];
    case 'paragraph':
      return [section(b.text)];
    case 'quote':
      return [{ type: 'section', text: mrkdwn(fitEscaped(b.text, SLACK_LIMITS.sectionText, quoteMarkup)) }];
    case 'bullets':
      return bulletSections(b.items);
    case 'story':
      return storyBlocks(b);
    case 'source':
      return [sourceBlock(b)];
    case 'context':
      return [contextBlock(b.text)];
    case 'divider':
      return [{ type: 'divider' }];
  }
}

/** Long lists become several sections rather than one cut short. */
function bulletSections(items: string[]): SlackBlock[] {
  const sections: SlackBlock[] = [];
  let current = '';
  for (const item of items.filter((i) => i.trim() !== '')) {
    const line = `• ${fitEscaped(item, SLACK_LIMITS.sectionText - 2)}`;
    if (current && current.length + 1 + line.length > SLACK_LIMITS.sectionText) {
      sections.push({ type: 'section', text: mrkdwn(current) });
      current = '';
    }
    current = current ? `${current}\n${line}` : line;
  }
  if (current) sections.push({ type: 'section', text: mrkdwn(current) });
  return sections;
}

export function slackLimits(reservedBlocks = 0): MessageLimits {
  return {
    maxUnits: SLACK_LIMITS.blocksPerMessage - reservedBlocks,
    maxChars: MESSAGE_CHARS,
    maxBlockChars: BLOCK_BUDGET,
    cost: (b) => {
      const rendered = renderBlock(b);
      return { units: rendered.length, chars: rendered.reduce((n, r) => n + blockChars(r), 0) };
    },
  };
}

function blockChars(b: SlackBlock): number {
  switch (b.type) {
    case 'header':
    case 'section':
      return b.text.text.length;
    case 'context':
      return b.elements.reduce((n, e) => n + e.text.length, 0);
    default:
      return 0;
  }
}

/** One part of an already-split message as a Slack payload. */
export function renderPart(part: Message): SlackPayload {
  const blocks: SlackBlock[] = [];
  if (part.title) blocks.push(header(part.title));
  for (const b of part.blocks) blocks.push(...renderBlock(b));
  const text = fitEscaped(part.text || part.title || ' ', SLACK_LIMITS.fallbackText);
  return { text, blocks };
}

/**
 * Splits with the core's splitter (so every platform breaks messages the same way)
 * and renders each part. `reservedBlocks` leaves room for buttons added afterwards.
 */
export function renderMessage(msg: Message, reservedBlocks = 0): SlackPayload[] {
  return splitMessage(msg, slackLimits(reservedBlocks)).map(renderPart);
}

/** Fields Slack wants on every message the bot sends: no link previews pulled from article URLs. */
export function postArgs(channel: string, payload: SlackPayload, threadTs?: string) {
  return {
    channel,
    text: payload.text,
    blocks: payload.blocks as unknown as types.KnownBlock[],
    unfurl_links: false,
    unfurl_media: false,
    ...(threadTs ? { thread_ts: threadTs } : {}),
  };
}
