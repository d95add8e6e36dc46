import type pg from 'pg';
import type { ConversationStore } from '../store.js';
import type { PgMigration } from './migration.js';

/** Version 200 as in the SQLite store: conversations follow articles (1–99) and scheduling (100+). */
export const PG_CONVERSATION_MIGRATIONS: PgMigration[] = [
  {
    version: 200,
    name: 'conversations',
    sql: `
      CREATE TABLE conversations (
        key TEXT PRIMARY KEY,
        article_id BIGINT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
        updated_at TEXT NOT NULL
      );
      CREATE INDEX conversations_updated_at ON conversations (updated_at);
    `,
  },
];

export function createPgConversationStore(pool: pg.Pool): ConversationStore {
  return {
    async lastArticle(key, since) {
      const r = await pool.query<{ article_id: string }>('SELECT article_id FROM conversations WHERE key = $1 AND updated_at >= $2', [key, since.toISOString()]);
      return r.rows[0] ? Number(r.rows[0].article_id) : undefined;
    },
    async remember(key, articleId, at) {
      await pool.query(
        `INSERT INTO conversations (key, article_id, updated_at) VALUES ($1, $2, $3)
         ON CONFLICT (key) DO UPDATE SET article_id = EXCLUDED.article_id, updated_at = EXCLUDED.updated_at`,
        [key, articleId, at.toISOString()],
      );
    },
    async forget(before) {
      await pool.query('DELETE FROM conversations WHERE updated_at < $1', [before.toISOString()]);
    },
  };
}
