import { describe, expect, it } from 'vitest';
import { runBench, SECTIONS } from '../bench/run.js';

/**
 * Runs the whole benchmark at its smallest sizes so it never rots. It asserts only
 * that every figure is there and finite, never how fast anything was.
 */
describe('npm run bench -- --small', () => {
  it('reports every section with finite figures and same-run baselines', async () => {
    const report = await runBench('small', SECTIONS);
    const names = report.figures.map((f) => `${f.section}: ${f.name}`);
    expect(new Set(report.figures.map((f) => f.section))).toEqual(new Set(SECTIONS));
    for (const wanted of [
      'ingest: plain text into SQLite',
      'ingest: HTML into SQLite',
      'ingest: feed items into SQLite',
      'ask: p50 latency',
      'ask: p95 latency',
      'ask: p99 latency',
      'ask: top-1 agreement with unoptimised retrieval',
      'brief: build brief, 24 h window (median)',
      'delivery: Discord: one brief to 10 channels',
      'delivery: Discord: posts lost',
      'delivery: Discord: posts duplicated',
      'delivery: Slack: one brief to 10 channels',
      'delivery: Slack: posts lost',
      'delivery: Slack: posts duplicated',
      'footprint: start to ready',
      'footprint: peak RSS while answering',
      'burst: /ask one at a time: answer p99',
      'burst: 10 at once: ack p99',
      'burst: 10 at once: answer p50',
      'burst: 10 at once: answer p99',
      'burst: peak RSS, bot with its worker pool',
      'hostile: /ask p99 while a hostile page is extracted',
      'hostile: /ask p99 idle, answered in a worker',
    ]) {
      expect(names).toContain(wanted);
    }
    for (const f of report.figures) {
      expect(Number.isFinite(f.value), `${f.section}: ${f.name}`).toBe(true);
      if (f.baseline) expect(Number.isFinite(f.baseline.value), `${f.section}: ${f.name} baseline`).toBe(true);
      if (f.ratio !== undefined) expect(Number.isFinite(f.ratio), `${f.section}: ${f.name} ratio`).toBe(true);
    }
    // Ingest and ask figures are measured against a floor or baseline from the same run.
    for (const f of report.figures.filter((x) => x.section === 'ingest' || /^p\d\d latency$/.test(x.name))) expect(f.baseline).toBeDefined();
    // Every small ingest input was stored, and every delivery arrived exactly once.
    for (const f of report.figures.filter((x) => x.section === 'delivery' && /lost|duplicated/.test(x.name))) expect(f.value).toBe(0);
    expect(report.machine.cores).toBeGreaterThan(0);
  }, 300_000); // about 25 s alone; minutes on 2 cores busy with other suites (it starts the bot and worker threads)
});

/**
 * The budgeted retrieval the benchmark tuned (src/store/sqlite/articles.ts), driven
 * down each of its paths by shrinking the budgets on a small real store.
 */
describe('searchSentences under its posting budgets', () => {
  const stories = [
    { title: 'Broncos win Super Bowl 50', body: 'The American Football Conference (AFC) champion Denver Broncos defeated the National Football Conference (NFC) champion Carolina Panthers 24–10 to earn their third Super Bowl title.\nThe game was played on February 7, 2016, at Levi\'s Stadium in Santa Clara, California.' },
    { title: 'Stadium news', body: 'The stadium will host a concert next week.\nFans of the team queued outside the stadium all night.' },
    { title: 'Football weekend', body: 'The team lost its first game of the season.\nThe conference meets again next year.' },
    { title: 'Market report', body: 'Shares rose as the conference on trade ended.\nThe champion fund manager said the team was ready.' },
  ];

  async function withStore<T>(fn: (store: import('../src/store/store.js').Store) => Promise<T>): Promise<T> {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { openSqliteStore } = await import('../src/store/sqlite/index.js');
    const { storeArticle } = await import('../src/articles/ingest.js');
    const dir = mkdtempSync(join(tmpdir(), 'briefbot-retrieval-'));
    const store = openSqliteStore(join(dir, 'r.db'));
    try {
      for (const [i, s] of stories.entries()) await storeArticle(store, { ...s, source: 'Test', url: `https://t.example/${i}`, publishedAt: `2026-01-0${i + 1}T00:00:00.000Z`, publishedAtSource: 'page' });
      return await fn(store);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }

  async function withBudgets<T>(budgets: Partial<typeof import('../src/store/sqlite/articles.js').RETRIEVAL>, fn: () => Promise<T>): Promise<T> {
    const { RETRIEVAL } = await import('../src/store/sqlite/articles.js');
    const saved = { ...RETRIEVAL };
    Object.assign(RETRIEVAL, budgets);
    try {
      return await fn();
    } finally {
      Object.assign(RETRIEVAL, saved);
    }
  }

  const winner = 'The American Football Conference (AFC) champion Denver Broncos defeated the National Football Conference (NFC) champion Carolina Panthers 24–10 to earn their third Super Bowl title.';

  it('answers from the exact query when the words are rare enough', async () => {
    const texts = await withStore(async (store) => (await store.articles.searchSentences(['afc', 'champion', 'broncos'], 3)).map((r) => r.text));
    expect(texts[0]).toBe(winner);
  });

  it('finds the sentence holding two common words together when each alone is over budget', async () => {
    // Every word is "too common": only the pair lookups and the in-process scoring can find it.
    const texts = await withBudgets({ exactBudget: 0, postingBudget: 0, pairBudget: 10, pairTotal: 100, perPair: 5 }, () =>
      withStore(async (store) => (await store.articles.searchSentences(['conference', 'champion', 'football'], 2)).map((r) => r.text)),
    );
    // Sentences holding one of the words alone ("The champion fund manager…") are not candidates.
    expect(texts).toEqual([winner]);
  });

  it('falls back to the newest sentences holding the rarest word when nothing else is allowed', async () => {
    const texts = await withBudgets({ exactBudget: 0, postingBudget: 0, pairBudget: 0 }, () =>
      withStore(async (store) => (await store.articles.searchSentences(['stadium'], 2)).map((r) => r.text)),
    );
    // The two newest of the four sentences holding the word, shorter first.
    expect(texts).toEqual(['The stadium will host a concert next week.', 'Fans of the team queued outside the stadium all night.']);
  });

  it('treats query syntax typed by a user as words on every path', async () => {
    for (const budgets of [{}, { exactBudget: 0 }, { exactBudget: 0, postingBudget: 0 }]) {
      const rows = await withBudgets(budgets, () => withStore((store) => store.articles.searchSentences(['"', 'near(', '*', 'or', 'stadium^'], 5)));
      expect(rows.every((r) => typeof r.text === 'string')).toBe(true);
    }
  });
});
