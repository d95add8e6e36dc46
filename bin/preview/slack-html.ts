import type { SlackBlock, SlackPayload, SlackTextObject } from '../../adapters/slack/render.js';
import { SLACK_LIMITS } from '../../adapters/slack/render.js';
import { count, escapeHtml, link, Placeholders } from './html.js';

/** Slack's own `&amp;`, `&lt;`, `&gt;` back to characters (only these three exist in mrkdwn). */
function unescapeSlack(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/**
 * One line of Slack mrkdwn as Slack draws it: `<url|label>` links, *bold*, _italic_,
 * ~strike~ and `code` (the markers only count at word edges, as in Slack), entities.
 */
function mrkdwnLine(line: string, ph: Placeholders): string {
  let s = line.replace(/<([^<>|]+)(?:\|([^<>]*))?>/g, (_, url: string, label?: string) => {
    const target = unescapeSlack(url);
    const text = escapeHtml(unescapeSlack(label ?? url));
    return ph.hold(/^https?:/.test(target) ? link(target, text) : text);
  });
  const styles: [string, string][] = [
    ['\\*', 'strong'],
    ['_', 'em'],
    ['~', 'del'],
    ['`', 'code'],
  ];
  for (const [m, tag] of styles) {
    const re = new RegExp(`(^|[\\s(\\u0002])${m}(?=\\S)([^\\n]*?\\S)${m}(?=$|[\\s.,;:!?)'"\\u0001])`, 'g');
    s = s.replace(re, (_, pre: string, inner: string) => `${pre}${ph.hold(`<${tag}>`)}${inner}${ph.hold(`</${tag}>`)}`);
  }
  return ph.restore(escapeHtml(unescapeSlack(s)));
}

export function mrkdwnToHtml(text: string): string {
  const ph = new Placeholders();
  const lines = Placeholders.clean(text).split('\n');
  const out: string[] = [];
  let quote: string[] = [];
  const flush = () => {
    if (quote.length) out.push(`<blockquote>${quote.join('<br>')}</blockquote>`);
    quote = [];
  };
  for (const line of lines) {
    const q = /^(?:>|&gt;)\s?(.*)$/.exec(line);
    if (q) {
      quote.push(mrkdwnLine(q[1], ph));
      continue;
    }
    flush();
    out.push(mrkdwnLine(line, ph));
  }
  flush();
  return out.join('<br>').replace(/<br>(<blockquote>)/g, '$1').replace(/(<\/blockquote>)<br>/g, '$1');
}

function textObject(t: SlackTextObject): string {
  return t.type === 'plain_text' ? escapeHtml(Placeholders.clean(t.text)) : mrkdwnToHtml(t.text);
}

function over(n: number, max: number): string {
  return n > max ? ' over' : '';
}

function blockHtml(b: SlackBlock): string {
  switch (b.type) {
    case 'header':
      return `<div class="s-header${over(b.text.text.length, SLACK_LIMITS.headerText)}" title="header: ${b.text.text.length} / ${SLACK_LIMITS.headerText} characters">${textObject(b.text)}</div>`;
    case 'section':
      return `<div class="s-section${over(b.text.text.length, SLACK_LIMITS.sectionText)}" title="section: ${count(b.text.text.length)} / ${count(SLACK_LIMITS.sectionText)} characters">${textObject(b.text)}</div>`;
    case 'context':
      return `<div class="s-context">${b.elements.map((e) => `<span title="context: ${count(e.text.length)} / ${count(SLACK_LIMITS.contextText)} characters">${textObject(e)}</span>`).join(' ')}</div>`;
    case 'divider':
      return '<hr class="s-divider">';
    case 'actions':
      return `<div class="s-actions">${b.elements.map((e) => `<span class="s-button">${escapeHtml(e.text.text)}</span>`).join('')}</div>`;
  }
}

function longest(payload: SlackPayload): number {
  return Math.max(
    0,
    ...payload.blocks.map((b) => (b.type === 'section' || b.type === 'header' ? b.text.text.length : b.type === 'context' ? Math.max(...b.elements.map((e) => e.text.length)) : 0)),
  );
}

/** Every part of the split message, in order, as Slack's light theme draws it, with the limits each part is held to. */
export function slackHtml(payloads: SlackPayload[], time: string): string {
  return payloads
    .map((p, i) => {
      const limits = `<div class="limits">Slack message ${i + 1} of ${payloads.length} · <span class="${over(p.blocks.length, SLACK_LIMITS.blocksPerMessage)}">${p.blocks.length} / ${SLACK_LIMITS.blocksPerMessage} blocks</span> · longest text ${count(longest(p))} / ${count(SLACK_LIMITS.sectionText)} characters · notification text ${count(p.text.length)} / ${count(SLACK_LIMITS.fallbackText)}</div>`;
      return `<div class="s-message" data-part="${i + 1}">${limits}<div class="s-row"><div class="s-avatar">b</div><div class="s-body"><div class="s-meta"><span class="s-name">briefbot</span><span class="s-app">APP</span><span class="s-time">${escapeHtml(time)}</span></div>${p.blocks.map(blockHtml).join('')}</div></div></div>`;
    })
    .join('');
}
