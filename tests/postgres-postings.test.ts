/**
 * The PostgreSQL store's postings of rare stems (src/store/postgres/postings.ts): what the
 * exact BM25 query reads instead of the sentences heap. They must hold exactly the rows the
 * sentences say (else the exact query silently ranks different sentences than SQLite's FTS5),
 * however they were written: by ingest, by the migration that adds them to an older store,
 * or by `briefbot migrate --to` into an empty or a non-empty database.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, expect, it } from 'vitest';
import { analyseArticle } from '../src/articles/analyse.js';
import { copySqliteToPostgres } from '../src/store/copy-to-postgres.js';
import { openPostgresStore } from '../src/store/postgres/index.js';
import { POSTINGS_CAP } from '../src/store/postgres/postings.js';
import { indexStems, RETRIEVAL } from '../src/store/retrieval.js';
import { openSqliteStore } from '../src/store/sqlite/index.js';
import type { ArticleInput, Store } from '../src/store/store.js';
import { createTestDatabase, describePostgres, type TestDatabase } from './helpers/postgres.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function database(): Promise<TestDatabase> {
  const db = await createTestDatabase();
  cleanups.push(() => db.drop());
  return db;
}
async function open(url: string): Promise<Store> {
  const s = await openPostgresStore(url, { maxConnections: 4 });
  cleanups.push(() => s.close());
  return s;
}
async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

const article = (i: number, body: string): ArticleInput => ({
  title: `Story ${i}`,
  source: 'Wire',
  url: `https://e.example/${i}`,
  publishedAt: new Date(Date.UTC(2026, 0, 10, 0, i)).toISOString(),
  publishedAtSource: 'page',
  language: 'en',
  body,
});
const item = (input: ArticleInput) => ({ input, analysis: analyseArticle(input) });

const STORIES = [
  'The Denver Broncos won Super Bowl 50 at the stadium in Santa Clara.\nThe American Football Conference (AFC) champion Denver Broncos defeated the National Football Conference (NFC) champion Carolina Panthers 24–10 to earn their third Super Bowl title.',
  'Rain, rain and more rain fell on the stadium in São Paulo.\nThe conference on stadium safety opened on Monday.',
  'The stadium will host a concert next week.\nFootball fans said the champions deserved the title.',
  'Shares rose as the conference on trade ended.\nThe champion fund manager said the team was ready.',
];

/**
 * The postings the sentences' texts call for, worked out here from the text alone: per stem
 * in at most POSTINGS_CAP sentences, each sentence holding it, how often, and its length.
 */
async function expectedPostings(url: string): Promise<string[]> {
  const sentences = await query<{ id: string; text: string }>(url, 'SELECT id, text FROM sentences');
  const docs = new Map<string, number>();
  const rows: { stem: string; id: string; tf: number; tokens: number }[] = [];
  for (const s of sentences) {
    const stems = indexStems(s.text);
    const tf = new Map<string, number>();
    for (const stem of stems) tf.set(stem, (tf.get(stem) ?? 0) + 1);
    for (const [stem, n] of tf) {
      docs.set(stem, (docs.get(stem) ?? 0) + 1);
      rows.push({ stem, id: s.id, tf: n, tokens: stems.length });
    }
  }
  return rows.filter((r) => docs.get(r.stem)! <= POSTINGS_CAP).map((r) => `${r.stem} ${r.id} ${r.tf} ${r.tokens}`).sort();
}
async function storedPostings(url: string): Promise<string[]> {
  const rows = await query<{ stem: string; sentence_id: string; tf: number; tokens: number }>(url, 'SELECT stem, sentence_id, tf, tokens FROM sentence_postings');
  return rows.map((r) => `${r.stem} ${r.sentence_id} ${r.tf} ${r.tokens}`).sort();
}

await describePostgres('PostgreSQL postings of rare stems (exact BM25 without the sentences heap)', () => {
  it('hold every sentence of every stem with its count and length, as ingest writes them batch by batch', async () => {
    const db = await database();
    const store = await open(db.url);
    await store.articles.addMany(STORIES.slice(0, 2).map((b, i) => item(article(i, b))));
    await store.articles.add(article(2, STORIES[2]), analyseArticle(article(2, STORIES[2])));
    await store.articles.addMany([item(article(3, STORIES[3])), item(article(4, STORIES[3]))]); // the second is a duplicate: no postings
    const stored = await storedPostings(db.url);
    expect(stored).toEqual(await expectedPostings(db.url));
    expect(stored.filter((r) => r.startsWith('rain '))).toEqual([expect.stringMatching(/^rain \d+ 3 12$/)]);
    expect(stored.filter((r) => r.startsWith('stadium '))).toHaveLength(4);
  });

  it('rank as SQLite FTS5 does, on every word shape: shared stems, repeats, diacritics, words of several stems', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'briefbot-postings-'));
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    const sqlite = openSqliteStore(join(dir, 'briefbot.db'));
    cleanups.push(() => sqlite.close());
    const db = await database();
    const postgres = await open(db.url);
    for (const s of [sqlite, postgres]) await s.articles.addMany(STORIES.map((b, i) => item(article(i, b))));
    for (const words of [['champion', 'champions', 'broncos'], ['rain', 'stadium'], ['são', 'paulo', 'stadium'], ['24–10', 'panthers'], ['conference', 'safety', 'trade', 'zeppelin']]) {
      const [a, b] = [await sqlite.articles.searchSentences(words, 5), await postgres.articles.searchSentences(words, 5)];
      expect(b.map((r) => r.text), words.join(' ')).toEqual(a.map((r) => r.text));
      b.forEach((r, i) => expect(r.rank).toBeCloseTo(a[i].rank, 9));
    }
  });

  it(`lose a stem once it is in more than ${POSTINGS_CAP} sentences; its words are then ranked from the sentences themselves`, async () => {
    const db = await database();
    const store = await open(db.url);
    // Articles of 60 sentences each holding "zebra" (and a headline that does not): 5,999 such sentences in two batches.
    const herd = (from: number, to: number) =>
      Array.from({ length: Math.ceil((to - from) / 60) }, (_, a) => {
        const first = from + 60 * a;
        const lines = Array.from({ length: Math.min(60, to - first) }, (_, k) => `Zebra herd ${first + k} grazed.`);
        return item(article(first, lines.join('\n')));
      });
    await store.articles.addMany(herd(0, 3000));
    await store.articles.addMany(herd(3000, POSTINGS_CAP - 1));
    expect(await store.articles.termFrequencies(['zebra', 'herd'])).toEqual(new Map([['zebra', POSTINGS_CAP - 1], ['herd', POSTINGS_CAP - 1]]));
    await store.articles.add(article(POSTINGS_CAP, 'A zebra and an okapi shared the waterhole.'), analyseArticle(article(POSTINGS_CAP, 'A zebra and an okapi shared the waterhole.')));
    const count = async (stem: string) => Number((await query<{ n: string }>(db.url, `SELECT count(*) AS n FROM sentence_postings WHERE stem = '${stem}'`))[0].n);
    expect(await count('zebra')).toBe(POSTINGS_CAP);
    await store.articles.add(article(POSTINGS_CAP + 1, 'The zebra foal stood.'), analyseArticle(article(POSTINGS_CAP + 1, 'The zebra foal stood.')));
    expect([await count('zebra'), await count('herd'), await count('okapi'), await count('foal')]).toEqual([0, POSTINGS_CAP - 1, 1, 1]);
    expect(await storedPostings(db.url)).toEqual(await expectedPostings(db.url));
    // Over every budget but the exact one: BM25 over both words, zebra's sentences read from the heap.
    const saved = RETRIEVAL.exactBudget;
    RETRIEVAL.exactBudget = 100_000;
    try {
      const rows = await store.articles.searchSentences(['okapi', 'zebra', 'foal'], 3);
      // Holding two words each, the shorter first; then the first of the 5,999 holding "zebra" alone, which only the heap now tells.
      expect(rows.map((r) => r.text)).toEqual(['The zebra foal stood.', 'A zebra and an okapi shared the waterhole.', 'Zebra herd 0 grazed.']);
    } finally {
      RETRIEVAL.exactBudget = saved;
    }
    // The bounded lookups, from the postings ("herd", "graze": 5,999 sentences each) and, for "zebra", from the GIN index.
    const bounded = async (budgets: Partial<typeof RETRIEVAL>, words: string[]) => {
      const kept = { ...RETRIEVAL };
      Object.assign(RETRIEVAL, budgets);
      try {
        return (await store.articles.searchSentences(words, 2)).map((r) => r.text);
      } finally {
        Object.assign(RETRIEVAL, kept);
      }
    };
    const pairsOnly = { exactBudget: 0, postingBudget: 0, pairBudget: 100_000, pairTotal: 100_000, perPair: 2 };
    const newestOnly = { exactBudget: 0, postingBudget: 0, pairBudget: 0 };
    expect(await bounded(pairsOnly, ['herd', 'grazed'])).toEqual(['Zebra herd 5998 grazed.', 'Zebra herd 5997 grazed.']);
    expect(await bounded(pairsOnly, ['okapi', 'zebra'])).toEqual(['A zebra and an okapi shared the waterhole.']);
    expect(await bounded(newestOnly, ['herd'])).toEqual(['Zebra herd 5998 grazed.', 'Zebra herd 5997 grazed.']);
    expect(await bounded(newestOnly, ['zebra'])).toEqual(['The zebra foal stood.', 'A zebra and an okapi shared the waterhole.']);
  }, 120_000);

  it('are filled by the migration that adds them to a store written before it', async () => {
    const db = await database();
    const store = await open(db.url);
    await store.articles.addMany(STORIES.map((b, i) => item(article(i, b))));
    const before = await storedPostings(db.url);
    await store.close();
    await query(db.url, 'DROP TABLE sentence_postings; DELETE FROM schema_migrations WHERE version = 3');
    await open(db.url);
    expect(await storedPostings(db.url)).toEqual(before);
    expect(before).toEqual(await expectedPostings(db.url));
  });

  it('are written by briefbot migrate --to, into an empty database and with --append into one holding articles', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'briefbot-postings-'));
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, 'briefbot.db');
    const sqlite = openSqliteStore(path);
    await sqlite.articles.addMany(STORIES.map((b, i) => item(article(i, b))));
    await sqlite.close();
    const empty = await database();
    await copySqliteToPostgres(path, empty.url);
    expect(await storedPostings(empty.url)).toEqual(await expectedPostings(empty.url));
    expect(await storedPostings(empty.url)).toHaveLength((await expectedPostings(empty.url)).length);

    const held = await database();
    const store = await open(held.url);
    await store.articles.addMany([item(article(0, STORIES[0])), item(article(9, 'Rain stopped play at the stadium.'))]);
    await copySqliteToPostgres(path, held.url, { append: true });
    const stored = await storedPostings(held.url);
    expect(stored).toEqual(await expectedPostings(held.url));
    expect(stored.filter((r) => r.startsWith('stadium '))).toHaveLength(5);
  });
});
