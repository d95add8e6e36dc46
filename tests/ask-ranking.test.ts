import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ask } from '../src/ask/answer.js';
import { storeArticle } from '../src/articles/ingest.js';
import { Kind, answerSpans, questionKind } from '../src/nlp/kinds.js';
import { openSqliteStore } from '../src/store/sqlite/index.js';
import type { Store } from '../src/store/store.js';

const NOW = new Date('2026-03-12T12:00:00Z');
const day = (n: number) => new Date(NOW.getTime() - n * 86_400_000).toISOString();
const base = { source: 'Example News', publishedAtSource: 'page' as const, language: 'en' };

let dir: string;
let store: Store;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'briefbot-ask-ranking-'));
  store = openSqliteStore(join(dir, 'store.db'));
  const articles = [
    {
      title: 'Online retailer plans a hiring day',
      url: 'https://example.com/hiring',
      publishedAt: day(2),
      body: 'Amazon said it will hire 33,000 people for corporate and technology jobs at a virtual career day on Sept. 16.\nThe company said recruiters would hold 20,000 one-on-one sessions with candidates.',
    },
    {
      title: 'Warehouse workers vote on a union',
      url: 'https://example.com/union',
      publishedAt: day(40),
      body: 'Employees at an American warehouse began voting this week on whether to form a union.\nThe company has announced new pay rises for its employees, hoping to keep staff.\nManagers said they would fill open shifts with temporary workers.',
    },
    {
      title: 'Storm hits the coast',
      url: 'https://example.com/storm-old',
      publishedAt: day(45),
      body: 'A powerful storm flooded coastal roads in Galveston on Tuesday, and officials closed the port for two days.',
    },
    {
      title: 'Storm hits the coast again',
      url: 'https://example.com/storm-new',
      publishedAt: day(1),
      body: 'A powerful storm flooded roads in Corpus Christi on Tuesday, officials said.',
    },
  ];
  for (const a of articles) await storeArticle(store, { ...base, ...a });
});
afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('ranking answers', () => {
  it('answers a long quiz question whose clues the answer sentence only partly repeats', async () => {
    const r = await ask(store, 'Hoping to fill its new technology jobs, which American company announced this week that it will hire 33,000 employees at a virtual career day, after warehouse workers began voting on a union?', { now: NOW });
    expect(r.answer?.sentence).toBe('Amazon said it will hire 33,000 people for corporate and technology jobs at a virtual career day on Sept. 16.');
    expect(r.answer?.article.url).toBe('https://example.com/hiring');
  });

  it('answers quiz phrasing with no question word', async () => {
    const r = await ask(store, 'This company will hold 20,000 one-on-one sessions with candidates at its career day.', { now: NOW });
    expect(r.answer?.sentence).toBe('The company said recruiters would hold 20,000 one-on-one sessions with candidates.');
  });

  it('prefers the story from the week of asking when the question says "this week"', async () => {
    const r = await ask(store, 'Where did a powerful storm flood coastal roads this week?', { now: NOW });
    expect(r.answer?.sentence).toBe('A powerful storm flooded roads in Corpus Christi on Tuesday, officials said.');
    expect(r.alternatives.map((a) => a.article.url)).toContain('https://example.com/storm-old');
  });

  it('has no answer when the question is about something the store never mentions', async () => {
    expect((await ask(store, 'Which striker scored the winning penalty in the cup final?', { now: NOW })).answer).toBeNull();
  });
});

describe('answer kinds', () => {
  it.each([
    ['A US embassy in what country was attacked?', Kind.PLACE],
    ['Dozens died in protests in this country after a coup.', Kind.PLACE],
    ['Which American company announced it will hire 33,000 people?', Kind.ENTITY],
    ['This artist is the first to win five awards in one night.', Kind.PERSON],
    ['Who visited Kenya?', Kind.PERSON],
    ['How old is the president?', Kind.NUMBER],
    ['In what year did the war end?', Kind.DATE],
    ['What did they sign?', 0],
  ])('%s', (question, kind) => {
    expect(questionKind(question)).toBe(kind);
  });

  it('finds the spans that could answer, and places only after a preposition', async () => {
    const s = 'Officials said the storm hit Corpus Christi, and President Jane Doe flew in from Austin on 12 March, aides said.';
    expect(answerSpans(s, Kind.PERSON)).toEqual(['Corpus Christi', 'President Jane Doe', 'Austin', 'March']);
    expect(answerSpans(s, Kind.PLACE)).toEqual(['Austin']);
    expect(answerSpans(s, Kind.DATE)).toEqual(['12 March']);
    expect(answerSpans('The plant cost $4.5 million and employs 300 people.', Kind.AMOUNT)).toEqual(['4.5 million', '300']);
  });
});
