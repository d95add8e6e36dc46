import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cleanLines, isNoiseLine } from '../src/articles/clean.js';
import { parseTextArticle } from '../src/articles/text.js';
import { FIXTURE_ARTICLE } from './helpers/fixture-core.js';

const raw = readFileSync(FIXTURE_ARTICLE, 'utf8');
const rawLines = raw.split('\n').filter((l) => l.trim());

describe('page-noise cleaning', () => {
  it('keeps the story of the fixture and drops the 13 noise lines after it', () => {
    const parsed = parseTextArticle(raw);
    const body = cleanLines(parsed.body.split('\n'));
    expect(parsed.title).toBe(rawLines[0]);
    expect(body).toEqual(rawLines.slice(1, 9));
    expect(body.at(-1)).toMatch(/open new markets for Kenyan farmers\.$/);
    for (const noise of rawLines.slice(9)) expect(body.join('\n')).not.toContain(noise);
    expect(rawLines.slice(9)).toHaveLength(13);
  });

  it('recognises teasers, credits and widgets by their shape, not by their words', () => {
    expect(isNoiseLine('Shares of a regional lender rose sharply after the results were published and the...')).toBe(true);
    expect(isNoiseLine('Central bank holds rates as inflation cools across the region …')).toBe(true);
    expect(isNoiseLine('This story was originally published in Spanish by Ana Pérez')).toBe(true);
    expect(isNoiseLine('Translated from German by Max Müller')).toBe(true);
    expect(isNoiseLine('Additional reporting by Jane Doe; Editing by John Roe')).toBe(true);
    expect(isNoiseLine('Share this article')).toBe(true);
    expect(isNoiseLine('Subscribe to our newsletter for daily updates')).toBe(true);
    expect(isNoiseLine('We use cookies to improve your experience.')).toBe(true);
    expect(isNoiseLine('© 2025 Example Media. All rights reserved.')).toBe(true);
  });

  it('keeps real sentences, including ones that quote a trailing-off speaker', () => {
    expect(isNoiseLine('The minister said the deal would be signed next week.')).toBe(false);
    expect(isNoiseLine('“We will see what happens…”')).toBe(false);
    expect(isNoiseLine('Adapted versions of the plan were shared with regulators, who approved them on Monday.')).toBe(false);
    expect(isNoiseLine('By the end of the year, exports had doubled.')).toBe(false);
  });
});
