import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
      body: `The wheat harvest in region ${i} came in ${10 * i}% above forecasts, the ministry said.\nPrices fell for a third week.`,
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
        expect(b.answer?.article).toEqual({ ...a.answer!.article, id: expect.any(Number) });
      }
      const [sa, pa] = [await sqlite.articles.inWindow(new Date(0), new Date('2100-01-01')), await postgres.articles.inWindow(new Date(0), new Date('2100-01-01'))];
      expect(pa.map(({ id: _, ...rest }) => rest)).toEqual(sa.map(({ id: _, ...rest }) => rest));
      // The story column is copied as stored (its signature is not in summary_json to be recomputed from).
      expect(pa.map((a) => a.storyFeatures)).toEqual(sa.map((a) => a.storyFeatures));
      expect(pa.map((a) => a.storyFeatures === undefined)).toEqual([false, false, false]);
      expect(await postgres.articles.sentences(pa[0].id)).toEqual((await sqlite.articles.sentences(sa[0].id)).map((s) => ({ ...s, articleId: pa[0].id })));
      expect(await postgres.articles.termFrequencies(['wheat', 'ringgit', 'prices'])).toEqual(await sqlite.articles.termFrequencies(['wheat', 'ringgit', 'prices']));
      expect(await postgres.articles.totalSentences()).toBe(await sqlite.articles.totalSentences());
      expect(await postgres.subscriptions.list()).toEqual(await sqlite.subscriptions.list());
      expect(await postgres.sources.list()).toEqual(await sqlite.sources.list());
      expect(await postgres.sources.seen('https://wire.example/feed.xml', 'url:https://wire.example/harvest-2')).toBe('2026-03-02');
      expect(await postgres.deliveries.forSlot('morning', slot)).toEqual(await sqlite.deliveries.forSlot('morning', slot));
      expect(await postgres.deliveries.getRun('morning', slot)).toEqual(await sqlite.deliveries.getRun('morning', slot));
      expect(await postgres.coordination.lastHeartbeat()).toEqual(t0);
    } finally {
      await sqlite.close();
      await postgres.close();
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
