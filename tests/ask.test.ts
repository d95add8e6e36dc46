import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ask } from '../src/ask/answer.js';
import { storeArticle } from '../src/articles/ingest.js';
import { makeFixtureCore } from './helpers/fixture-core.js';

let fx: Awaited<ReturnType<typeof makeFixtureCore>>;
beforeAll(async () => {
  fx = await makeFixtureCore();
});
afterAll(() => fx.close());

describe('answers on the fixture article', () => {
  it.each([
    ['trade figure?', 'Bilateral trade reached 5.7 billion ringgit ($1.37 billion), dominated by palm oil, petroleum products, metal ores and processed food.'],
    ['who visited Kenya?', 'Malaysian Prime Minister Anwar Ibrahim conducted an official visit to Kenya on Nov. 23 and 24 at the invitation of President William Ruto.'],
    ['when was the visit?', 'Malaysian Prime Minister Anwar Ibrahim conducted an official visit to Kenya on Nov. 23 and 24 at the invitation of President William Ruto.'],
    ['what did they sign?', 'Both leaders signed four legal instruments that target several strategic sectors.'],
    ['Hi! Could you tell me how big the bilateral trade between Malaysia and Kenya is?', 'Bilateral trade reached 5.7 billion ringgit ($1.37 billion), dominated by palm oil, petroleum products, metal ores and processed food.'],
  ])('%s', async (question, sentence) => {
    const result = await ask(fx.store, question);
    expect(result.answer?.sentence).toBe(sentence);
    expect(result.answer?.article.title).toBe('Malaysia and Kenya agreed to upgrade their diplomatic ties to a strategic partnership as both countries marked 60 years of relations.');
    expect(result.answer?.article.source).toBe('malaysia-kenya-strategic-partnership.txt');
  });

  it('says it has no answer rather than quoting an unrelated figure', async () => {
    expect((await ask(fx.store, 'What is the inflation rate in Japan?')).answer).toBeNull();
    expect((await ask(fx.store, 'who won the world cup?')).answer).toBeNull();
  });

  it('never answers from page noise', async () => {
    expect((await ask(fx.store, 'how much did tin production rise?')).answer).toBeNull();
    expect((await ask(fx.store, 'who translated the article?')).answer).toBeNull();
  });

  it('treats FTS5 syntax typed by a user as words', async () => {
    for (const q of ['NEAR(trade figure)', '"trade', 'trade*', '^trade OR figure', 'trade AND NOT kenya', '-- ; DROP TABLE articles']) {
      await expect(ask(fx.store, q)).resolves.toBeDefined();
    }
    expect((await ask(fx.store, '"trade" figure?')).answer?.sentence).toMatch(/^Bilateral trade reached/);
  });

  it('prefers the newer article when two are equally relevant', async () => {
    const base = { source: 'Example', publishedAtSource: 'page' as const, language: 'en' };
    await storeArticle(fx.store, { ...base, title: 'Copper output report', url: 'https://example.com/old', publishedAt: '2020-01-01T00:00:00.000Z', body: 'Zambian copper output reached 700,000 tonnes, officials said in the first estimate.' });
    await storeArticle(fx.store, { ...base, title: 'Copper output update', url: 'https://example.com/new', publishedAt: '2026-11-01T00:00:00.000Z', body: 'Zambian copper output reached 760,000 tonnes, officials said in the revised estimate.' });
    const result = await ask(fx.store, 'Zambian copper output?', { now: new Date('2026-11-29T00:00:00Z') });
    expect(result.answer?.article.url).toBe('https://example.com/new');
    expect(result.alternatives.map((a) => a.article.url)).toContain('https://example.com/old');
  });
});

describe('direct messages', () => {
  const dm = (text: string) => ({ platform: 'console', command: 'message' as const, text, user: 'u', channel: 'c', isDirect: true, target: 'console', userTarget: 'console' });

  it('routes "brief", "help" and an empty mention, and answers everything else as a question', async () => {
    expect((await fx.core.handle(dm(''))).message.title).toBe('briefbot');
    expect((await fx.core.handle(dm('help'))).message.title).toBe('briefbot');
    expect((await fx.core.handle(dm('brief kenya'))).message.title).toBe('News brief: kenya');
    const answer = await fx.core.handle(dm('What was the trade figure between the two countries?'));
    expect(answer.message.blocks[0]).toEqual({ type: 'quote', text: 'Bilateral trade reached 5.7 billion ringgit ($1.37 billion), dominated by palm oil, petroleum products, metal ores and processed food.' });
    expect(answer.ephemeral).toBe(false);
  });
});
