import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cleanLines } from '../src/articles/clean.js';
import { parseTextArticle } from '../src/articles/text.js';
import { findQuantities, measureOf } from '../src/nlp/quantities.js';
import { splitSentences } from '../src/nlp/sentences.js';
import { summarizeText } from '../src/summarize/summarize.js';
import { formatFigure } from '../src/summarize/summary.js';
import { FIXTURE_ARTICLE } from './helpers/fixture-core.js';

const parsed = parseTextArticle(readFileSync(FIXTURE_ARTICLE, 'utf8'));
const body = cleanLines(parsed.body.split('\n')).join('\n');

describe('summarizer', () => {
  it('summarizes the fixture with verbatim story sentences and its key figure', () => {
    const s = summarizeText(body, { title: parsed.title });
    expect(s.sentences).toEqual([
      'Malaysian Prime Minister Anwar Ibrahim conducted an official visit to Kenya on Nov. 23 and 24 at the invitation of President William Ruto.',
      'Both leaders signed four legal instruments that target several strategic sectors.',
      'The two governments concluded a bilateral air services agreement that aims to expand connectivity and facilitate travel between the two countries.',
    ]);
    for (const sentence of s.sentences) expect(body).toContain(sentence);
    expect(s.figures.map(formatFigure)).toEqual(['bilateral trade: 5.7 billion ringgit ($1.37 billion)']);
  });

  it('honours the sentence count', () => {
    expect(summarizeText(body, { title: parsed.title, sentences: 1 }).sentences).toHaveLength(1);
  });

  it('never draws on page noise', () => {
    const s = summarizeText(parsed.body, { title: parsed.title, sentences: 8 });
    const cleaned = summarizeText(body, { title: parsed.title, sentences: 8 });
    expect(cleaned.sentences.join(' ')).not.toMatch(/\.\.\.|Lydie Mobio|Adapted in English/);
    expect(s.sentences.length).toBe(8);
  });
});

describe('sentences and quantities', () => {
  it('does not split at abbreviations, initials or decimals', () => {
    expect(splitSentences('The visit on Nov. 23 was led by U.S. officials. J. Smith said 2.5% was fine! Next?')).toEqual([
      'The visit on Nov. 23 was led by U.S. officials.',
      'J. Smith said 2.5% was fine!',
      'Next?',
    ]);
  });

  it('reads news money forms and what they measure', () => {
    const s = 'Quarterly profits at US media giant TimeWarner jumped 76% to $1.13bn (£600m) for the three months to December, from $639m year-earlier.';
    expect(findQuantities(s).map((q) => [q.kind, q.text])).toEqual([
      ['percent', '76%'],
      ['money', '$1.13bn (£600m)'],
      ['money', '$639m'],
    ]);
    const trade = 'Bilateral trade reached 5.7 billion ringgit ($1.37 billion), dominated by palm oil.';
    const [q] = findQuantities(trade);
    expect(q.text).toBe('5.7 billion ringgit ($1.37 billion)');
    expect(measureOf(trade, q)).toBe('bilateral trade');
    expect(findQuantities('Deposits rose by CFA11.9 billion, a 2.7 percent rise.').map((x) => x.text)).toEqual(['CFA11.9 billion', '2.7 percent']);
  });
});
