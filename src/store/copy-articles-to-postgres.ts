import type Database from 'better-sqlite3';
import type pg from 'pg';
import { copyRows } from './postgres/copy-rows.js';
import { addPostings, fillPostingsSql, POSTINGS_CAP, POSTINGS_INDEX_SQL } from './postgres/postings.js';
import { indexStems } from './retrieval.js';

/**
 * The articles and sentences half of `briefbot migrate`: rows streamed with COPY, the
 * index stems, stem counts and totals computed as the PostgreSQL store's own addMany
 * computes them. Runs inside the caller's transaction and leaves `article_map` (SQLite id
 * → PostgreSQL id of every SQLite article) for the tables that point at articles.
 */

const ARTICLE_COLUMNS = ['id', 'title', 'source', 'url', 'published_at', 'published_at_source', 'language', 'body', 'content_hash', 'ingested_at', 'summary_json', 'story'] as const;
const SENTENCE_COLUMNS = ['id', 'article_id', 'idx', 'text', 'kinds', 'stems', 'tokens'] as const;

type Row = Record<string, unknown>;
type Progress = (line: string) => void;

export interface ArticleCopy {
  copied: number;
  alreadyThere: number;
  /** Whether the target held no article: rows went straight in with their SQLite ids. */
  direct: boolean;
}

/** How often the progress line is refreshed. */
const PROGRESS_EVERY = 100_000;

function* articleRows(src: Database.Database, total: number, progress?: Progress): Generator<unknown[]> {
  let n = 0;
  // A file from before the story column (the copy does not migrate it): NULL, computed when read, as in SQLite.
  const hasStory = (src.prepare('SELECT name FROM pragma_table_info(?)').pluck().all('articles') as string[]).includes('story');
  const columns = ARTICLE_COLUMNS.map((c) => (c === 'story' && !hasStory ? 'NULL AS story' : c));
  for (const r of src.prepare(`SELECT ${columns.join(', ')} FROM articles ORDER BY id`).iterate() as IterableIterator<Row>) {
    yield ARTICLE_COLUMNS.map((c) => r[c]);
    if (++n % 10_000 === 0) progress?.(`articles: ${n}/${total}`);
  }
}

/** Sentences with their index stems; `tally` sees each sentence's stems (to count them as addMany does). */
function* sentenceRows(src: Database.Database, total: number, tally: ((stems: string[]) => void) | undefined, progress?: Progress): Generator<unknown[]> {
  let n = 0;
  for (const r of src.prepare('SELECT id, article_id, idx, text, kinds FROM sentences ORDER BY id').iterate() as IterableIterator<Row>) {
    const stems = indexStems(String(r.text));
    tally?.(stems);
    yield [r.id, r.article_id, r.idx, r.text, r.kinds, stems.join(' '), stems.length];
    if (++n % PROGRESS_EVERY === 0) progress?.(`sentences: ${n}/${total}`);
  }
}

/**
 * Into a database holding no article: COPY straight into the tables with the SQLite ids
 * (the answerer breaks ties by sentence id, so both stores rank alike), with the sentences'
 * secondary indexes and foreign key dropped during the load and built once after it, which
 * is several times faster than maintaining a GIN index row by row.
 */
async function copyDirect(client: pg.ClientBase, src: Database.Database, counts: { articles: number; sentences: number }, progress?: Progress): Promise<ArticleCopy> {
  const indexes = (
    await client.query<{ indexname: string; indexdef: string }>(
      `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'sentences'
         AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = 'sentences'::regclass)`,
    )
  ).rows;
  const foreignKeys = (
    await client.query<{ conname: string; def: string }>(`SELECT conname, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = 'sentences'::regclass AND contype = 'f'`)
  ).rows;
  for (const fk of foreignKeys) await client.query(`ALTER TABLE sentences DROP CONSTRAINT ${fk.conname}`);
  for (const ix of indexes) await client.query(`DROP INDEX ${ix.indexname}`);

  const copied = await copyRows(client, 'articles', ARTICLE_COLUMNS, articleRows(src, counts.articles, progress));
  const stemDocs = new Map<string, number>();
  let tokens = 0;
  const tally = (stems: string[]) => {
    for (const s of new Set(stems)) stemDocs.set(s, (stemDocs.get(s) ?? 0) + 1);
    tokens += stems.length;
  };
  const sentences = await copyRows(client, 'sentences', SENTENCE_COLUMNS, sentenceRows(src, counts.sentences, tally, progress));

  progress?.(`sentences: building the full-text index over ${sentences}`);
  // The GIN build sorts in memory this large instead of merging runs on disk.
  await client.query("SET LOCAL maintenance_work_mem = '512MB'");
  for (const ix of indexes) await client.query(ix.indexdef);
  for (const fk of foreignKeys) await client.query(`ALTER TABLE sentences ADD CONSTRAINT ${fk.conname} ${fk.def}`);
  // Rows came with their ids: new ones continue after them.
  for (const t of ['articles', 'sentences']) await client.query(`SELECT setval(pg_get_serial_sequence('${t}', 'id'), max(id)) FROM ${t} HAVING max(id) IS NOT NULL`);

  await client.query('CREATE TEMP TABLE staged_stems (stem TEXT NOT NULL, docs BIGINT NOT NULL) ON COMMIT DROP');
  await copyRows(client, 'staged_stems', ['stem', 'docs'], stemDocs.entries());
  await client.query(
    `INSERT INTO stem_counts (stem, docs) SELECT stem, docs FROM staged_stems ORDER BY stem
     ON CONFLICT (stem) DO UPDATE SET docs = stem_counts.docs + excluded.docs`,
  );
  await client.query('UPDATE store_totals SET sentences = sentences + $1, tokens = tokens + $2', [sentences, tokens]);
  // The rare stems' postings, from the sentences just loaded, with their index built after them.
  progress?.('sentences: writing the rare stems\' postings');
  await client.query("SET LOCAL work_mem = '64MB'");
  await client.query('DROP INDEX IF EXISTS sentence_postings_stem');
  await client.query(fillPostingsSql('TRUE'));
  await client.query(POSTINGS_INDEX_SQL);
  await client.query('INSERT INTO article_map (src_id, id) SELECT id, id FROM articles');
  return { copied, alreadyThere: 0, direct: true };
}

/**
 * Into a database that already holds articles: COPY into staging tables, then insert what
 * is not there yet (same URL or same body: ON CONFLICT DO NOTHING), in SQLite id order so new
 * ids keep the SQLite order. Sentences go in for the articles inserted only, and stem counts
 * and totals grow by theirs: running it twice copies nothing the second time.
 */
async function copyStaged(client: pg.ClientBase, src: Database.Database, counts: { articles: number; sentences: number }, progress?: Progress): Promise<ArticleCopy> {
  await client.query('CREATE TEMP TABLE staged_articles (LIKE articles) ON COMMIT DROP');
  await client.query('CREATE TEMP TABLE staged_sentences (id BIGINT, article_id BIGINT, idx INTEGER, text TEXT, kinds INTEGER, stems TEXT, tokens INTEGER) ON COMMIT DROP');
  await copyRows(client, 'staged_articles', ARTICLE_COLUMNS, articleRows(src, counts.articles, progress));
  await copyRows(client, 'staged_sentences', SENTENCE_COLUMNS, sentenceRows(src, counts.sentences, undefined, progress));
  await client.query('CREATE INDEX ON staged_sentences (article_id)');
  const columns = ARTICLE_COLUMNS.filter((c) => c !== 'id').join(', ');
  await client.query(
    `WITH added AS (
       INSERT INTO articles (${columns}) SELECT ${columns} FROM staged_articles s
       WHERE NOT EXISTS (SELECT 1 FROM articles a WHERE a.url = s.url) AND NOT EXISTS (SELECT 1 FROM articles a WHERE a.content_hash = s.content_hash)
       ORDER BY id ON CONFLICT DO NOTHING RETURNING id, content_hash
     )
     INSERT INTO article_map (src_id, id, added) SELECT s.id, added.id, TRUE FROM added JOIN staged_articles s ON s.content_hash = added.content_hash`,
  );
  // The articles already there (filtered out above, so they take no ids: ON CONFLICT only guards a race): the stored one with the same URL, else the same body (as addMany reports duplicates).
  await client.query(
    `INSERT INTO article_map (src_id, id, added)
     SELECT s.id, COALESCE((SELECT a.id FROM articles a WHERE a.url = s.url), (SELECT a.id FROM articles a WHERE a.content_hash = s.content_hash)), FALSE
     FROM staged_articles s WHERE NOT EXISTS (SELECT 1 FROM article_map m WHERE m.src_id = s.id)`,
  );
  await client.query(
    `INSERT INTO sentences (article_id, idx, text, kinds, stems, tokens)
     SELECT m.id, s.idx, s.text, s.kinds, s.stems, s.tokens FROM staged_sentences s JOIN article_map m ON m.src_id = s.article_id AND m.added ORDER BY s.id`,
  );
  // Per stem, the added sentences holding it; in stem order, so concurrent writers lock shared stems in one order.
  // Returned: the stems this took over the postings cap.
  const crossed = await client.query<{ stem: string }>(
    `WITH added AS (
       SELECT stem, count(*) AS n FROM staged_sentences s JOIN article_map m ON m.src_id = s.article_id AND m.added
         CROSS JOIN LATERAL (SELECT DISTINCT unnest(string_to_array(s.stems, ' ')) AS stem) x
       GROUP BY stem
     ), counted AS (
       INSERT INTO stem_counts (stem, docs) SELECT stem, n FROM added ORDER BY stem
       ON CONFLICT (stem) DO UPDATE SET docs = stem_counts.docs + excluded.docs
       RETURNING stem, docs
     )
     SELECT counted.stem FROM counted JOIN added USING (stem) WHERE counted.docs > $1 AND counted.docs - added.n <= $1`,
    [POSTINGS_CAP],
  );
  await addPostings(
    client,
    's.article_id IN (SELECT id FROM article_map WHERE added)',
    [],
    crossed.rows.map((r) => r.stem),
  );
  await client.query(
    `UPDATE store_totals SET sentences = store_totals.sentences + t.n, tokens = store_totals.tokens + t.tokens
     FROM (SELECT count(*) AS n, COALESCE(sum(s.tokens), 0) AS tokens FROM staged_sentences s JOIN article_map m ON m.src_id = s.article_id AND m.added) t`,
  );
  const added = Number((await client.query<{ n: string }>('SELECT count(*) AS n FROM article_map WHERE added')).rows[0].n);
  return { copied: added, alreadyThere: counts.articles - added, direct: false };
}

/** Copies the SQLite articles and sentences within the caller's transaction on `client`. */
export async function copyArticles(client: pg.ClientBase, src: Database.Database, counts: { articles: number; sentences: number }, progress?: Progress): Promise<ArticleCopy> {
  await client.query('CREATE TEMP TABLE article_map (src_id BIGINT PRIMARY KEY, id BIGINT NOT NULL, added BOOLEAN NOT NULL DEFAULT TRUE) ON COMMIT DROP');
  // Writers wait until the copy commits; whether the target is empty cannot change under it.
  await client.query('LOCK TABLE articles, sentences IN SHARE ROW EXCLUSIVE MODE');
  const empty = (await client.query<{ empty: boolean }>('SELECT NOT EXISTS (SELECT 1 FROM articles) AND NOT EXISTS (SELECT 1 FROM sentences) AS empty')).rows[0].empty;
  return empty ? copyDirect(client, src, counts, progress) : copyStaged(client, src, counts, progress);
}
