import type Database from 'better-sqlite3';
import type { ConversationStore } from '../store.js';
import type { Migration } from './migration.js';

export const CONVERSATION_MIGRATIONS: Migration[] = [
  {
    version: 200,
    name: 'conversations',
    sql: `
      CREATE TABLE conversations (
        key TEXT PRIMARY KEY,
        article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
        updated_at TEXT NOT NULL
      );
      CREATE INDEX conversations_updated_at ON conversations (updated_at);
    `,
  },
];

export function createConversationStore(db: Database.Database): ConversationStore {
  const stmts = {
    last: db.prepare('SELECT article_id FROM conversations WHERE key = ? AND updated_at >= ?').pluck(),
    remember: db.prepare(
      `INSERT INTO conversations (key, article_id, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET article_id = excluded.article_id, updated_at = excluded.updated_at`,
    ),
    forget: db.prepare('DELETE FROM conversations WHERE updated_at < ?'),
  };
  return {
    async lastArticle(key, since) {
      return (stmts.last.get(key, since.toISOString()) as number | undefined) ?? undefined;
    },
    async remember(key, articleId, at) {
      stmts.remember.run(key, articleId, at.toISOString());
    },
    async forget(before) {
      stmts.forget.run(before.toISOString());
    },
  };
}
