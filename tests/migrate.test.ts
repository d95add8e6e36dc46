import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ingestInputs, storeArticle } from '../src/articles/ingest.js';
import { ask } from '../src/ask/answer.js';
import { openPostgresStore } from '../src/store/postgres/index.js';
import { openSqliteStore } from '../src/store/sqlite/index.js';
import type { Store } from '../src/store/store.js';
import { FIXTURE_ARTICLE } from './helpers/fixture-core.js';
import { createTestDatabase, describePostgres, type TestDatabase } from './helpers/postgres.js';

const ROOT = new URL('..', import.meta.url).pathname;

function briefbot(args: string[], env: NodeJS.ProcessEnv): Promise<{ stdout: string; stderr: string; code: number }> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [join(ROOT, 'bin/briefbot.js'), ...args], { env }, (err, stdout, stderr) =>
      resolve({ stdout, stderr, code: err ? ((err as { code?: number }).code ?? 1) : 0 }),
    );
    child.stdin!.end();
  });
}

let dir: string;
let sqlitePath: string;
let db: TestDatabase;
const t0 = new Date('2026-03-02T08:00:00Z');
const slot = t0.toISOString();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'briefbot-migrate-'));
  sqlitePath = join(dir, 'briefbot.db');
  const s = openSqliteStore(sqlitePath);
  await ingestInputs(s, [FIXTURE_ARTICLE]);
  for (const i of [1, 2]) {
    await storeArticle(s, {
      title: `Harvest report ${i}`,
      source: 'Wire',
      url: `https://wire.example/harvest-${i}`,
      publishedAt: `2026-03-0${i}T06:00:00.000Z`,
      publishedAtSource: 'feed',
      // The second carries the characters COPY's text format escapes (backslash, tab, carriage return).
      body: `The wheat harvest in region ${i} came in ${10 * i}% above forecasts, the ministry said.\nPrices fell for a third week.${i === 2 ? '\r\nSee table\t2 in C:\\reports\\wheat.' : ''}`,
    });
  }
  await s.subscriptions.add({ brief: 'morning', target: 'slack:C1', subscribedBy: 'slack:U1', now: t0 });
  await s.subscriptions.add({ brief: 'morning', target: 'discord:2', subscribedBy: 'discord:9', now: t0 });
  await s.subscriptions.disable('morning', 'discord:2', 'missing_access', t0);
  await s.sources.upsert({ url: 'https://wire.example/feed.xml', kind: 'feed', addedBy: 'config', now: t0 });
  await s.sources.update('https://wire.example/feed.xml', { etag: '"v3"', primed: true, articles: 2, lastSuccessAt: slot });
  await s.sources.markSeen('https://wire.example/feed.xml', 'url:https://wire.example/harvest-1', '2026-03-01', t0);
  await s.sources.markSeen('https://wire.example/feed.xml', 'url:https://wire.example/harvest-2', '2026-03-02', t0);
  await s.deliveries.recordRun({ brief: 'morning', slot, status: 'built', message: '{"blocks":[]}', targets: ['slack:C1', 'discord:2'], late: false }, t0);
  await s.deliveries.claim({ brief: 'morning', slot, target: 'slack:C1' }, 'A', t0, 60_000);
  await s.deliveries.complete({ brief: 'morning', slot, target: 'slack:C1' }, t0);
  await s.deliveries.claim({ brief: 'morning', slot, target: 'discord:2' }, 'A', t0, 60_000, { late: true });
  await s.deliveries.fail({ brief: 'morning', slot, target: 'discord:2' }, 'missing_access', true, t0);
  await s.coordination.heartbeat('scheduler-A', t0);
  // A follow-up thread about the second harvest report: it must point at that article on the other side too.
  const harvest2 = (await s.articles.inWindow(new Date('2026-03-02T00:00:00Z'), new Date('2026-03-03T00:00:00Z')))[0];
  await s.conversations.remember('slack:C1:1700000000.000100', harvest2.id, t0);
  // An answer offered for sharing, already shared once: it must not be shareable again after the move.
  await s.shares.put('share-1', '{"answer":"10% above forecasts"}', t0, new Date('2100-01-01T00:00:00Z'));
  await s.shares.markShared('share-1', t0);
  await s.close();
});

afterAll(async () => {
  await db?.drop();
  rmSync(dir, { recursive: true, force: true });
});

await describePostgres('briefbot migrate --to postgres://…', () => {
  beforeAll(async () => {
    db = await createTestDatabase();
  });

  it('copies every table, prints both sides, refuses a non-empty database without --append, and never doubles a row', async () => {
    const env = { PATH: process.env.PATH, HOME: process.env.HOME, BRIEFBOT_DB: sqlitePath };
    const first = await briefbot(['migrate', '--to', db.url], env);
    expect(first.code).toBe(0);
    const table = [
      'table                 SQLite  PostgreSQL before  after',
      'articles                   3                  0      3',
      expect.stringMatching(/^sentences +(\d+) +0 +\1$/),
      'subscriptions              2                  0      2',
      'sources                    1                  0      1',
      'source items               2                  0      2',
      'brief runs                 1                  0      1',
      'deliveries                 2                  0      2',
      'scheduler heartbeats       1                  0      1',
      'conversations              1                  0      1',
      'shares                     1                  0      1',
    ];
    expect(first.stdout.trimEnd().split('\n')).toEqual([`copied ${sqlitePath} to PostgreSQL at ${db.url.replace(/^postgres:\/\/[^@]*@/, '')}`, ...table, 'articles: 3 copied, 0 already there']);

    const refused = await briefbot(['migrate', '--to', db.url, '--db', sqlitePath], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^briefbot: PostgreSQL at .* already holds 3 articles, \d+ sentences, 2 subscriptions, .*; pass --append to copy into it anyway \(rows already there are not copied twice\)\n$/);

    const again = await briefbot(['migrate', '--to', db.url, '--append'], env);
    expect(again.code).toBe(0);
    const after = again.stdout.trimEnd().split('\n');
    expect(after.at(-1)).toBe('articles: 0 copied, 3 already there');
    for (const line of after.slice(2, -1)) expect(line).toMatch(/^[a-z ]+ +(\d+) +\1 +\1$/);

    // The copy answers like the original, and holds the same rows.
    const sqlite = openSqliteStore(sqlitePath);
    const postgres: Store = await openPostgresStore(db.url);
    try {
      for (const q of ['trade figure?', 'How much above forecasts was the wheat harvest in region 2?']) {
        const [a, b] = [await ask(sqlite, q, { now: t0 }), await ask(postgres, q, { now: t0 })];
        expect(b.answer?.sentence).toBe(a.answer?.sentence);
        expect(b.answer?.article).toEqual(a.answer!.article);
      }
      // The sentences' indexes and foreign key, dropped for the load, are back as the migrations make them.
      const fresh = await createTestDatabase();
      try {
        await (await openPostgresStore(fresh.url)).close();
        const shape = async (url: string) => {
          const c = new pg.Client({ connectionString: url });
          await c.connect();
          try {
            const ix = await c.query("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'sentences' ORDER BY indexname");
            const fk = await c.query("SELECT conname, pg_get_constraintdef(oid) AS def, convalidated FROM pg_constraint WHERE conrelid = 'sentences'::regclass ORDER BY conname");
            return [ix.rows, fk.rows];
          } finally {
            await c.end();
          }
        };
        expect(await shape(db.url)).toEqual(await shape(fresh.url));
      } finally {
        await fresh.drop();
      }
      // Into an empty database the rows keep their ids: sentence ids break ties in ranking, so both stores rank alike.
      const [sa, pa] = [await sqlite.articles.inWindow(new Date(0), new Date('2100-01-01')), await postgres.articles.inWindow(new Date(0), new Date('2100-01-01'))];
      expect(pa).toEqual(sa);
      // The story column is copied as stored (its signature is not in summary_json to be recomputed from).
      expect(pa.map((a) => a.storyFeatures === undefined)).toEqual([false, false, false]);
      for (const a of sa) expect(await postgres.articles.sentences(a.id)).toEqual(await sqlite.articles.sentences(a.id));
      expect(await postgres.conversations.lastArticle('slack:C1:1700000000.000100', t0)).toBe(await sqlite.conversations.lastArticle('slack:C1:1700000000.000100', t0));
      expect(await postgres.conversations.lastArticle('slack:C1:1700000000.000100', t0)).toBe(sa.find((a) => a.title === 'Harvest report 2')!.id);
      expect(await postgres.articles.termFrequencies(['wheat', 'ringgit', 'prices'])).toEqual(await sqlite.articles.termFrequencies(['wheat', 'ringgit', 'prices']));
      expect(await postgres.articles.totalSentences()).toBe(await sqlite.articles.totalSentences());
      expect(await postgres.subscriptions.list()).toEqual(await sqlite.subscriptions.list());
      expect(await postgres.sources.list()).toEqual(await sqlite.sources.list());
      expect(await postgres.sources.seen('https://wire.example/feed.xml', 'url:https://wire.example/harvest-2')).toBe('2026-03-02');
      expect(await postgres.deliveries.forSlot('morning', slot)).toEqual(await sqlite.deliveries.forSlot('morning', slot));
      expect(await postgres.deliveries.getRun('morning', slot)).toEqual(await sqlite.deliveries.getRun('morning', slot));
      expect(await postgres.coordination.lastHeartbeat()).toEqual(t0);
      expect(await postgres.shares.get('share-1', t0)).toEqual(await sqlite.shares.get('share-1', t0));
      expect(await postgres.shares.markShared('share-1', t0)).toBe(false);
      // The ids went in as they were: the next article takes the next one.
      const next = await storeArticle(postgres, { title: 'Later', source: 'Wire', publishedAt: slot, publishedAtSource: 'feed', body: 'Rain delayed the barley harvest.' });
      expect(next).toEqual({ input: 'Later', status: 'added', id: Math.max(...sa.map((a) => a.id)) + 1, title: 'Later' });
    } finally {
      await sqlite.close();
      await postgres.close();
    }
  });

  it('with --append into a database holding other articles: adds what is missing, sentences, stem counts and threads pointing at the new ids', async () => {
    const target = await createTestDatabase();
    try {
      const before = await openPostgresStore(target.url);
      const strike = await storeArticle(before, {
        title: 'Port strike ends',
        source: 'Wire',
        url: 'https://wire.example/strike',
        publishedAt: '2026-02-27T06:00:00.000Z',
        publishedAtSource: 'feed',
        body: 'Dock workers ended a nine-day strike on Friday.\nShipping resumed at noon.',
      });
      // The same first harvest report, already there: not copied twice.
      await storeArticle(before, {
        title: 'Harvest report 1',
        source: 'Wire',
        url: 'https://wire.example/harvest-1',
        publishedAt: '2026-03-01T06:00:00.000Z',
        publishedAtSource: 'feed',
        body: 'The wheat harvest in region 1 came in 10% above forecasts, the ministry said.\nPrices fell for a third week.',
      });
      if (strike.status !== 'added') throw new Error(`setup: ${strike.status}`);
      const strikeSentences = (await before.articles.sentences(strike.id)).length;
      const strikeDf = (await before.articles.termFrequencies(['strike'])).get('strike')!;
      await before.close();

      const env = { PATH: process.env.PATH, HOME: process.env.HOME, BRIEFBOT_DB: sqlitePath };
      const run = await briefbot(['migrate', '--to', target.url, '--append'], env);
      expect(run.code).toBe(0);
      const lines = run.stdout.trimEnd().split('\n');
      expect(lines[2]).toBe('articles                   3                  2      4');
      expect(lines.slice(-3, -1)).toEqual(['conversations              1                  0      1', 'shares                     1                  0      1']);
      expect(lines.at(-1)).toBe('articles: 2 copied, 1 already there');
      const again = await briefbot(['migrate', '--to', target.url, '--append'], env);
      expect(again.stdout.trimEnd().split('\n').at(-1)).toBe('articles: 0 copied, 3 already there');

      const sqlite = openSqliteStore(sqlitePath);
      const postgres = await openPostgresStore(target.url);
      try {
        const all = await postgres.articles.inWindow(new Date(0), new Date('2100-01-01'));
        expect(all.map((a) => a.title).sort()).toEqual(['Harvest report 1', 'Harvest report 2', 'Malaysia and Kenya agreed to upgrade their diplomatic ties to a strategic partnership as both countries marked 60 years of relations.', 'Port strike ends']);
        expect(await postgres.articles.totalSentences()).toBe((await sqlite.articles.totalSentences()) + strikeSentences);
        expect(await postgres.articles.termFrequencies(['wheat', 'strike', 'ringgit'])).toEqual(
          new Map([
            ['wheat', (await sqlite.articles.termFrequencies(['wheat'])).get('wheat')],
            ['strike', strikeDf + (await sqlite.articles.termFrequencies(['strike'])).get('strike')!],
            ['ringgit', (await sqlite.articles.termFrequencies(['ringgit'])).get('ringgit')],
          ]),
        );
        const harvest2 = all.find((a) => a.title === 'Harvest report 2')!;
        expect(await postgres.conversations.lastArticle('slack:C1:1700000000.000100', t0)).toBe(harvest2.id);
        const q = 'How much above forecasts was the wheat harvest in region 2?';
        const [a, b] = [await ask(sqlite, q, { now: t0 }), await ask(postgres, q, { now: t0 })];
        expect(b.answer?.sentence).toBe(a.answer?.sentence);
        expect(b.answer?.article.id).toBe(harvest2.id);
      } finally {
        await sqlite.close();
        await postgres.close();
      }
    } finally {
      await target.drop();
    }
  });

  it('names a missing SQLite file and a URL that is not PostgreSQL', async () => {
    const env = { PATH: process.env.PATH, HOME: process.env.HOME };
    const missing = await briefbot(['migrate', '--to', db.url, '--db', join(dir, 'nope.db')], env);
    expect([missing.code, missing.stderr]).toEqual([1, `briefbot: no SQLite store at ${join(dir, 'nope.db')} (set BRIEFBOT_DB or pass --db)\n`]);
    const bad = await briefbot(['migrate', '--to', 'mysql://x/y', '--db', sqlitePath], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("option '--to <url>' argument 'mysql://x/y' is invalid. must be a postgres:// or postgresql:// URL");
  });
});
