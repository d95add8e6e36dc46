import { message, type Block, type Message } from './message.js';

/**
 * A platform's limits, in the platform's own units: `cost` says how many platform
 * blocks (Slack blocks, Discord embeds or fields) and characters a neutral block
 * turns into, so one splitter serves every platform.
 */
export interface MessageLimits {
  /** Most platform units per message (Slack: 50 blocks; Discord: 10 embeds). */
  maxUnits: number;
  /** Most characters of text per message (Discord: 6,000 across embeds). */
  maxChars: number;
  /** Most characters in one block's text; longer paragraphs and quotes are cut at sentence or word ends. */
  maxBlockChars: number;
  /** Units and characters a block costs once rendered. Default: 1 unit, its text length. */
  cost?: (block: Block) => { units: number; chars: number };
}

const defaultCost = (b: Block) => ({ units: 1, chars: textLength(b) });

function textLength(b: Block): number {
  switch (b.type) {
    case 'story':
      return b.title.length + b.summary.length + (b.figure?.length ?? 0) + b.sources.reduce((n, s) => n + s.label.length + (s.url?.length ?? 0), 0);
    case 'source':
      return b.title.length + b.source.length + (b.url?.length ?? 0) + 12;
    case 'bullets':
      return b.items.reduce((n, i) => n + i.length + 2, 0);
    case 'divider':
      return 0;
    default:
      return b.text.length;
  }
}

/** Cuts text to at most `max` characters at a sentence or word end, marking the cut with an ellipsis. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const room = text.slice(0, Math.max(0, max - 1));
  if (/\s/.test(text[room.length] ?? '')) return `${room.trimEnd()}…`;
  const sentenceEnd = Math.max(room.lastIndexOf('. '), room.lastIndexOf('! '), room.lastIndexOf('? '));
  if (sentenceEnd > max * 0.6) return room.slice(0, sentenceEnd + 1);
  const space = room.lastIndexOf(' ');
  return (space > max * 0.6 ? room.slice(0, space) : room).trimEnd() + '…';
}

/** Splits an over-long paragraph/quote into several blocks of at most `max` characters. */
function fitBlock(block: Block, max: number): Block[] {
  if (block.type === 'paragraph' || block.type === 'quote' || block.type === 'context' || block.type === 'heading') {
    if (block.text.length <= max) return [block];
    if (block.type === 'heading') return [{ ...block, text: truncate(block.text, max) }];
    const parts: Block[] = [];
    let rest = block.text;
    while (rest.length > max) {
      const head = truncate(rest, max).replace(/…$/, '');
      parts.push({ ...block, text: head });
      rest = rest.slice(head.length).trimStart();
    }
    if (rest) parts.push({ ...block, text: rest });
    return parts;
  }
  if (block.type === 'bullets') {
    return [{ ...block, items: block.items.map((i) => truncate(i, max)) }];
  }
  if (block.type === 'story') {
    return [{ ...block, title: truncate(block.title, max), summary: truncate(block.summary, max), figure: block.figure && truncate(block.figure, max) }];
  }
  return [block];
}

/**
 * Splits a message into as few messages as fit the limits, keeping blocks whole and
 * in order. The first part keeps the title; later parts are titled "(continued)" so
 * a reader can tell a brief went on. Never drops a block.
 */
export function splitMessage(msg: Message, limits: MessageLimits): Message[] {
  const cost = limits.cost ?? defaultCost;
  const blocks = msg.blocks.flatMap((b) => fitBlock(b, limits.maxBlockChars));
  const parts: Block[][] = [];
  let current: Block[] = [];
  let units = msg.title ? 1 : 0;
  let chars = msg.title?.length ?? 0;
  for (const block of blocks) {
    const c = cost(block);
    if (current.length > 0 && (units + c.units > limits.maxUnits || chars + c.chars > limits.maxChars)) {
      parts.push(current);
      current = [];
      units = 1;
      chars = 0;
    }
    current.push(block);
    units += c.units;
    chars += c.chars;
  }
  if (current.length > 0 || parts.length === 0) parts.push(current);
  if (parts.length === 1) return [{ ...msg, blocks: parts[0] }];
  return parts.map((p, i) => {
    const title = i === 0 ? msg.title : `${msg.title ?? 'Brief'} (continued ${i + 1}/${parts.length})`;
    return message(p, title);
  });
}
