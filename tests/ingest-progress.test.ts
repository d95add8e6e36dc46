import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ingestInputs, type IngestProgress } from '../src/articles/ingest.js';
import { terminalProgress } from '../src/articles/progress.js';
import { openSqliteStore } from '../src/store/sqlite/index.js';
import { closeSharedWorkers } from '../src/workers/workers.js';
import { fakeArticles, spreadDates, writeTextArticles } from '../bench/articles.js';

/** A stream that keeps what is written, and a clock the test moves. */
function terminal(tty: boolean) {
  const written: string[] = [];
  let ms = 0;
  const progress = terminalProgress({ out: { write: (s: string) => written.push(s) > 0 }, tty, now: () => ms });
  return { progress, written, at: (t: number) => (ms = t) };
}
const counts = (added: number, duplicates = 0, errors = 0): IngestProgress => ({ added, duplicates, errors });

afterAll(() => closeSharedWorkers());

describe('ingest progress on a terminal', () => {
  it('shows count, rate and errors after the first second, at most four times a second, and clears the line at the end', () => {
    const t = terminal(true);
    t.at(900);
    t.progress.update(counts(200));
    expect(t.written).toEqual([]);
    t.at(1200);
    t.progress.update(counts(400, 3, 2));
    t.at(1300);
    t.progress.update(counts(600, 3, 2));
    t.at(1500);
    t.progress.update(counts(800, 3, 2));
    t.progress.done();
    expect(t.written).toEqual([
      '\r\x1b[Kingest: 405 read, 400 added, 3 duplicates, 2 failed, 338 articles/s',
      '\r\x1b[Kingest: 805 read, 800 added, 3 duplicates, 2 failed, 537 articles/s',
      '\r\x1b[K',
    ]);
  });

  it('prints nothing at all when stdout is not a terminal, however long the run', () => {
    const t = terminal(false);
    for (const ms of [1000, 5000, 60_000]) {
      t.at(ms);
      t.progress.update(counts(ms));
    }
    t.progress.done();
    expect(t.written).toEqual([]);
  });

  it('leaves no trace after a short run', () => {
    const t = terminal(true);
    t.at(500);
    t.progress.update(counts(20));
    t.progress.done();
    expect(t.written).toEqual([]);
  });
});

describe('ingestInputs reports progress', () => {
  const root = mkdtempSync(join(tmpdir(), 'briefbot-progress-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('after each stored batch, with the counts so far; the last is the report', async () => {
    const n = 150;
    writeTextArticles(join(root, 'in'), fakeArticles(n, 7), spreadDates(n, new Date('2026-11-30T12:00:00Z'), 24));
    const store = openSqliteStore(join(root, 'p.db'));
    const seen: IngestProgress[] = [];
    const report = await ingestInputs(store, [join(root, 'in'), join(root, 'missing.txt')], { onProgress: (p) => seen.push(p) });
    await store.close();
    expect(report).toMatchObject({ added: n, duplicates: 0, errors: 1 });
    // Batches of 64 articles, made of groups of 16 documents: stored after 64 and 128, then the rest.
    expect(seen).toEqual([counts(64), counts(128), counts(n, 0, 1)]);
  }, 120_000);
});
