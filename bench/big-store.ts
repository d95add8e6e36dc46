import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { analyseArticle } from '../src/articles/analyse.js';
import { contentHash } from '../src/store/sqlite/articles.js';
import { ARTICLE_MIGRATIONS } from '../src/store/sqlite/articles-schema.js';
import { openSqliteStore } from '../src/store/sqlite/index.js';
import { sentenceKinds } from '../src/nlp/kinds.js';
import { loadCorpus, recombine, repoRoot, rng } from './corpus.js';

/** Bump when the way the store is built changes, so cached stores are rebuilt. */
const BUILD_VERSION = 1;
export const CACHE_DIR = join(repoRoot, 'bench', '.cache');
/** Articles in the big store are dated in the year before this instant. */
export const BIG_STORE_NOW = new Date('2026-06-01T00:00:00Z');

export interface BigStore {
  path: string;
  articles: number;
  sentences: number;
  builtMs: number | null;
}

/**
 * A store of `articles` articles: every SQuAD paragraph once (so SQuAD questions
 * have one right answer) and the rest recombined from real news sentences, about 25
 * sentences each. Built with direct batched inserts of already-analysed rows (the
 * ask path is what is measured on it, not ingest) and cached by version and size.
 */
export function ensureBigStore(articles: number, log: (s: string) => void = () => {}): BigStore {
  mkdirSync(CACHE_DIR, { recursive: true });
  const key = `store-b${BUILD_VERSION}-m${Math.max(...ARTICLE_MIGRATIONS.map((m) => m.version))}-${articles}.db`;
  const path = join(CACHE_DIR, key);
  if (existsSync(path)) {
    const db = new Database(path, { readonly: true });
    const n = (db.prepare('SELECT count(*) AS n FROM articles').get() as { n: number }).n;
    const s = (db.prepare('SELECT max(id) AS n FROM sentences').get() as { n: number }).n;
    db.close();
    return { path, articles: n, sentences: s, builtMs: null };
  }
  const started = performance.now();
  const tmp = `${path}.${process.pid}.building`;
  for (const f of [tmp, `${tmp}-wal`, `${tmp}-shm`]) rmSync(f, { force: true });
  // The real schema, made by the real migrations.
  void openSqliteStore(tmp).close(); // the SQLite store closes synchronously
  const db = new Database(tmp);
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -262144');
  const { filler, paragraphs } = loadCorpus();
  const kinds = new Map<string, number>();
  const kindOf = (s: string) => {
    let k = kinds.get(s);
    if (k === undefined) kinds.set(s, (k = sentenceKinds(s)));
    return k;
  };
  const insertArticle = db.prepare(
    `INSERT INTO articles (id, title, source, url, published_at, published_at_source, language, body, content_hash, ingested_at, summary_json)
     VALUES (?, ?, ?, ?, ?, 'page', 'en', ?, ?, ?, ?)`,
  );
  const insertSentence = db.prepare('INSERT INTO sentences (article_id, idx, text, kinds) VALUES (?, ?, ?, ?)');
  const r = rng(42);
  const sources = ['BBC News', 'CNN', 'Daily Mail', 'The Week', 'USA Today', 'Reuters', 'AP'];
  const nowMs = BIG_STORE_NOW.getTime();
  let sentences = 0;
  const insertBatch = db.transaction((from: number, to: number) => {
    for (let id = from; id < to; id++) {
      let title: string;
      let body: string;
      let rows: { text: string; kinds: number }[];
      let summary: string;
      if (id <= paragraphs.length) {
        const p = paragraphs[id - 1];
        const input = { title: p.title, source: 'Wikipedia', publishedAt: '', publishedAtSource: 'page' as const, body: p.context };
        const analysis = analyseArticle(input);
        title = p.title;
        body = p.context;
        rows = analysis.sentences;
        summary = JSON.stringify(analysis.summary);
      } else {
        const a = recombine(filler, r, 15 + Math.floor(r() * 21));
        title = a.title;
        body = a.paragraphs.map((p) => p.join(' ')).join('\n');
        const texts = [a.title, ...a.paragraphs.flat()];
        rows = texts.map((text) => ({ text, kinds: kindOf(text) }));
        summary = JSON.stringify({ sentences: texts.slice(1, 3), figures: [], weight: 1 });
      }
      const published = new Date(nowMs - Math.floor(r() * 365 * 86_400_000)).toISOString();
      insertArticle.run(id, title, sources[id % sources.length], `https://news.example/${id}`, published, body, contentHash(`${id} ${body}`), published, summary);
      rows.forEach((s, i) => insertSentence.run(id, i, s.text, s.kinds));
      sentences += rows.length;
    }
  });
  const batch = 5_000;
  for (let from = 1; from <= articles; from += batch) {
    insertBatch(from, Math.min(articles + 1, from + batch));
    log(`  big store: ${Math.min(articles, from + batch - 1)}/${articles} articles, ${sentences} sentences (${((performance.now() - started) / 1000).toFixed(0)} s)`);
  }
  log('  big store: building the full-text index');
  db.exec("INSERT INTO sentences_fts (sentences_fts) VALUES ('rebuild')");
  db.pragma('journal_mode = WAL');
  db.exec('ANALYZE');
  db.close();
  renameSync(tmp, path);
  const builtMs = performance.now() - started;
  log(`  big store: built in ${(builtMs / 1000).toFixed(1)} s`);
  return { path, articles, sentences, builtMs };
}

