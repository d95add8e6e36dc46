import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ingestInputs } from '../src/articles/ingest.js';
import { openSqliteStore } from '../src/store/sqlite/index.js';
import { poolSize } from '../src/workers/pool.js';
import { sharedWorkers } from '../src/workers/workers.js';
import { fakeArticles, spreadDates, writeFeeds, writeHtmlArticles, writeTextArticles } from './articles.js';
import type { Figure } from './report.js';
import { timed, timedAsync } from './stats.js';

export interface IngestBenchOptions {
  text: number;
  html: number;
  feed: number;
  log: (s: string) => void;
}

/**
 * Articles ingested before the clock starts: two groups of 16 (ingest's documents per
 * task) for each worker, so that every worker of the pool, not only the first, has loaded
 * the kind's parsers and run its code before it is timed (at 8, one group, the second
 * worker of two loaded linkedom and Readability inside the timed run). For feeds (50 items
 * each) that is more than one feed per worker.
 */
const WARM = 32 * poolSize();

const KINDS = [
  { kind: 'plain text', key: 'text', write: writeTextArticles, target: 1000 },
  { kind: 'HTML', key: 'html', write: writeHtmlArticles, target: 400 },
  { kind: 'feed items', key: 'feed', write: writeFeeds, target: 1000 },
] as const;

/**
 * Articles per second through the real ingest path (read file, parse, clean,
 * analyse, store in SQLite), against the floor of inserting the very rows it
 * stored with bare prepared statements in one transaction.
 *
 * The rate is the steady one: the worker threads are started, and have loaded the
 * parsers for the kind, before the clock starts (a running bot's pool is up before
 * its first poll); the warm-up's time, which holds what that first start costs a
 * one-off CLI run, is in the note. So
 * is the CPU time per article over all threads, which a loaded machine leaves
 * nearly alone while the rate falls with the share of the cores this run gets.
 */
export async function benchIngest(opts: IngestBenchOptions): Promise<Figure[]> {
  const root = mkdtempSync(join(tmpdir(), 'briefbot-bench-ingest-'));
  const figures: Figure[] = [];
  try {
    for (const [k, spec] of KINDS.entries()) {
      const n = opts[spec.key];
      const dir = join(root, spec.key);
      const articles = fakeArticles(n, 100 + k);
      spec.write(dir, articles, spreadDates(n, new Date(), 24));
      // A few articles of the kind first, into a store of their own: threads started, parsers loaded.
      const warmDir = join(root, `${spec.key}-warm`);
      spec.write(warmDir, fakeArticles(WARM, 900 + k), spreadDates(WARM, new Date(), 24));
      const warmStore = openSqliteStore(join(root, `${spec.key}-warm.db`));
      const warm = await timedAsync(() => ingestInputs(warmStore, [warmDir]));
      await warmStore.close();
      const cold = sharedWorkers().pool.memory().filter((w) => !w.heap).length;
      if (cold) opts.log(`  ingest ${spec.kind}: ${cold} worker(s) ran no task in the warm-up, so the rate includes their start`);
      const store = openSqliteStore(join(root, `${spec.key}.db`));
      const cpu0 = process.cpuUsage();
      const run = await timedAsync(() => ingestInputs(store, [dir]));
      const cpu = process.cpuUsage(cpu0);
      await store.close();
      const report = run.value;
      if (report.added !== n) opts.log(`  ingest ${spec.kind}: ${report.added} added of ${n} (${report.duplicates} duplicates, ${report.errors} errors)`);
      const floorMs = insertFloor(join(root, `${spec.key}.db`), join(root, `${spec.key}-floor.db`));
      const rate = report.added / (run.ms / 1000);
      // User and system time of every thread of the process (getrusage), per article stored.
      const cpuMs = (cpu.user + cpu.system) / 1000 / Math.max(1, report.added);
      const floorRate = report.added / (floorMs / 1000);
      figures.push({
        section: 'ingest',
        name: `${spec.kind} into SQLite`,
        value: rate,
        unit: 'articles/s',
        baseline: { name: 'bare insert floor', value: floorRate },
        ratio: rate / floorRate,
        ratioLabel: ' of floor',
        target: spec.target ? { op: '>=', value: spec.target } : undefined,
        note: `${report.added} articles${report.errors ? `, ${report.errors} errors` : ''}; ${cpuMs.toFixed(2)} ms CPU each (all threads); warm-up (${WARM} articles, threads starting) ${warm.ms.toFixed(0)} ms`,
      });
      opts.log(`  ingest ${spec.kind}: ${rate.toFixed(0)} articles/s (floor ${floorRate.toFixed(0)}), ${cpuMs.toFixed(2)} ms CPU per article`);
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  return figures;
}

/** Milliseconds to insert the rows the ingest stored (articles, sentences, full-text rows) into an empty store with bare prepared statements, one transaction. */
function insertFloor(from: string, to: string): number {
  // The real schema, made by the real migrations (the SQLite store closes synchronously).
  void openSqliteStore(to).close();
  const src = new Database(from, { readonly: true });
  const articles = src.prepare('SELECT * FROM articles ORDER BY id').raw().all() as unknown[][];
  const sentences = src.prepare('SELECT id, article_id, idx, text, kinds FROM sentences ORDER BY id').raw().all() as unknown[][];
  src.close();
  const db = new Database(to);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  const cols = articles.length ? articles[0].length : 0;
  const insA = db.prepare(`INSERT INTO articles VALUES (${Array(cols).fill('?').join(', ')})`);
  const insS = db.prepare('INSERT INTO sentences (id, article_id, idx, text, kinds) VALUES (?, ?, ?, ?, ?)');
  const insF = db.prepare('INSERT INTO sentences_fts (rowid, text) VALUES (?, ?)');
  const { ms } = timed(() =>
    db.transaction(() => {
      for (const a of articles) insA.run(...a);
      for (const s of sentences) {
        insS.run(...s);
        insF.run(s[0], s[3]);
      }
    })(),
  );
  db.close();
  return ms;
}
