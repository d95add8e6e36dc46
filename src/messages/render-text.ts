import type { Block, Message } from './message.js';

/**
 * Plain text with light Markdown, for the console and the CLI. Article text is
 * printed as is: a terminal does not interpret mentions, and control characters
 * are stripped so a story cannot move the cursor or recolour the screen.
 */
export function renderText(msg: Message): string {
  const out: string[] = [];
  if (msg.title) out.push(`**${clean(msg.title)}**`);
  for (const b of msg.blocks) out.push(renderBlock(b));
  return out.filter((l) => l !== '').join('\n');
}

function renderBlock(b: Block): string {
  switch (b.type) {
    case 'heading':
      return `## ${clean(b.text)}`;
    case 'paragraph':
      return clean(b.text);
    case 'context':
      return `_${clean(b.text)}_`;
    case 'quote':
      return `> ${clean(b.text)}`;
    case 'bullets':
      return b.items.map((i) => `• ${clean(i)}`).join('\n');
    case 'divider':
      return '---';
    case 'source':
      return `— ${clean(b.title)} (${clean(b.source)}${b.publishedAt ? `, ${b.publishedAt.slice(0, 10)}` : ''})${b.url ? ` ${b.url}` : ''}`;
    case 'story': {
      const lines = [`• ${clean(b.title)}`, `  ${clean(b.summary)}`];
      if (b.figure) lines.push(`  Key figure: ${clean(b.figure)}`);
      lines.push(`  Sources: ${b.sources.map((s) => (s.url ? `${clean(s.label)} <${s.url}>` : clean(s.label))).join(', ')}`);
      return lines.join('\n');
    }
  }
}

function clean(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '');
}
