import type pg from 'pg';

/**
 * The rare stems' postings: (stem, sentence, term count, sentence length) for every stem in
 * at most POSTINGS_CAP sentences, in a narrow table read through a covering B-tree index.
 *
 * Why: the exact BM25 query scores every sentence holding any of the question's words (up to
 * RETRIEVAL.exactBudget of them), and through the GIN index each one is a random page of the
 * wide sentences heap (~560 bytes a row, 1.4 GB at 100,000 articles, far above a default
 * 128 MB shared_buffers): 6,000 matches read ~5,800 pages, 60–170 ms. The same postings read
 * from this index are a few dozen adjacent leaf pages (~4 ms), with no heap access once
 * vacuumed. Common stems, never scored by BM25 (their postings are over every budget), are
 * left out: they hold three quarters of all postings.
 *
 * Invariant (what makes the scoring exact): a stem has a row for every sentence holding it
 * when stem_counts.docs ≤ POSTINGS_CAP and it is at most POSTING_STEM_MAX characters long,
 * and no row otherwise. Articles are only ever added, so a stem's count only grows: it
 * crosses the cap once, and its rows are deleted then.
 */

/**
 * Stems in at most this many sentences have postings. Changing it needs a migration that
 * refills the table (rows were written under the old cap); the exact query is used only
 * while every word's count is within it (RETRIEVAL.exactBudget ≤ this keeps it always).
 */
export const POSTINGS_CAP = 6_000;

/** Longer stems (hostile input) are left to the GIN index: a B-tree entry must fit a third of a page. */
export const POSTING_STEM_MAX = 200;

/**
 * Fills the postings of the sentences matching `where` (a condition on `s`, the sentences
 * table, with `params`) for their stems within the cap, in stem order (so the heap, read
 * before a vacuum marks it all-visible, is in index order too). Sentences already there are
 * skipped: re-running it writes nothing twice.
 */
export function fillPostingsSql(where: string): string {
  return `
    INSERT INTO sentence_postings (stem, sentence_id, tf, tokens)
    SELECT x.stem, s.id, count(*), s.tokens
    FROM sentences s CROSS JOIN LATERAL unnest(string_to_array(s.stems, ' ')) AS x (stem)
    JOIN stem_counts c ON c.stem = x.stem AND c.docs <= ${POSTINGS_CAP} AND length(x.stem) <= ${POSTING_STEM_MAX}
    WHERE ${where}
    GROUP BY x.stem, s.id, s.tokens
    ORDER BY x.stem, s.id
    ON CONFLICT DO NOTHING`;
}

/**
 * The table and its covering index (the index is dropped during a bulk load and made again
 * after it). No foreign key to sentences: the store never deletes articles or sentences (as
 * stem_counts is never lowered), and a cascade would need a second index as large as this one.
 */
export const POSTINGS_TABLE_SQL = `
  CREATE TABLE sentence_postings (
    sentence_id BIGINT NOT NULL,
    tf INTEGER NOT NULL,
    tokens INTEGER NOT NULL,
    stem TEXT NOT NULL
  );`;
export const POSTINGS_INDEX_SQL = 'CREATE UNIQUE INDEX sentence_postings_stem ON sentence_postings (stem, sentence_id) INCLUDE (tf, tokens)';

/**
 * After sentences were added and stem_counts raised by them (same transaction): postings for
 * the new sentences (`where` on `s`), and the rows of stems that went over the cap deleted.
 * `crossed` are those stems (their count before ≤ cap < after).
 */
export async function addPostings(client: pg.ClientBase, where: string, params: unknown[], crossed: string[]): Promise<void> {
  if (crossed.length) await client.query('DELETE FROM sentence_postings WHERE stem = ANY($1::text[])', [crossed]);
  await client.query(fillPostingsSql(where), params);
}
