/**
 * The platform-neutral message. Every text field holds plain, untrusted text:
 * renderers (console, Slack, Discord) escape it for their own markup, so a
 * block can never carry formatting or mentions into a platform.
 */
export interface Link {
  label: string;
  url?: string;
}

export type Block =
  | { type: 'heading'; text: string }
  | { type: 'paragraph'; text: string }
  | { type: 'bullets'; items: string[] }
  | { type: 'quote'; text: string }
  /** One story of a brief: a headline, its one-sentence summary, an optional key figure, and every source that carried it. */
  | { type: 'story'; title: string; url?: string; summary: string; figure?: string; sources: Link[]; publishedAt?: string }
  /** The citation under an answer. */
  | { type: 'source'; title: string; source: string; url?: string; publishedAt?: string }
  /** Small print (counts, hints). */
  | { type: 'context'; text: string }
  | { type: 'divider' };

export interface Message {
  /** Optional title; rendered as a header where the platform has one. */
  title?: string;
  blocks: Block[];
  /** Plain-text fallback of the whole message (notifications, screen readers, logs). */
  text: string;
}

export function message(blocks: Block[], title?: string): Message {
  return { title, blocks, text: fallbackText(title, blocks) };
}

export function blockText(block: Block): string {
  switch (block.type) {
    case 'heading':
    case 'paragraph':
    case 'quote':
    case 'context':
      return block.text;
    case 'bullets':
      return block.items.map((i) => `• ${i}`).join('\n');
    case 'story': {
      const lines = [block.title, block.summary];
      if (block.figure) lines.push(`Key figure: ${block.figure}`);
      if (block.sources.length) lines.push(`Sources: ${block.sources.map((s) => s.label).join(', ')}`);
      return lines.join('\n');
    }
    case 'source':
      return `— ${block.title}, ${block.source}${block.publishedAt ? `, ${block.publishedAt.slice(0, 10)}` : ''}${block.url ? ` ${block.url}` : ''}`;
    case 'divider':
      return '';
  }
}

export function fallbackText(title: string | undefined, blocks: Block[]): string {
  const parts = blocks.map(blockText).filter((t) => t.length > 0);
  if (title) parts.unshift(title);
  return parts.join('\n');
}
