import { describe, expect, it } from 'vitest';
import { DISCORD_LIMITS, embedChars, renderMessage, renderPlainText } from '../adapters/discord/render.js';
import { escapeText } from '../adapters/discord/escape.js';
import { message, type Block } from '../src/index.js';

function expectWithinLimits(payloads: ReturnType<typeof renderMessage>) {
  for (const p of payloads) {
    expect(p.embeds.length).toBeLessThanOrEqual(DISCORD_LIMITS.embedsPerMessage);
    expect(p.embeds.reduce((n, e) => n + embedChars(e), 0)).toBeLessThanOrEqual(DISCORD_LIMITS.embedCharsPerMessage);
    for (const e of p.embeds) {
      expect((e.title ?? '').length).toBeLessThanOrEqual(DISCORD_LIMITS.title);
      expect((e.description ?? '').length).toBeLessThanOrEqual(DISCORD_LIMITS.description);
    }
  }
}

describe('Discord rendering', () => {
  it('escapes markdown and mention syntax so untrusted text reads as plain text', () => {
    expect(escapeText('**bold** <@123> <#456> <t:1700000000> [x](https://e.com) @here')).toBe(
      '\\*\\*bold\\*\\* \\<@123> \\<#456> \\<t:1700000000> \\[x](https://e.com) @\u200bhere',
    );
    expect(escapeText('# Heading\n- item\n1. first')).toBe('\\# Heading\n\\- item\n1\\. first');
  });

  it('splits a very long paragraph over several embeds without losing text', () => {
    const sentence = 'The ministry published the full tariff schedule for every product line covered. ';
    const text = sentence.repeat(150).trim(); // about 12,000 characters
    const payloads = renderMessage(message([{ type: 'paragraph', text }], 'Long read'));
    expectWithinLimits(payloads);
    const all = payloads.flatMap((p) => p.embeds.map((e) => e.description ?? '')).join(' ');
    expect(all.split('The ministry published').length - 1).toBe(150);
    expect(payloads[0].embeds[0].title).toBe('Long read');
  });

  it('cuts over-long titles, figures and footers to their limits', () => {
    const story: Block = {
      type: 'story',
      title: 'T'.repeat(400),
      summary: 'S'.repeat(300),
      figure: '9'.repeat(1500),
      sources: Array.from({ length: 80 }, (_, i) => ({ label: `Source number ${i}` })),
    };
    const [p] = renderMessage(message([story], 'x'.repeat(300)));
    expectWithinLimits([p]);
    const e = p.embeds.find((x) => x.fields)!;
    expect(e.title!.length).toBeLessThanOrEqual(256);
    expect(e.fields![0].value.length).toBeLessThanOrEqual(1024);
    expect(e.footer!.text.length).toBeLessThanOrEqual(512);
    expect(e.footer!.text.startsWith('Sources: Source number 0, Source number 1')).toBe(true);
  });

  it('drops URLs Discord would reject instead of failing the whole message', () => {
    const [p] = renderMessage(
      message([
        { type: 'story', title: 'A', summary: 'B', url: 'javascript:alert(1)', sources: [{ label: 'Local file', url: 'file:///tmp/a.txt' }] },
        { type: 'source', title: 'C', source: 'D', url: 'not a url' },
      ]),
    );
    expect(p.embeds[0].url).toBeUndefined();
    expect(p.embeds[1].description).toBe('Source: C — D');
  });

  it('renders plain text in messages of at most 2,000 characters', () => {
    const items = Array.from({ length: 60 }, (_, i) => `Item ${i} with enough words to make the list long enough to need splitting`);
    const parts = renderPlainText(message([{ type: 'bullets', items }], 'List'));
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect(p.length).toBeLessThanOrEqual(DISCORD_LIMITS.content);
    expect(parts.join('\n').split('\n')).toEqual(['**List**', ...items.map((i) => `• ${i}`)]);
  });

  it('sends an empty message as text rather than an invalid empty payload', () => {
    expect(renderMessage(message([]))).toEqual([{ content: '(empty message)', embeds: [] }]);
  });
});
