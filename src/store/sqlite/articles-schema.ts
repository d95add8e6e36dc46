import type { Migration } from './migration.js';

/**
 * Articles and their sentences. Sentences are indexed with FTS5 (porter stemming)
 * for retrieval; each row also carries the answer kinds computed at ingest, and
 * each article its summary, so answering and briefing read, never re-analyse.
 */
export const ARTICLE_MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'articles and sentences',
    sql: `
      CREATE TABLE articles (
        id INTEGER PRIMARY KEY,
        title TEXT NOT NULL,
        source TEXT NOT NULL,
        url TEXT UNIQUE,
        published_at TEXT NOT NULL,
        published_at_source TEXT NOT NULL,
        language TEXT,
        body TEXT NOT NULL,
        content_hash TEXT NOT NULL UNIQUE,
        ingested_at TEXT NOT NULL,
        summary_json TEXT NOT NULL
      );
      CREATE INDEX articles_published_at ON articles (published_at);
      CREATE TABLE sentences (
        id INTEGER PRIMARY KEY,
        article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
        idx INTEGER NOT NULL,
        text TEXT NOT NULL,
        kinds INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX sentences_article ON sentences (article_id, idx);
      CREATE VIRTUAL TABLE sentences_fts USING fts5 (text, content = 'sentences', content_rowid = 'id', tokenize = 'porter unicode61');
      CREATE VIRTUAL TABLE sentences_vocab USING fts5vocab (sentences_fts, 'row');
    `,
  },
  {
    version: 2,
    name: 'story features per article (src/briefing/story-features.ts)',
    // Rows stored before it keep NULL: briefs compute their features from the summary, as before.
    sql: 'ALTER TABLE articles ADD COLUMN story TEXT;',
  },
];
