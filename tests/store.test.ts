import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { analyseArticle } from '../src/articles/analyse.js';
import { openSqliteStore } from '../src/store/sqlite/index.js';
import type { ArticleInput } from '../src/store/store.js';

let dir: string;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'briefbot-store-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const article: ArticleInput = {
  title: 'Rains return',
  source: 'Wire',
  url: 'https://e.example/rains',
  publishedAt: '2026-11-20T10:00:00.000Z',
  publishedAtSource: 'page',
  body: 'Rains returned to the region on Tuesday after a six-month drought.\nFarmers welcomed the change.',
};

describe('SQLite store', () => {
  it('writes an article and its sentences in one transaction: a failure half-way leaves nothing behind', async () => {
    const store = openSqliteStore(join(dir, 'a.db'));
    const analysis = analyseArticle(article);
    // The second sentence violates a NOT NULL constraint after the article row and the first sentence are written.
    const broken = { ...analysis, sentences: [analysis.sentences[0], { text: null as unknown as string, kinds: 0 }] };
    await expect(store.articles.add(article, broken)).rejects.toThrow(/NOT NULL/);
    expect(await store.articles.count()).toBe(0);
    expect(await store.articles.totalSentences()).toBe(0);
    expect(await store.articles.add(article, analysis)).toEqual({ status: 'added', id: expect.any(Number) });
    await store.close();
  });

  it('keeps its word statistics while other connections write elsewhere, and reads them again once they write sentences', async () => {
    const path = join(dir, 'stats.db');
    const asker = openSqliteStore(path);
    const other = openSqliteStore(path);
    await asker.articles.add(article, analyseArticle(article));
    // What the statistics cost: the vocabulary lookup per word, the sentence count.
    const stmts = (asker.articles as unknown as { stmts: Record<'vocab' | 'countSentences', { get: (...args: unknown[]) => unknown }> }).stmts;
    const lookups = vi.spyOn(stmts.vocab, 'get');
    const counts = vi.spyOn(stmts.countSentences, 'get');
    const stats = async () => [(await asker.articles.termFrequencies(['drought'])).get('drought'), await asker.articles.totalSentences()];
    expect(await stats()).toEqual([1, 3]);
    expect([lookups.mock.calls.length, counts.mock.calls.length]).toEqual([1, 1]);
    // The other connection commits elsewhere (a redelivery claim, a subscription): nothing is read again.
    expect(await other.coordination.shouldRun('once:slack:command:t1', 60_000)).toBe(true);
    await other.subscriptions.add({ brief: 'morning', target: 'console', subscribedBy: 'console', now: new Date() });
    expect(await stats()).toEqual([1, 3]);
    expect([lookups.mock.calls.length, counts.mock.calls.length]).toEqual([1, 1]);
    // It stores sentences: the statistics are read afresh.
    const later = { ...article, url: 'https://e.example/later', body: 'The drought ended in March.\nReservoirs filled.\nFarmers planted again.' };
    await other.articles.add(later, analyseArticle(later));
    expect(await stats()).toEqual([2, 7]);
    expect([lookups.mock.calls.length, counts.mock.calls.length]).toEqual([2, 2]);
    await asker.close();
    await other.close();
  });

  it('keeps its data and schema version across reopen, and records each migration once', async () => {
    const path = join(dir, 'b.db');
    const first = openSqliteStore(path);
    await first.articles.add(article, analyseArticle(article));
    await first.close();
    const second = openSqliteStore(path);
    expect(await second.articles.count()).toBe(1);
    expect((await second.articles.searchSentences(['drought'], 5)).map((r) => r.text)).toEqual(['Rains returned to the region on Tuesday after a six-month drought.']);
    await second.close();
    const db = new Database(path, { readonly: true });
    const versions = (db.prepare('SELECT version FROM schema_migrations ORDER BY version').all() as { version: number }[]).map((r) => r.version);
    db.close();
    expect(versions[0]).toBe(1);
    expect(new Set(versions).size).toBe(versions.length);
  });

  it('finds articles in a time window, newest first, with their stored summaries', async () => {
    const store = openSqliteStore(join(dir, 'c.db'));
    await store.articles.add(article, analyseArticle(article));
    await store.articles.add({ ...article, url: 'https://e.example/2', body: 'A later story about something else entirely, told at length.', publishedAt: '2026-11-21T10:00:00.000Z' }, analyseArticle({ ...article, body: 'A later story about something else entirely, told at length.' }));
    const found = await store.articles.inWindow(new Date('2026-11-20T00:00:00Z'), new Date('2026-11-22T00:00:00Z'));
    expect(found.map((a) => a.url)).toEqual(['https://e.example/2', 'https://e.example/rains']);
    expect(found[1].summary.sentences[0]).toBe('Rains returned to the region on Tuesday after a six-month drought.');
    expect(await store.articles.inWindow(new Date('2026-11-20T11:00:00Z'), new Date('2026-11-21T00:00:00Z'))).toEqual([]);
    await store.close();
  });

  it('adds a batch in one call: duplicates of stored articles and of earlier items in the batch are reported per item', async () => {
    const store = openSqliteStore(join(dir, 'd.db'));
    await store.articles.add(article, analyseArticle(article));
    const other = { ...article, url: 'https://e.example/other', body: 'Wheat prices fell for a third week as harvests came in early.' };
    const reworded = { ...other, url: 'https://e.example/copy', body: 'WHEAT prices fell, for a third week, as harvests came in early!' };
    const results = await store.articles.addMany([article, other, { ...other, title: 'Same link again' }, reworded].map((input) => ({ input, analysis: analyseArticle(input) })));
    const added = results[1].id;
    expect(results).toEqual([
      { status: 'duplicate', id: 1, reason: 'url' },
      { status: 'added', id: added },
      { status: 'duplicate', id: added, reason: 'url' },
      { status: 'duplicate', id: added, reason: 'body' },
    ]);
    expect(await store.articles.count()).toBe(2);
    expect(await store.articles.addMany([])).toEqual([]);
    await store.close();
  });

  it('rolls a failed batch back whole: no article of it is stored', async () => {
    const store = openSqliteStore(join(dir, 'e.db'));
    const analysis = analyseArticle(article);
    const other = { ...article, url: 'https://e.example/other', body: 'Wheat prices fell for a third week as harvests came in early.' };
    const broken = { ...analysis, sentences: [{ text: null as unknown as string, kinds: 0 }] };
    await expect(store.articles.addMany([{ input: other, analysis: analyseArticle(other) }, { input: article, analysis: broken }])).rejects.toThrow(/NOT NULL/);
    expect([await store.articles.count(), await store.articles.totalSentences()]).toEqual([0, 0]);
    await store.close();
  });
});
