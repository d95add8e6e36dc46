import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeArticle } from '../src/articles/ingest.js';
import { buildBrief } from '../src/briefing/build.js';
import type { Block } from '../src/messages/message.js';
import { makeFixtureCore } from './helpers/fixture-core.js';

let fx: Awaited<ReturnType<typeof makeFixtureCore>>;
const now = new Date('2026-11-29T12:00:00Z');
const day = { since: new Date(now.getTime() - 86_400_000), until: now };
const stories = (blocks: Block[]) => blocks.filter((b): b is Extract<Block, { type: 'story' }> => b.type === 'story');
const base = { publishedAtSource: 'page' as const, language: 'en' };

beforeAll(async () => {
  fx = await makeFixtureCore();
  // The fixture's date is its file's mtime; pin a copy into the window by storing dated stories around it.
  await storeArticle(fx.store, { ...base, title: 'Port of Mombasa reopens after strike', source: 'Wire A', url: 'https://a.example/port', publishedAt: '2026-11-29T09:00:00Z', body: 'The port of Mombasa reopened on Monday after a two-day strike by dock workers ended with a pay deal.\nShipping lines said delays would clear within a week.' });
  await storeArticle(fx.store, { ...base, title: 'Mombasa port reopens as strike ends', source: 'Wire B', url: 'https://b.example/port', publishedAt: '2026-11-29T10:00:00Z', body: 'The port of Mombasa reopened on Monday after the dock workers strike ended with a pay deal agreed overnight.\nCargo began moving again within hours.' });
  await storeArticle(fx.store, { ...base, title: 'Coffee exports rise', source: 'Wire A', url: 'https://a.example/coffee', publishedAt: '2026-11-29T08:00:00Z', body: 'Coffee exports rose 12% to $310 million in the third quarter, the coffee board said.\nHigher prices drove the gain.' });
  await storeArticle(fx.store, { ...base, title: 'Old news', source: 'Wire A', url: 'https://a.example/old', publishedAt: '2026-11-20T08:00:00Z', body: 'Something happened a long time ago and was reported at the time by the wire.' });
});
afterAll(() => fx.close());

describe('brief builder', () => {
  it('merges the same story from several sources into one bullet naming every source', async () => {
    const brief = (await buildBrief(fx.store, { ...day, topics: ['port'] }))!;
    const s = stories(brief.blocks);
    expect(s).toHaveLength(1);
    expect(s[0].sources.map((l) => l.label).sort()).toEqual(['Wire A', 'Wire B']);
    expect(s[0].sources.map((l) => l.url).sort()).toEqual(['https://a.example/port', 'https://b.example/port']);
  });

  it('gives each story a one-sentence summary and key figure, and leaves out stories outside the window', async () => {
    const brief = (await buildBrief(fx.store, day))!;
    const coffee = stories(brief.blocks).find((b) => b.title === 'Coffee exports rise')!;
    expect(coffee.summary).toBe('Coffee exports rose 12% to $310 million in the third quarter, the coffee board said.');
    expect(coffee.figure).toBe('coffee exports: 12%');
    expect(stories(brief.blocks).map((b) => b.title)).not.toContain('Old news');
  });

  it('caps the number of stories and ranks multi-source stories first', async () => {
    const brief = (await buildBrief(fx.store, { ...day, maxStories: 1, sources: ['Wire A', 'Wire B'] }))!;
    expect(stories(brief.blocks).map((b) => b.title)).toEqual(['Mombasa port reopens as strike ends']);
  });

  it('matches topics on word stems, whatever form the story uses', async () => {
    const titles = async (topic: string) => stories((await buildBrief(fx.store, { ...day, topics: [topic] }))?.blocks ?? []).map((b) => b.title);
    expect(await titles('strikes')).toEqual(['Mombasa port reopens as strike ends']);
    expect(await titles('exported coffee')).toEqual(['Coffee exports rise']);
    expect(await titles('delayed')).toEqual(['Port of Mombasa reopens after strike']); // only Wire A says "delays"
    expect(await titles('coffee board')).toEqual(['Coffee exports rise']);
    expect(await titles('coffee strike')).toEqual([]);
  });

  it('filters by source and returns null when nothing matches', async () => {
    const brief = (await buildBrief(fx.store, { ...day, sources: ['b.example'] }))!;
    expect(stories(brief.blocks).map((b) => b.sources[0].label)).toEqual(['Wire B']);
    expect(await buildBrief(fx.store, { ...day, topics: ['volcano'] })).toBeNull();
  });

  it('builds the fixture story without page noise', async () => {
    const brief = (await buildBrief(fx.store, { since: new Date(0), until: new Date(Date.now() + 60_000), topics: ['Kenya'] }))!;
    const [story] = stories(brief.blocks);
    expect(story.summary).toBe('Malaysian Prime Minister Anwar Ibrahim conducted an official visit to Kenya on Nov. 23 and 24 at the invitation of President William Ruto.');
    expect(story.figure).toBe('bilateral trade: 5.7 billion ringgit ($1.37 billion)');
    expect(brief.text).not.toMatch(/\.\.\.|Lydie Mobio|Adapted in English|Togolese banks/);
  });
});
