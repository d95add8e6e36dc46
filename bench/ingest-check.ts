/**
 * `npx tsx bench/ingest-check.ts <out.json>`: what ingest stores, written out so that a
 * change meant only to make ingest faster can be shown to store exactly the same rows.
 * Run it before and after the change and compare the two files (`cmp`, or the per-part
 * digests it prints).
 *
 * Inputs: the bench's generated text, HTML and feed articles (fixed seeds and dates),
 * the repository's samples, the shared fixture feeds and extraction pages; stored through
 * the real path (ingestInputs: worker threads, SQLite). Besides, the analysis of every
 * article of the shared summarisation and clustering development sets.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { analyseArticle } from '../src/articles/analyse.js';
import { ingestInputs } from '../src/articles/ingest.js';
import { guessLanguage } from '../src/nlp/language.js';
import { openSqliteStore } from '../src/store/sqlite/index.js';
import { closeSharedWorkers } from '../src/workers/workers.js';
import { fakeArticles, spreadDates, writeFeeds, writeHtmlArticles, writeTextArticles } from './articles.js';
import { evalPath, repoRoot } from './corpus.js';

const out = process.argv[2];
if (!out) throw new Error('usage: tsx bench/ingest-check.ts <out.json>');

const root = mkdtempSync(join(tmpdir(), 'briefbot-ingest-check-'));
const fixed = new Date('2026-11-30T12:00:00Z');
const parts: Record<string, unknown> = {};
try {
  writeTextArticles(join(root, 'text'), fakeArticles(300, 100), spreadDates(300, fixed, 24));
  writeHtmlArticles(join(root, 'html'), fakeArticles(100, 101), spreadDates(100, fixed, 24));
  writeFeeds(join(root, 'feed'), fakeArticles(300, 102), spreadDates(300, fixed, 24));
  const inputs = [
    join(root, 'text'),
    join(root, 'html'),
    join(root, 'feed'),
    join(repoRoot, 'samples'),
    evalPath('../fixtures/feeds'),
    evalPath('extraction/pages'),
  ];
  const store = openSqliteStore(join(root, 'check.db'));
  // Links are not followed: the check reads no network.
  const report = await ingestInputs(store, inputs, { fetchLinks: false, now: () => fixed });
  await store.close();
  // Temporary paths differ between runs; the part after the root does not.
  const rel = (s: string | null) => (s == null ? s : s.split(root).join('<root>').split(repoRoot).join('<repo>').split(evalPath('..')).join('<shared>'));
  parts.report = report.results.map((r) => ({ ...r, input: rel(r.input) }));
  const db = new Database(join(root, 'check.db'), { readonly: true });
  parts.articles = (db.prepare('SELECT * FROM articles ORDER BY id').all() as Record<string, unknown>[]).map((a) => {
    const { ingested_at: _ingestedAt, ...rest } = a;
    // A file's own mtime stands in for a missing date; it is not the ingest's doing.
    return { ...rest, url: rel(rest.url as string | null), published_at: rest.published_at_source === 'file-mtime' ? 'mtime' : rest.published_at };
  });
  parts.sentences = db.prepare('SELECT id, article_id, idx, text, kinds FROM sentences ORDER BY id').raw().all();
  parts.vocabulary = db.prepare('SELECT term, doc, cnt FROM sentences_vocab ORDER BY term').raw().all();
  db.close();

  // The analysis of real articles, straight (no store): summaries, figures, kinds, story signatures.
  const analysed: unknown[] = [];
  for (const file of ['summarization/bbc100-dev.jsonl', 'summarization/cnndm-dev.jsonl', 'clustering/stories-dev.jsonl']) {
    for (const line of readFileSync(evalPath(file), 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const item = JSON.parse(line) as { article?: string; body?: string; title?: string };
      const body = item.body ?? item.article ?? '';
      const title = item.title ?? body.split('\n')[0].slice(0, 120);
      const language = guessLanguage(body);
      analysed.push({ language, analysis: analyseArticle({ title, body, source: 'check', publishedAt: fixed.toISOString(), publishedAtSource: 'page', language }) });
    }
  }
  parts.analysed = analysed;
} finally {
  rmSync(root, { recursive: true, force: true });
  await closeSharedWorkers();
}

const digest = (v: unknown) => createHash('sha256').update(JSON.stringify(v)).digest('hex').slice(0, 16);
writeFileSync(out, `${JSON.stringify(parts, null, 1)}\n`);
for (const [name, v] of Object.entries(parts)) console.log(`${name.padEnd(10)} ${String((v as unknown[]).length).padStart(6)} rows  ${digest(v)}`);
