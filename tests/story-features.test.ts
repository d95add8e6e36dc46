/**
 * Story features (src/briefing/story-features.ts) are computed once when an article is
 * stored and kept in the articles table's `story` column; briefs group and rank by them
 * instead of tokenising every article of the window. Each test runs against a real
 * SQLite file and a real PostgreSQL database.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { analyseArticle } from '../src/articles/analyse.js';
import { storeArticle } from '../src/articles/ingest.js';
import { buildBrief } from '../src/briefing/build.js';
import { decodeStoryFeatures, encodeStoryFeatures, storyFeatures, type StoryFeatures } from '../src/briefing/story-features.js';
import type { Block } from '../src/messages/message.js';
import { copySqliteToPostgres } from '../src/store/copy-to-postgres.js';
import { openPostgresStore } from '../src/store/postgres/index.js';
import { openSqliteStore } from '../src/store/sqlite/index.js';
import type { ArticleInput, Store } from '../src/store/store.js';
import { createTestDatabase, describePostgres } from './helpers/postgres.js';

/** A store's home: open() brings the schema up to date; sql() reads and writes its tables directly. */
interface Place {
  /** The SQLite file or the PostgreSQL URL. */
  location: string;
  open(): Promise<Store>;
  /** `?` placeholders, numbered for PostgreSQL. */
  sql(query: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
  cleanup(): Promise<void>;
}

const places: Place[] = [];
const opened: Store[] = [];
afterEach(async () => {
  for (const s of opened.splice(0)) await s.close();
  for (const p of places.splice(0)) await p.cleanup();
});

function sqlitePlace(): Place {
  const dir = mkdtempSync(join(tmpdir(), 'briefbot-story-features-'));
  const file = join(dir, 'briefbot.db');
  return {
    location: file,
    open: async () => openSqliteStore(file),
    async sql(query, params = []) {
      const db = new Database(file);
      try {
        const stmt = db.prepare(query);
        return stmt.reader ? (stmt.all(...params) as Record<string, unknown>[]) : (stmt.run(...params), []);
      } finally {
        db.close();
      }
    },
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

async function postgresPlace(): Promise<Place> {
  const db = await createTestDatabase();
  return {
    location: db.url,
    open: () => openPostgresStore(db.url, { maxConnections: 2 }),
    async sql(query, params = []) {
      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      try {
        let n = 0;
        return (await client.query(query.replace(/\?/g, () => `$${++n}`), params)).rows;
      } finally {
        await client.end();
      }
    },
    cleanup: () => db.drop(),
  };
}

const now = new Date('2026-11-29T12:00:00Z');
const day = { since: new Date(now.getTime() - 86_400_000), until: now };
const base = { publishedAtSource: 'page' as const, language: 'en' };
const PORT_A: ArticleInput = {
  ...base,
  title: 'Port of Mombasa reopens after strike',
  source: 'Wire A',
  url: 'https://a.example/port',
  publishedAt: '2026-11-29T09:00:00Z',
  body: 'The port of Mombasa reopened on Monday after a two-day strike by dock workers ended with a pay deal.\nShipping lines said delays would clear within a week.',
};
const PORT_B: ArticleInput = {
  ...base,
  title: 'Mombasa port reopens as strike ends',
  source: 'Wire B',
  url: 'https://b.example/port',
  publishedAt: '2026-11-29T10:00:00Z',
  body: 'The port of Mombasa reopened on Monday after the dock workers strike ended with a pay deal agreed overnight.\nCargo began moving again within hours.',
};
const COFFEE: ArticleInput = {
  ...base,
  title: 'Coffee exports rise',
  source: 'Wire A',
  url: 'https://a.example/coffee',
  publishedAt: '2026-11-29T08:00:00Z',
  body: 'Coffee exports rose 12% to $310 million in the third quarter, the coffee board said.\nHigher prices drove the gain.',
};
const VOTE: ArticleInput = {
  ...base,
  title: 'Elections called for March',
  source: 'Wire C',
  url: 'https://c.example/vote',
  publishedAt: '2026-11-29T07:00:00Z',
  body: 'President Ruto called elections for March after parliament was dissolved on Friday.\nThe opposition welcomed the date.',
};
const ARTICLES = [PORT_A, PORT_B, COFFEE, VOTE];
// Its summary skips the second sentence, so a signature from the summary is not the one from the lead.
const LONG: ArticleInput = {
  ...base,
  title: 'Kenya sets election date',
  source: 'Wire E',
  url: 'https://e.example/vote',
  publishedAt: '2026-11-29T06:00:00Z',
  body: [
    'President William Ruto called elections for March 14 after parliament was dissolved on Friday.',
    'Reporters waited outside.',
    'The vote will cost 4 billion shillings ($31 million), the electoral commission said on Saturday.',
    'Ruto said the election would be free and fair, and that the commission had his full support.',
    'Observers from the African Union and the European Union will attend the election in March.',
  ].join('\n'),
};

const stories = (blocks: Block[] | undefined) =>
  (blocks ?? []).filter((b): b is Extract<Block, { type: 'story' }> => b.type === 'story').map((s) => ({ title: s.title, sources: s.sources.map((l) => l.label) }));

function storyFeaturesContract(place: () => Promise<Place>): void {
  async function fresh(): Promise<{ store: Store; place: Place }> {
    const p = await place();
    places.push(p);
    const store = await p.open();
    opened.push(store);
    return { store, place: p };
  }

  it('writes each article’s features into the story column at ingest, and keeps the signature out of summary_json', async () => {
    const { store, place: p } = await fresh();
    for (const a of ARTICLES) await storeArticle(store, a);
    const rows = await p.sql('SELECT title, story, summary_json FROM articles ORDER BY id');
    expect(rows.map((r) => r.title)).toEqual(ARTICLES.map((a) => a.title));
    expect(rows.map((r) => r.story)).toEqual(ARTICLES.map((a) => encodeStoryFeatures(storyFeatures(a.title, analyseArticle(a).summary))));
    // The stored text itself, so a change of encoding is a decision, not an accident.
    expect(rows[3].story).toBe('8 2\nelect call march presid ruto call elect march parliament dissolv fridai opposit welcom date\nruto');
    expect(rows.map((r) => JSON.parse(String(r.summary_json)).story)).toEqual([undefined, undefined, undefined, undefined]);
    const read = await store.articles.inWindow(day.since, day.until);
    expect(read.map((a) => a.storyFeatures)).toEqual(read.map((a) => decodeStoryFeatures(String(rows.find((r) => r.title === a.title)!.story))));
  });

  it('briefs group by the stored features: the same event from two wires is one story, and an edited column regroups', async () => {
    const { store, place: p } = await fresh();
    for (const a of ARTICLES) await storeArticle(store, a);
    expect(stories((await buildBrief(store, day))?.blocks)).toEqual([
      { title: 'Mombasa port reopens as strike ends', sources: ['Wire B', 'Wire A'] },
      { title: 'Coffee exports rise', sources: ['Wire A'] },
      { title: 'Elections called for March', sources: ['Wire C'] },
    ]);
    // Give the coffee story the election's stored features: only a brief that reads the column groups them
    const [vote] = await p.sql('SELECT story FROM articles WHERE title = ?', [VOTE.title]);
    await p.sql('UPDATE articles SET story = ? WHERE title = ?', [vote.story, COFFEE.title]);
    // (and ranks them by the weight it copied too: the election's, below the coffee story's own).
    expect(stories((await buildBrief(store, day))?.blocks)).toEqual([
      { title: 'Mombasa port reopens as strike ends', sources: ['Wire B', 'Wire A'] },
      { title: 'Coffee exports rise', sources: ['Wire A', 'Wire C'] },
    ]);
  });

  it('a store from before the column migrates, briefs exactly as a new one, and fills the column for articles stored after', async () => {
    const { store: current } = await fresh();
    for (const a of ARTICLES) await storeArticle(current, a);
    const expected = [await buildBrief(current, day), await buildBrief(current, { ...day, topics: ['strike'] }), await buildBrief(current, { ...day, maxStories: 1 })];

    // The same articles as the store kept them before migration 2: the signature inside summary_json
    // (or, for the oldest rows, none at all), no story column.
    const { store: old, place: p } = await fresh();
    for (const a of ARTICLES) await storeArticle(old, a);
    for (const a of ARTICLES) {
      const { summary } = analyseArticle(a);
      if (a === COFFEE) delete summary.story;
      await p.sql('UPDATE articles SET summary_json = ? WHERE title = ?', [JSON.stringify(summary), a.title]);
    }
    await p.sql('ALTER TABLE articles DROP COLUMN story');
    await p.sql('DELETE FROM schema_migrations WHERE version = 2');
    await old.close();

    const migrated = await p.open();
    opened.push(migrated);
    expect((await p.sql('SELECT story FROM articles ORDER BY id')).map((r) => r.story)).toEqual([null, null, null, null]);
    expect([await buildBrief(migrated, day), await buildBrief(migrated, { ...day, topics: ['strike'] }), await buildBrief(migrated, { ...day, maxStories: 1 })]).toEqual(expected);
    const late: ArticleInput = { ...PORT_B, source: 'Wire D', url: 'https://d.example/port', body: `${PORT_B.body}\nUnions said the deal would hold.` };
    await storeArticle(migrated, late);
    const rows = await p.sql('SELECT title, story FROM articles ORDER BY id');
    expect(rows.map((r) => r.story === null)).toEqual([true, true, true, true, false]);
    expect(rows[4].story).toBe(encodeStoryFeatures(storyFeatures(late.title, analyseArticle(late).summary)));
    expect(stories((await buildBrief(migrated, day))?.blocks)[0]).toEqual({ title: 'Mombasa port reopens as strike ends', sources: ['Wire D', 'Wire B', 'Wire A'] });
  });
}

describe('story features (SQLite)', () => {
  storyFeaturesContract(async () => sqlitePlace());

  it('encode and decode are exact for terms and names with numbers, apostrophes and accents, and for empty lists', () => {
    const cases: StoryFeatures[] = [
      { informative: 12, weight: 2.584962500721156, signature: { terms: ['1,000', '5.7', 'o’brien', 'zürich', 'ringgit', 'ringgit'], names: ['kuala', 'lumpur', 'o’brien', 'são'] } },
      { informative: 0, weight: 1, signature: { terms: [], names: [] } },
      { informative: 3, weight: 0.1 + 0.2, signature: { terms: ['port'], names: [] } },
      { informative: 1, weight: 1e-7, signature: { terms: [], names: ['afc'] } },
    ];
    for (const f of cases) expect(decodeStoryFeatures(encodeStoryFeatures(f))).toEqual(f);
    const input: ArticleInput = { ...base, title: 'Anwar’s Kenya visit: 5.7 billion ringgit deal', source: 'Wire', publishedAt: '2026-11-29T09:00:00Z', body: 'NAIROBI — Malaysia’s Anwar Ibrahim and Kenya’s William Ruto signed deals worth 5.7 billion ringgit ($1.37 billion) on Monday.\nSão Paulo-based traders said the pact mattered.' };
    const f = storyFeatures(input.title, analyseArticle(input).summary);
    expect(decodeStoryFeatures(encodeStoryFeatures(f))).toEqual(f);
  });
});

await describePostgres('story features (PostgreSQL)', () => {
  storyFeaturesContract(postgresPlace);

  it('briefbot migrate copies the story column as stored, not recomputed from the summary', async () => {
    const sqlite = sqlitePlace();
    const postgres = await postgresPlace();
    places.push(sqlite, postgres);
    const source = await sqlite.open();
    for (const a of [...ARTICLES, LONG]) await storeArticle(source, a);
    await source.close();
    const { summary } = analyseArticle(LONG);
    expect(storyFeatures(LONG.title, { ...summary, story: undefined }).signature).not.toEqual(summary.story);
    await copySqliteToPostgres(sqlite.location, postgres.location);
    const stored = async (p: Place) => (await p.sql('SELECT url, story FROM articles ORDER BY url')).map((r) => [r.url, r.story]);
    expect(await stored(postgres)).toEqual(await stored(sqlite));

    // A file from before the column (the copy reads it as it is): NULL in PostgreSQL too, and the same brief.
    await sqlite.sql('ALTER TABLE articles DROP COLUMN story');
    const older = await postgresPlace();
    places.push(older);
    await copySqliteToPostgres(sqlite.location, older.location);
    expect((await stored(older)).map(([, story]) => story)).toEqual([null, null, null, null, null]);
    await sqlite.sql('DELETE FROM schema_migrations WHERE version = 2');
    const [a, b] = [await sqlite.open(), await older.open()];
    opened.push(a, b);
    const week = { since: new Date('2026-11-22T00:00:00Z'), until: now };
    expect(await buildBrief(b, week)).toEqual(await buildBrief(a, week));
  });
});
