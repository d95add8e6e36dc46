import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { storeArticle } from '../src/articles/ingest.js';
import { buildBrief } from '../src/briefing/build.js';
import { openSqliteStore } from '../src/store/sqlite/index.js';
import { fakeArticles, spreadDates } from './articles.js';
import type { Figure } from './report.js';
import { percentile, timedAsync } from './stats.js';

export interface BriefBenchOptions {
  articles: number;
  runs: number;
  log: (s: string) => void;
}

/**
 * Time to build a brief over a 24-hour window holding `articles` articles (stored
 * through storeArticle, so summaries are real), against the floor of only reading
 * that window's rows from the store.
 */
export async function benchBrief(opts: BriefBenchOptions): Promise<Figure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'briefbot-bench-brief-'));
  const store = openSqliteStore(join(dir, 'brief.db'));
  try {
    const until = new Date('2026-06-01T07:00:00Z');
    const since = new Date(until.getTime() - 24 * 3_600_000);
    const articles = fakeArticles(opts.articles, 300);
    const dates = spreadDates(articles.length, until, 24);
    const sources = ['BBC News', 'CNN', 'Reuters', 'AP', 'The Week', 'USA Today', 'Bench Wire'];
    for (const [i, a] of articles.entries()) {
      await storeArticle(store, {
        title: a.title,
        source: sources[i % sources.length],
        url: `https://brief.example/${i}`,
        publishedAt: dates[i],
        publishedAtSource: 'page',
        language: 'en',
        body: a.paragraphs.map((p) => p.join(' ')).join('\n'),
      });
    }
    // Same window twice more: one topic brief, one plain; the first calls warm the statements.
    await buildBrief(store, { since, until });
    await store.articles.inWindow(since, until);
    const plain: number[] = [];
    const topic: number[] = [];
    const floor: number[] = [];
    // CPU time of each call too (process-wide, GC threads included): on a loaded machine the wall
    // times stretch with the scheduler, the CPU times hardly do.
    const cpu = { plain: [] as number[], topic: [] as number[], floor: [] as number[] };
    const timedCpu = async <T>(into: number[], fn: () => Promise<T>) => {
      const c = process.cpuUsage();
      const r = await timedAsync(fn);
      const d = process.cpuUsage(c);
      into.push((d.user + d.system) / 1000);
      return r;
    };
    let stories = 0;
    for (let i = 0; i < opts.runs; i++) {
      const b = await timedCpu(cpu.plain, () => buildBrief(store, { since, until, maxStories: 5 }));
      stories = b.value?.blocks.filter((x) => x.type === 'story').length ?? 0;
      plain.push(b.ms);
      topic.push((await timedCpu(cpu.topic, () => buildBrief(store, { since, until, topics: ['government', 'police'], maxStories: 5 }))).ms);
      floor.push((await timedCpu(cpu.floor, () => store.articles.inWindow(since, until))).ms);
    }
    const held = (await store.articles.inWindow(since, until)).length;
    const f = percentile(floor, 50);
    const cpuNote = (k: 'plain' | 'topic') => `CPU ${percentile(cpu[k], 50).toFixed(0)} ms vs floor's ${percentile(cpu.floor, 50).toFixed(0)} ms`;
    return [
      {
        section: 'brief',
        name: 'build brief, 24 h window (median)',
        value: percentile(plain, 50),
        unit: 'ms',
        baseline: { name: 'read window rows only', value: f },
        ratio: percentile(plain, 50) / f,
        ratioLabel: '× floor',
        target: { op: '<=', value: 250 },
        note: `${held} articles in window, ${stories} stories, median of ${opts.runs}; ${cpuNote('plain')}`,
      },
      {
        section: 'brief',
        name: 'build topic brief, 24 h window (median)',
        value: percentile(topic, 50),
        unit: 'ms',
        baseline: { name: 'read window rows only', value: f },
        ratio: percentile(topic, 50) / f,
        ratioLabel: '× floor',
        target: { op: '<=', value: 250 },
        note: `topics: government, police; ${cpuNote('topic')}`,
      },
    ];
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
