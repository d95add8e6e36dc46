/**
 * One contract, two stores: every test here runs unchanged against a real SQLite file
 * and a real PostgreSQL database created for it (BRIEFBOT_TEST_DATABASE_URL).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { analyseArticle } from '../src/articles/analyse.js';
import { openPostgresStore } from '../src/store/postgres/index.js';
import { PG_CONVERSATION_MIGRATIONS } from '../src/store/postgres/conversations.js';
import { PG_SHARE_MIGRATIONS } from '../src/store/postgres/shares.js';
import { PG_MIGRATIONS } from '../src/store/postgres/schema.js';
import { RETRIEVAL } from '../src/store/retrieval.js';
import { openSqliteStore } from '../src/store/sqlite/index.js';
import type { ArticleInput, Store } from '../src/store/store.js';
import { createTestDatabase, describePostgres } from './helpers/postgres.js';

/** A place for one store: open() may be called more than once (several connections, a re-open). */
interface Place {
  open(): Promise<Store>;
  cleanup(): Promise<void>;
}

const places: Place[] = [];
const opened: Store[] = [];
afterEach(async () => {
  for (const s of opened.splice(0)) await s.close();
  for (const p of places.splice(0)) await p.cleanup();
});

function sqlitePlace(): Place {
  const dir = mkdtempSync(join(tmpdir(), 'briefbot-contract-'));
  return { open: async () => openSqliteStore(join(dir, 'briefbot.db')), cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
}

async function postgresPlace(): Promise<Place> {
  const db = await createTestDatabase();
  return { open: () => openPostgresStore(db.url, { maxConnections: 4 }), cleanup: () => db.drop() };
}

const base = { source: 'Wire', publishedAtSource: 'page' as const, language: 'en' };
const article = (i: number, body: string, extra: Partial<ArticleInput> = {}): ArticleInput => ({
  ...base,
  title: `Story ${i}`,
  url: `https://e.example/${i}`,
  publishedAt: `2026-01-${String(10 + i).padStart(2, '0')}T08:00:00.000Z`,
  body,
  ...extra,
});
const item = (input: ArticleInput) => ({ input, analysis: analyseArticle(input) });

const STORIES = [
  'The Denver Broncos won Super Bowl 50 at the stadium in Santa Clara.\nThe American Football Conference (AFC) champion Denver Broncos defeated the National Football Conference (NFC) champion Carolina Panthers 24–10 to earn their third Super Bowl title.',
  'Fans of the team queued outside the stadium all night.\nThe conference on stadium safety opened on Monday.',
  'The stadium will host a concert next week.\nFootball fans said the champion deserved the title.',
  'Shares rose as the conference on trade ended.\nThe champion fund manager said the team was ready.',
];
const WINNER =
  'The American Football Conference (AFC) champion Denver Broncos defeated the National Football Conference (NFC) champion Carolina Panthers 24–10 to earn their third Super Bowl title.';

async function withBudgets<T>(budgets: Partial<typeof RETRIEVAL>, fn: () => Promise<T>): Promise<T> {
  const saved = { ...RETRIEVAL };
  Object.assign(RETRIEVAL, budgets);
  try {
    return await fn();
  } finally {
    Object.assign(RETRIEVAL, saved);
  }
}

function storeContract(place: () => Promise<Place>): void {
  async function fresh(): Promise<{ store: Store; place: Place; another(): Promise<Store> }> {
    const p = await place();
    places.push(p);
    const open = async () => {
      const s = await p.open();
      opened.push(s);
      return s;
    };
    return { store: await open(), place: p, another: open };
  }

  describe('articles', () => {
    it('adds an article with its sentences and summary, and reads them back', async () => {
      const { store } = await fresh();
      const input = article(1, 'Rains returned to the region on Tuesday after a six-month drought.\nFarmers welcomed the change.');
      const added = await store.articles.add(input, analyseArticle(input));
      expect(added).toEqual({ status: 'added', id: expect.any(Number) });
      const id = (added as { id: number }).id;
      expect(await store.articles.get(id)).toEqual({ ...input, id, ingestedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
      expect(await store.articles.get(id + 1000)).toBeUndefined();
      expect(await store.articles.count()).toBe(1);
      const sentences = await store.articles.sentences(id);
      expect(sentences.map((s) => [s.articleId, s.index, s.text])).toEqual([
        [id, 0, 'Story 1'],
        [id, 1, 'Rains returned to the region on Tuesday after a six-month drought.'],
        [id, 2, 'Farmers welcomed the change.'],
      ]);
      expect(sentences.map((s) => s.kinds)).toEqual(analyseArticle(input).sentences.map((s) => s.kinds));
      expect(await store.articles.totalSentences()).toBe(3);
      const other = article(2, 'Wheat prices fell for a third week as harvests came in early.');
      const id2 = ((await store.articles.add(other, analyseArticle(other))) as { id: number }).id;
      const read = await store.articles.readArticles([id2, id + 1000, id]);
      expect([...read.keys()].sort()).toEqual([id, id2].sort());
      expect(read.get(id)).toEqual({ article: await store.articles.get(id), sentences });
      expect(read.get(id2)?.sentences.map((s) => s.text)).toEqual(['Story 2', 'Wheat prices fell for a third week as harvests came in early.']);
      expect(await store.articles.readArticles([])).toEqual(new Map());
    });

    it('reports duplicates per item: of stored articles and of earlier items in the same batch, by link or by body', async () => {
      const { store } = await fresh();
      const first = article(1, 'Rains returned to the region on Tuesday after a six-month drought.');
      await store.articles.add(first, analyseArticle(first));
      const other = article(2, 'Wheat prices fell for a third week as harvests came in early.');
      const reworded = article(3, 'WHEAT prices fell, for a third week, as harvests came in early!');
      const results = await store.articles.addMany([item(first), item(other), item({ ...other, title: 'Same link' }), item(reworded)]);
      const id = results[1].id;
      expect(results).toEqual([
        { status: 'duplicate', id: 1, reason: 'url' },
        { status: 'added', id },
        { status: 'duplicate', id, reason: 'url' },
        { status: 'duplicate', id, reason: 'body' },
      ]);
      expect(await store.articles.count()).toBe(2);
      expect(await store.articles.addMany([])).toEqual([]);
    });

    it('rolls a failed batch back whole: no article and no sentence of it stays', async () => {
      const { store } = await fresh();
      const good = article(1, 'Wheat prices fell for a third week as harvests came in early.');
      const bad = article(2, 'Rains returned to the region on Tuesday after a six-month drought.');
      const broken = { ...analyseArticle(bad), sentences: [{ text: null as unknown as string, kinds: 0 }] };
      await expect(store.articles.addMany([item(good), { input: bad, analysis: broken }])).rejects.toThrow();
      expect([await store.articles.count(), await store.articles.totalSentences()]).toEqual([0, 0]);
      expect((await store.articles.addMany([item(good)]))[0].status).toBe('added');
    });

    it('finds articles in a window, newest first, with their summaries; the window end is exclusive', async () => {
      const { store } = await fresh();
      await store.articles.addMany([1, 2, 3].map((i) => item(article(i, `Story number ${i} says the harvest was ${i} times larger than expected this year.`))));
      const found = await store.articles.inWindow(new Date('2026-01-11T00:00:00Z'), new Date('2026-01-13T08:00:00Z'));
      expect(found.map((a) => a.title)).toEqual(['Story 2', 'Story 1']);
      const { summary } = analyseArticle(article(2, found[0].body));
      // The signature is stored in the story column with the informative count, not in the summary.
      expect(found[0].summary).toEqual({ ...summary, story: undefined });
      expect(Object.keys(found[0].summary)).not.toContain('story');
      expect(found[0].storyFeatures).toEqual({ informative: 8, weight: summary.weight, signature: { terms: ['stori', '2', 'stori', 'number', '2', 'harvest', '2', 'time', 'larger', 'expect', 'year'], names: [] } });
      expect((await store.articles.inWindow(new Date(0), new Date('2100-01-01'), 1)).map((a) => a.title)).toEqual(['Story 3']);
    });

    it('frequent headline words: forms counted together and shown in their commonest form, most frequent first, ties alphabetical', async () => {
      const { store } = await fresh();
      expect(await store.articles.frequentHeadlineWords(5)).toEqual([]);
      const titles = ['Harbour tolls rise for ferries', 'Ferry operators protest toll rise', 'The 2026 harvest: wheat prices fall', "Harbour's ferry toll rises again"];
      await store.articles.addMany(titles.map((title, i) => item(article(i + 1, `Story ${i + 1} body text about ${title.toLowerCase()} in full.`, { title }))));
      expect(await store.articles.frequentHeadlineWords(4)).toEqual([
        { word: 'ferry', count: 3 },
        { word: 'rise', count: 3 },
        { word: 'toll', count: 3 },
        { word: 'fall', count: 1 },
      ]);
      // Numbers, stopwords ("the", "again"), short words and words with an apostrophe are not topics.
      expect((await store.articles.frequentHeadlineWords(100)).map((w) => w.word)).toEqual([
        'ferry', 'rise', 'toll', 'fall', 'harbour', 'harvest', 'operators', 'prices', 'protest', 'wheat',
      ]);
    });

    it('finds the window\'s articles about any topic: every word of it in the headline or text, on stems', async () => {
      const { store } = await fresh();
      const at = (title: string, body: string, publishedAt: string, n: number) => ({ ...article(n, body), title, publishedAt });
      await store.articles.addMany([
        item(at('Elections called', 'The prime minister called early elections for March.', '2026-11-20T10:00:00.000Z', 1)),
        item(at('Coffee exports rise', 'Coffee exports rose 12% as dock workers ended their strike.', '2026-11-20T11:00:00.000Z', 2)),
        item(at('Port strike ends', 'Dock workers went back to work on Monday.', '2026-11-20T12:00:00.000Z', 3)),
        item(at('Old election story', 'An election was held long ago.', '2026-10-01T10:00:00.000Z', 4)),
      ]);
      const since = new Date('2026-11-20T00:00:00Z');
      const until = new Date('2026-11-21T00:00:00Z');
      const titles = async (topics: string[][]) => (await store.articles.inWindowAbout(since, until, topics)).map((a) => a.title);
      expect(await titles([['election']])).toEqual(['Elections called']);
      expect(await titles([['strikes']])).toEqual(['Port strike ends', 'Coffee exports rise']);
      expect(await titles([['coffee', 'strike']])).toEqual(['Coffee exports rise']);
      expect(await titles([['coffee', 'election']])).toEqual([]);
      expect(await titles([['election'], ['coffee']])).toEqual(['Coffee exports rise', 'Elections called']);
      expect(await titles([['"quoted" OR NEAR(']])).toEqual([]);
      expect(await titles([])).toEqual([]);
      const [port] = await store.articles.inWindowAbout(since, until, [['strike']], 1);
      expect(port.summary.sentences).toEqual(['Dock workers went back to work on Monday.']);
    });

    it('gives briefs the window\'s story candidates (all, or about the topics) and the kept ones\' summaries by id', async () => {
      const { store } = await fresh();
      const at = (title: string, body: string, publishedAt: string, n: number) => ({ ...article(n, body), title, publishedAt });
      await store.articles.addMany([
        item(at('Elections called', 'The prime minister called early elections for March.', '2026-11-20T10:00:00.000Z', 1)),
        item(at('Coffee exports rise', 'Coffee exports rose 12% as dock workers ended their strike.', '2026-11-20T11:00:00.000Z', 2)),
        item(at('Port strike ends', 'Dock workers went back to work on Monday.', '2026-11-20T12:00:00.000Z', 3)),
        item(at('Old election story', 'An election was held long ago.', '2026-10-01T10:00:00.000Z', 4)),
      ]);
      const since = new Date('2026-11-20T00:00:00Z');
      const until = new Date('2026-11-21T00:00:00Z');
      const window = await store.articles.inWindow(since, until);
      const asCandidate = (a: (typeof window)[number]) => ({ id: a.id, title: a.title, source: a.source, url: a.url, publishedAt: a.publishedAt, storyFeatures: a.storyFeatures });
      expect(await store.articles.storyCandidates(since, until)).toEqual(window.map(asCandidate));
      expect((await store.articles.storyCandidates(since, until)).map((c) => [c.title, c.storyFeatures.informative, c.storyFeatures.signature.names])).toEqual([
        ['Port strike ends', 6, []],
        ['Coffee exports rise', 11, []],
        ['Elections called', 6, []],
      ]);
      expect(await store.articles.storyCandidates(since, until, [['strikes']])).toEqual(window.filter((a) => a.title !== 'Elections called').map(asCandidate));
      expect(await store.articles.storyCandidates(since, until, [['coffee', 'election']])).toEqual([]);
      expect(await store.articles.storyCandidates(since, until, [])).toEqual([]);
      expect((await store.articles.storyCandidates(since, until, undefined, 1)).map((c) => c.title)).toEqual(['Port strike ends']);
      const [port, coffee] = window;
      expect(await store.articles.withSummaries([coffee.id, port.id + 1000, port.id])).toEqual([port, coffee]);
      expect(await store.articles.withSummaries([])).toEqual([]);
    });

    it('counts the sentences holding each word, by stem, and keeps ids as given', async () => {
      const { store } = await fresh();
      await store.articles.addMany(STORIES.map((b, i) => item(article(i, b))));
      const df = await store.articles.termFrequencies(['stadium', 'champions', 'broncos', 'zeppelin', 'stadium']);
      expect([...df.entries()]).toEqual([
        ['stadium', 4],
        ['champions', 3],
        ['broncos', 2],
        ['zeppelin', 0],
      ]);
      expect(await store.articles.totalSentences()).toBe(12);
    });

    it('answers from the exact query when the words are rare enough', async () => {
      const { store } = await fresh();
      await store.articles.addMany(STORIES.map((b, i) => item(article(i, b))));
      const rows = await store.articles.searchSentences(['afc', 'champion', 'broncos'], 3);
      expect(rows[0]).toMatchObject({ articleId: 1, index: 2, text: WINNER });
      expect(rows).toHaveLength(3);
    });

    it('finds the sentence holding two common words together when each alone is over budget', async () => {
      const { store } = await fresh();
      await store.articles.addMany(STORIES.map((b, i) => item(article(i, b))));
      const texts = await withBudgets({ exactBudget: 0, postingBudget: 0, pairBudget: 10, pairTotal: 100, perPair: 5 }, async () =>
        (await store.articles.searchSentences(['conference', 'champion', 'football'], 2)).map((r) => r.text),
      );
      // The only sentences holding two of the words; those holding one alone ("The champion fund manager…") are no candidates.
      expect(texts).toEqual([WINNER, 'Football fans said the champion deserved the title.']);
    });

    it('keeps the newest sentences of a pair of words when it holds more than it keeps, and all of them otherwise', async () => {
      const { store } = await fresh();
      const bodies = ['Dockers at the harbour went on strike.', 'The harbour strike entered its second week.', 'A strike closed the harbour again on Friday.', 'The harbour reopened.'];
      await store.articles.addMany(bodies.map((b, i) => item(article(i, b))));
      const pairs = (perPair: number) =>
        withBudgets({ exactBudget: 0, postingBudget: 0, pairBudget: 10, pairTotal: 100, perPair }, async () => (await store.articles.searchSentences(['harbour', 'strike'], 5)).map((r) => r.text));
      // Three sentences hold both words; stored in that order, the last is the newest.
      expect(await pairs(1)).toEqual(['A strike closed the harbour again on Friday.']);
      expect(await pairs(2)).toEqual(['The harbour strike entered its second week.', 'A strike closed the harbour again on Friday.']);
      expect((await pairs(3)).sort()).toEqual(bodies.slice(0, 3).sort());
      expect((await pairs(60)).sort()).toEqual(bodies.slice(0, 3).sort());
    });

    it('falls back to the newest sentences holding the rarest word when nothing else is allowed', async () => {
      const { store } = await fresh();
      await store.articles.addMany(STORIES.map((b, i) => item(article(i, b))));
      const texts = await withBudgets({ exactBudget: 0, postingBudget: 0, pairBudget: 0 }, async () =>
        (await store.articles.searchSentences(['stadium'], 2)).map((r) => r.text),
      );
      // The two newest of the four sentences holding the word.
      expect(texts).toEqual(['The stadium will host a concert next week.', 'The conference on stadium safety opened on Monday.']);
    });

    it('treats query syntax typed by a user as words, on every retrieval path and in the naive search', async () => {
      const { store } = await fresh();
      await store.articles.addMany(STORIES.map((b, i) => item(article(i, b))));
      const typed = ['"', 'near(', '*', '|', '&', '!', ':', 'OR', 'or', 'AND', 'stadium^', "stadium'", '(stadium)', 'safety:*'];
      for (const budgets of [{}, { exactBudget: 0 }, { exactBudget: 0, postingBudget: 0 }, { exactBudget: 0, postingBudget: 0, pairBudget: 0 }]) {
        const rows = await withBudgets(budgets, () => store.articles.searchSentences(typed, 5));
        expect(rows.length).toBeGreaterThan(0);
        expect(rows.every((r) => /stadium|safety/i.test(r.text))).toBe(true);
      }
      expect(await store.articles.searchSentences(['"', '*', ':'], 5)).toEqual([]);
      const naive = await store.articles.searchSentencesNaive(typed, 2);
      expect(naive).toHaveLength(2);
      expect(naive.every((r) => /stadium|safety/i.test(r.text))).toBe(true);
      expect(await store.articles.searchSentencesNaive(['"', '*'], 2)).toEqual([]);
    });

    it('naive search: the sentences holding the words, best first, at most the limit', async () => {
      const { store } = await fresh();
      await store.articles.addMany(STORIES.map((b, i) => item(article(i, b))));
      const rows = await store.articles.searchSentencesNaive(['panthers', 'carolina'], 5);
      expect(rows.map((r) => r.text)).toEqual([WINNER]);
      expect(await store.articles.searchSentencesNaive(['champion'], 2)).toHaveLength(2);
    });
  });

  describe('subscriptions', () => {
    it('add, exists, disable, re-enable, list in order, remove', async () => {
      const { store } = await fresh();
      const t0 = new Date('2026-03-01T08:00:00Z');
      expect(await store.subscriptions.add({ brief: 'morning', target: 'slack:C1', subscribedBy: 'slack:U1', now: t0 })).toBe('added');
      expect(await store.subscriptions.add({ brief: 'morning', target: 'slack:C1', subscribedBy: 'slack:U2', now: t0 })).toBe('exists');
      expect(await store.subscriptions.add({ brief: 'evening', target: 'discord:9', subscribedBy: 'discord:1', now: t0 })).toBe('added');
      await store.subscriptions.disable('morning', 'slack:C1', 'channel_not_found', new Date('2026-03-02T08:00:00Z'));
      expect(await store.subscriptions.list()).toEqual([
        { brief: 'evening', target: 'discord:9', subscribedBy: 'discord:1', createdAt: t0.toISOString(), disabledAt: undefined, disabledReason: undefined },
        { brief: 'morning', target: 'slack:C1', subscribedBy: 'slack:U1', createdAt: t0.toISOString(), disabledAt: '2026-03-02T08:00:00.000Z', disabledReason: 'channel_not_found' },
      ]);
      expect(await store.subscriptions.add({ brief: 'morning', target: 'slack:C1', subscribedBy: 'slack:U2', now: new Date('2026-03-03T08:00:00Z') })).toBe('added');
      expect(await store.subscriptions.list({ brief: 'morning', target: 'slack:C1' })).toEqual([
        { brief: 'morning', target: 'slack:C1', subscribedBy: 'slack:U2', createdAt: '2026-03-03T08:00:00.000Z', disabledAt: undefined, disabledReason: undefined },
      ]);
      expect((await store.subscriptions.list({ target: 'discord:9' })).map((s) => s.brief)).toEqual(['evening']);
      expect(await store.subscriptions.remove('morning', 'slack:C1')).toBe(true);
      expect(await store.subscriptions.remove('morning', 'slack:C1')).toBe(false);
      expect((await store.subscriptions.list()).map((s) => s.brief)).toEqual(['evening']);
    });
  });

  describe('delivery ledger', () => {
    const key = { brief: 'morning', slot: '2026-03-30T07:00:00.000Z', target: 'slack:C1' };
    const t0 = new Date('2026-03-30T07:00:00Z');
    const at = (s: number) => new Date(t0.getTime() + s * 1000);

    it('one live claim per key across two connections; an expired lease is taken over; done is final', async () => {
      const { store: a, another } = await fresh();
      const b = await another();
      expect(await a.deliveries.claim(key, 'A', t0, 60_000)).toBe(true);
      expect(await b.deliveries.claim(key, 'B', at(30), 60_000)).toBe(false);
      expect(await a.deliveries.claim(key, 'A', at(30), 60_000)).toBe(true); // a renewal counts an attempt
      expect(await b.deliveries.claim(key, 'B', at(100), 60_000, { late: true })).toBe(true); // A's lease ran out at +90 s
      expect(await a.deliveries.get(key)).toEqual({
        ...key,
        status: 'claimed',
        attempts: 3,
        late: true,
        final: false,
        error: undefined,
        owner: 'B',
        leaseUntil: at(160).toISOString(),
        updatedAt: at(100).toISOString(),
        partsPosted: 0,
        postedIds: [],
        inDoubtSince: undefined,
      });
      await b.deliveries.complete(key, at(101));
      await a.deliveries.fail(key, 'late failure from a stale owner', true, at(102));
      expect(await a.deliveries.get(key)).toMatchObject({ status: 'delivered', attempts: 3, error: undefined, leaseUntil: undefined, updatedAt: at(101).toISOString() });
      expect(await a.deliveries.claim(key, 'A', at(500), 60_000)).toBe(false);
    });

    it('concurrent claims of one key: exactly one owner wins', async () => {
      const { store: a, another } = await fresh();
      const b = await another();
      const results = await Promise.all(Array.from({ length: 16 }, (_, i) => (i % 2 ? a : b).deliveries.claim(key, `owner-${i}`, t0, 60_000)));
      expect(results.filter(Boolean)).toHaveLength(1);
      expect((await a.deliveries.get(key))?.owner).toBe(`owner-${results.indexOf(true)}`);
    });

    it('a retryable failure can be claimed again, a final one cannot; skip never overrides a record', async () => {
      const { store } = await fresh();
      await store.deliveries.claim(key, 'A', t0, 60_000);
      await store.deliveries.fail(key, '429 rate limited', false, at(1));
      expect(await store.deliveries.claim(key, 'B', at(2), 60_000)).toBe(true);
      await store.deliveries.fail(key, 'channel_not_found', true, at(3));
      expect(await store.deliveries.claim(key, 'A', at(4), 60_000)).toBe(false);
      const k2 = { ...key, target: 'slack:C2' };
      await store.deliveries.skip(key, 'outside grace', at(5));
      await store.deliveries.skip(k2, 'outside grace', at(5));
      expect(await store.deliveries.claim(k2, 'A', at(6), 60_000)).toBe(false);
      expect((await store.deliveries.forSlot('morning', key.slot)).map((d) => [d.target, d.status, d.final, d.late, d.attempts, d.error])).toEqual([
        ['slack:C1', 'failed', true, false, 2, 'channel_not_found'],
        ['slack:C2', 'skipped', true, true, 0, 'outside grace'],
      ]);
      expect((await store.deliveries.recent(1)).map((d) => d.target)).toEqual(['slack:C2']);
    });

    it('ledger: claimMany marks deliveries in doubt; parts only grow; the outcome clears or keeps the doubt', async () => {
      const { store: a, another } = await fresh();
      const b = await another();
      const k2 = { ...key, target: 'slack:C2' };
      const k3 = { ...key, target: 'slack:C3' };
      await a.deliveries.skip(k3, 'outside grace', t0);
      expect(await a.deliveries.claimMany([{ key }, { key: k2, late: true }, { key: k3 }], 'A', t0, 60_000)).toEqual([
        { attempts: 1, partsPosted: 0, postedIds: [] },
        { attempts: 1, partsPosted: 0, postedIds: [] },
        undefined,
      ]);
      expect(await b.deliveries.claimMany([{ key }], 'B', at(30), 60_000)).toEqual([undefined]);
      // A posts two parts of `key` and dies before recording the second; k2 is refused outright.
      await a.deliveries.record(
        [
          { key, postedIds: ['p0'] },
          { key: k2, postedIds: [], outcome: { status: 'failed', error: 'slack_ratelimited', final: false, inDoubt: false } },
        ],
        at(1),
      );
      expect(await b.deliveries.get(key)).toMatchObject({ status: 'claimed', partsPosted: 1, postedIds: ['p0'], inDoubtSince: t0.toISOString() });
      expect(await b.deliveries.get(k2)).toMatchObject({ status: 'failed', late: true, inDoubtSince: undefined });
      // B takes over after the lease: it learns where to resume and that it must look first.
      expect(await b.deliveries.claimMany([{ key }, { key: k2 }], 'B', at(61), 60_000)).toEqual([
        { attempts: 2, partsPosted: 1, postedIds: ['p0'], inDoubtSince: t0.toISOString() },
        { attempts: 2, partsPosted: 0, postedIds: [] },
      ]);
      await b.deliveries.record([{ key, postedIds: ['p0'] }], at(62)); // a stale, shorter record never shrinks it
      await b.deliveries.record(
        [
          { key, postedIds: ['p0', 'p1', 'p2'], outcome: { status: 'delivered' } },
          { key: k2, postedIds: ['q0'], outcome: { status: 'failed', error: 'timeout', final: false, inDoubt: true } },
        ],
        at(63),
      );
      expect((await a.deliveries.forSlot('morning', key.slot)).map((d) => [d.target, d.status, d.partsPosted, d.postedIds, d.inDoubtSince])).toEqual([
        ['slack:C1', 'delivered', 3, ['p0', 'p1', 'p2'], undefined],
        ['slack:C2', 'failed', 1, ['q0'], at(61).toISOString()],
        ['slack:C3', 'skipped', 0, [], undefined],
      ]);
      await a.deliveries.record([{ key, postedIds: [], outcome: { status: 'failed', error: 'late', final: true, inDoubt: true } }], at(64));
      expect(await a.deliveries.get(key)).toMatchObject({ status: 'delivered', error: undefined });
    });

    it("renew extends the owner's live claims only: not another owner's, not a lapsed one, not a settled one", async () => {
      const { store: a, another } = await fresh();
      const b = await another();
      const k2 = { ...key, target: 'slack:C2' };
      const k3 = { ...key, target: 'slack:C3' };
      const k4 = { ...key, target: 'slack:C4' };
      await a.deliveries.claimMany([{ key }, { key: k2 }], 'A', t0, 60_000);
      await b.deliveries.claimMany([{ key: k3 }], 'B', t0, 60_000);
      await a.deliveries.claimMany([{ key: k4 }], 'A', t0, 10_000);
      await a.deliveries.record([{ key: k2, postedIds: ['p0'], outcome: { status: 'delivered' } }], at(1));
      // At 40 s: A's key is live (renewed to 100 s), k4's 10 s lease has lapsed, k2 is done, k3 is B's.
      expect(await a.deliveries.renew('A', at(40), 60_000)).toBe(1);
      expect((await b.deliveries.get(key))?.leaseUntil).toBe(at(100).toISOString());
      expect((await b.deliveries.get(k3))?.leaseUntil).toBe(at(60).toISOString());
      expect((await b.deliveries.get(k2))?.status).toBe('delivered');
      // Without the renewal B could take `key` at 61 s; with it, not until the renewed lease ends.
      expect(await b.deliveries.claimMany([{ key }, { key: k4 }], 'B', at(61), 60_000)).toEqual([
        undefined,
        { attempts: 2, partsPosted: 0, postedIds: [], inDoubtSince: t0.toISOString() },
      ]);
      expect(await a.deliveries.renew('A', at(62), 60_000)).toBe(1);
      expect((await a.deliveries.get(k4))?.owner).toBe('B');
    });

    it('claimMany from two connections at once: each of 300 keys is claimed by exactly one', async () => {
      const { store: a, another } = await fresh();
      const b = await another();
      const keys = Array.from({ length: 300 }, (_, i) => ({ key: { ...key, target: `slack:C${i}` } }));
      const [ra, rb] = await Promise.all([a.deliveries.claimMany(keys, 'A', t0, 60_000), b.deliveries.claimMany([...keys].reverse(), 'B', t0, 60_000)]);
      const won = keys.map((_, i) => Number(ra[i] !== undefined) + Number(rb[keys.length - 1 - i] !== undefined));
      expect(won).toEqual(keys.map(() => 1));
      // The same key twice in one call is claimed once. The holder's renewal says it was in doubt since t0.
      const [holder, owner] = ra[0] ? [a, 'A'] : [b, 'B'];
      expect(await holder.deliveries.claimMany([keys[0], keys[0]], owner, at(1), 60_000)).toEqual([
        { attempts: 2, partsPosted: 0, postedIds: [], inDoubtSince: t0.toISOString() },
        undefined,
      ]);
    });

    it('runs: the first writer wins, also when two write at once; previousRun and runsSince', async () => {
      const { store: a, another } = await fresh();
      const b = await another();
      const [first, second] = await Promise.all([
        a.deliveries.recordRun({ brief: 'morning', slot: key.slot, status: 'built', message: '{"a":1}', targets: ['console'], late: false }, t0),
        b.deliveries.recordRun({ brief: 'morning', slot: key.slot, status: 'built', message: '{"b":2}', targets: ['x'], late: true }, at(1)),
      ]);
      expect(second).toEqual(first);
      expect(await a.deliveries.getRun('morning', key.slot)).toEqual(first);
      await a.deliveries.recordRun({ brief: 'morning', slot: '2026-03-29T07:00:00.000Z', status: 'skipped', targets: [], late: true, note: 'missed' }, t0);
      await a.deliveries.recordRun({ brief: 'morning', slot: '2026-03-28T07:00:00.000Z', status: 'built', targets: ['console'], late: false }, t0);
      expect((await a.deliveries.previousRun('morning', '2026-03-31T07:00:00.000Z'))?.slot).toBe(key.slot);
      expect((await a.deliveries.previousRun('morning', key.slot))?.slot).toBe('2026-03-28T07:00:00.000Z');
      expect(await a.deliveries.previousRun('morning', '2026-03-28T07:00:00.000Z')).toBeUndefined();
      expect((await a.deliveries.runsSince('morning', '2026-03-29T00:00:00.000Z')).map((r) => [r.status, r.note, r.late])).toEqual([
        ['skipped', 'missed', true],
        ['built', undefined, first.late],
      ]);
      expect(await a.deliveries.getRun('evening', key.slot)).toBeUndefined();
    });
  });

  describe('sources', () => {
    it('upsert keeps the first, update patches, items are seen once per fingerprint, remove takes the items along', async () => {
      const { store } = await fresh();
      const t0 = new Date('2026-03-01T08:00:00Z');
      expect(await store.sources.upsert({ url: 'https://e.com/feed', kind: 'feed', addedBy: 'slack:U1', now: t0 })).toBe(true);
      expect(await store.sources.upsert({ url: 'https://e.com/feed', kind: 'feed', addedBy: 'slack:U2' })).toBe(false);
      expect(await store.sources.upsert({ url: '/srv/scraped', kind: 'folder' })).toBe(true);
      await store.sources.update('https://e.com/feed', { etag: '"v1"', failures: 2, primed: true, lastError: 'HTTP 503', nextPollAt: '2026-03-01T09:00:00.000Z' });
      await store.sources.update('https://e.com/feed', { lastError: undefined });
      expect(await store.sources.get('https://e.com/feed')).toEqual({
        url: 'https://e.com/feed',
        kind: 'feed',
        addedBy: 'slack:U1',
        addedAt: t0.toISOString(),
        etag: '"v1"',
        lastModified: undefined,
        lastPollAt: undefined,
        lastSuccessAt: undefined,
        lastErrorAt: undefined,
        lastError: undefined,
        failures: 2,
        articles: 0,
        nextPollAt: '2026-03-01T09:00:00.000Z',
        primed: true,
      });
      expect((await store.sources.list()).map((s) => [s.url, s.kind, s.primed])).toEqual([
        ['/srv/scraped', 'folder', false],
        ['https://e.com/feed', 'feed', true],
      ]);
      expect(await store.sources.markSeen('https://e.com/feed', 'guid-1', 'x', t0)).toBe(true);
      expect(await store.sources.markSeen('https://e.com/feed', 'guid-1', 'x', t0)).toBe(false);
      expect(await store.sources.markSeen('https://e.com/feed', 'guid-1', 'y', t0)).toBe(true);
      expect(await store.sources.seen('https://e.com/feed', 'guid-1')).toBe('y');
      expect(await store.sources.seen('https://e.com/feed', 'guid-2')).toBeUndefined();
      expect(await store.sources.remove('https://e.com/feed')).toBe(true);
      expect(await store.sources.remove('https://e.com/feed')).toBe(false);
      expect(await store.sources.get('https://e.com/feed')).toBeUndefined();
      expect(await store.sources.seen('https://e.com/feed', 'guid-1')).toBeUndefined();
    });

    it('an item marked by two connections at once is new for exactly one', async () => {
      const { store: a, another } = await fresh();
      const b = await another();
      const t0 = new Date('2026-03-01T08:00:00Z');
      const results = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).sources.markSeen('https://e.com/feed', 'guid-1', 'x', t0)));
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    it('poll leases: one holder at a time across connections; renewal, release and expiry hand over', async () => {
      const { store: a, another } = await fresh();
      const b = await another();
      const url = 'https://e.com/feed';
      const t0 = new Date('2026-03-01T08:00:00Z');
      const at = (s: number) => new Date(t0.getTime() + s * 1000);
      expect(await a.sources.lease(url, 'A', t0, 60_000)).toBe(false); // not a source yet
      await a.sources.upsert({ url, kind: 'feed', now: t0 });
      const first = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).sources.lease(url, `P${i}`, t0, 60_000)));
      expect(first.filter(Boolean)).toHaveLength(1);
      const holder = `P${first.indexOf(true)}`;
      expect(await b.sources.lease(url, 'B', at(30), 60_000)).toBe(false);
      expect(await a.sources.lease(url, holder, at(30), 60_000)).toBe(true); // renewed to at(90)
      expect(await b.sources.lease(url, 'B', at(61), 60_000)).toBe(false);
      await b.sources.release(url, 'B'); // not B's to release
      expect(await b.sources.lease(url, 'B', at(62), 60_000)).toBe(false);
      await a.sources.release(url, holder);
      expect(await b.sources.lease(url, 'B', at(63), 60_000)).toBe(true);
      expect(await a.sources.lease(url, 'A', at(64), 60_000)).toBe(false);
      expect(await a.sources.lease(url, 'A', at(123), 60_000)).toBe(true); // B's lease ended at 123
      expect(await a.sources.get(url)).toMatchObject({ url, kind: 'feed', failures: 0 });
    });
  });

  describe('coordination', () => {
    it('shouldRun is true once per key while the ttl lasts, across connections; the latest heartbeat wins', async () => {
      const { store: a, another } = await fresh();
      const b = await another();
      const results = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).coordination.shouldRun('morning:2026-03-01T08:00', 60_000)));
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await a.coordination.shouldRun('evening:2026-03-01T18:00', 60_000)).toBe(true);
      expect(await b.coordination.shouldRun('morning:2026-03-01T08:00', 60_000)).toBe(false);
      expect(await a.coordination.lastHeartbeat()).toBeUndefined();
      await a.coordination.heartbeat('A', new Date('2026-03-01T08:00:00Z'));
      await b.coordination.heartbeat('B', new Date('2026-03-01T08:00:10Z'));
      await a.coordination.heartbeat('A', new Date('2026-03-01T08:00:05Z'));
      expect(await b.coordination.lastHeartbeat()).toEqual(new Date('2026-03-01T08:00:10Z'));
    });
  });

  describe('conversations', () => {
    it('remembers the last story per conversation across connections, within the window, and forgets old ones', async () => {
      const { store: a, another } = await fresh();
      const b = await another();
      const ids: number[] = [];
      for (const i of [1, 2]) {
        const input = article(i, `Story number ${i} happened on Tuesday.`);
        const r = await a.articles.add(input, analyseArticle(input));
        ids.push(r.id);
      }
      const t0 = new Date('2026-03-01T08:00:00Z');
      const minutes = (n: number) => new Date(t0.getTime() + n * 60_000);
      expect(await b.conversations.lastArticle('slack:D1', t0)).toBeUndefined();
      await a.conversations.remember('slack:D1', ids[0], t0);
      await a.conversations.remember('slack:C1:1700000000.000100', ids[1], t0);
      expect(await b.conversations.lastArticle('slack:D1', minutes(-30))).toBe(ids[0]);
      // A later answer in the same conversation replaces the story; other conversations keep theirs.
      await b.conversations.remember('slack:D1', ids[1], minutes(10));
      expect(await a.conversations.lastArticle('slack:D1', minutes(-20))).toBe(ids[1]);
      expect(await a.conversations.lastArticle('slack:C1:1700000000.000100', minutes(-20))).toBe(ids[1]);
      // Outside the window: not returned, and forget() drops it.
      expect(await a.conversations.lastArticle('slack:C1:1700000000.000100', minutes(1))).toBeUndefined();
      await a.conversations.forget(minutes(5));
      expect(await b.conversations.lastArticle('slack:C1:1700000000.000100', minutes(-60))).toBeUndefined();
      expect(await b.conversations.lastArticle('slack:D1', minutes(-60))).toBe(ids[1]);
    });
  });

  describe('shares', () => {
    it('keeps an offer until it expires, across connections; one caller marks it shared; keeping one drops the expired', async () => {
      const { store: a, another } = await fresh();
      const b = await another();
      const t0 = new Date('2026-03-01T08:00:00Z');
      const hours = (n: number) => new Date(t0.getTime() + n * 3600_000);
      await a.shares.put('k1', '{"text":"one"}', t0, hours(24));
      await a.shares.put('k2', '{"text":"two"}', hours(1), hours(25));
      expect(await b.shares.get('k1', hours(23))).toEqual({ payload: '{"text":"one"}' });
      expect(await b.shares.get('unknown', t0)).toBeUndefined();
      // Presses reaching two processes at once: one of them may post.
      const marks = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).shares.markShared('k1', hours(2))));
      expect(marks.filter(Boolean)).toHaveLength(1);
      expect(await a.shares.get('k1', hours(3))).toEqual({ payload: '{"text":"one"}', sharedAt: hours(2).toISOString() });
      expect(await a.shares.markShared('k1', hours(3))).toBe(false);
      // A failed post gives it back.
      await b.shares.unmarkShared('k1');
      expect(await a.shares.get('k1', hours(3))).toEqual({ payload: '{"text":"one"}' });
      // Expired: neither read nor marked, though still stored (an earlier clock still reads it)…
      expect(await a.shares.get('k1', hours(24))).toBeUndefined();
      expect(await b.shares.markShared('k1', hours(24))).toBe(false);
      expect(await b.shares.get('k1', hours(3))).toEqual({ payload: '{"text":"one"}' });
      expect(await b.shares.markShared('unknown', t0)).toBe(false);
      // …until the next offer is kept: the expired one goes, the live one stays.
      await b.shares.put('k3', '{"text":"three"}', hours(24.5), hours(48.5));
      expect(await a.shares.get('k1', hours(3))).toBeUndefined();
      expect(await a.shares.get('k2', hours(3))).toEqual({ payload: '{"text":"two"}' });
      expect(await a.shares.get('k3', hours(25))).toEqual({ payload: '{"text":"three"}' });
    });
  });

  describe('migrations and lifecycle', () => {
    it('re-opening keeps the data and applies nothing twice; ping answers until closed', async () => {
      const { store, place: p } = await fresh();
      const input = article(1, 'Rains returned to the region on Tuesday after a six-month drought.');
      await store.articles.add(input, analyseArticle(input));
      await store.subscriptions.add({ brief: 'morning', target: 'console', subscribedBy: 'console', now: new Date() });
      expect(await store.ping()).toBe(true);
      await store.close();
      expect(await store.ping()).toBe(false);
      await store.close(); // twice is harmless
      const again = await p.open();
      opened.push(again);
      expect(await again.articles.count()).toBe(1);
      expect(await again.articles.termFrequencies(['drought'])).toEqual(new Map([['drought', 1]]));
      expect((await again.subscriptions.list()).map((s) => s.brief)).toEqual(['morning']);
      expect((await again.articles.add(input, analyseArticle(input))).status).toBe('duplicate');
    });
  });
}

describe('store contract: SQLite', () => storeContract(async () => sqlitePlace()));

await describePostgres('store contract: PostgreSQL', () => {
  storeContract(postgresPlace);

  it('two processes opening a fresh database together migrate it once', async () => {
    const db = await createTestDatabase();
    places.push({ open: () => openPostgresStore(db.url), cleanup: () => db.drop() });
    const stores = await Promise.all([openPostgresStore(db.url), openPostgresStore(db.url), openPostgresStore(db.url)]);
    opened.push(...stores);
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const versions = (await client.query('SELECT version FROM schema_migrations ORDER BY version')).rows.map((r) => r.version);
      expect(versions).toEqual([...PG_MIGRATIONS, ...PG_CONVERSATION_MIGRATIONS, ...PG_SHARE_MIGRATIONS].map((m) => m.version).sort((a, b) => a - b));
    } finally {
      await client.end();
    }
    expect(await Promise.all(stores.map((s) => s.articles.count()))).toEqual([0, 0, 0]);
  });
});
