import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ingestInputs } from '../src/articles/ingest.js';
import { openSqliteStore } from '../src/store/sqlite/index.js';
import { fakeArticles, spreadDates, writeFeeds, writeHtmlArticles, writeTextArticles } from './articles.js';
import type { Figure } from './report.js';
import { timed, timedAsync } from './stats.js';

export interface IngestBenchOptions {
  text: number;
  html: number;
  feed: number;
  log: (s: string) => void;
}

const KINDS = [
  { kind: 'plain text', key: 'text', write: writeTextArticles, target: 1000 },
  { kind: 'HTML', key: 'html', write: writeHtmlArticles, target: undefined },
  { kind: 'feed items', key: 'feed', write: writeFeeds, target: undefined },
] as const;

/**
 * Articles per second through the real ingest path (read file, parse, clean,
 * analyse, store in SQLite), against the floor of inserting the very rows it
 * stored with bare prepared statements in one transaction.
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
      const store = openSqliteStore(join(root, `${spec.key}.db`));
      const run = await timedAsync(() => ingestInputs(store, [dir]));
      await store.close();
      const report = run.value;
      if (report.added !== n) opts.log(`  ingest ${spec.kind}: ${report.added} added of ${n} (${report.duplicates} duplicates, ${report.errors} errors)`);
      const floorMs = insertFloor(join(root, `${spec.key}.db`), join(root, `${spec.key}-floor.db`));
      const rate = report.added / (run.ms / 1000);
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
        note: `${report.added} articles${report.errors ? `, ${report.errors} errors` : ''}`,
      });
      opts.log(`  ingest ${spec.kind}: ${rate.toFixed(0)} articles/s (floor ${floorRate.toFixed(0)})`);
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
