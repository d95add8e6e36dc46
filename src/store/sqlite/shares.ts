import type Database from 'better-sqlite3';
import type { ShareStore } from '../store.js';
import type { Migration } from './migration.js';

/** Version 300: answers waiting for a "Share to channel" click (after articles 1–99, scheduling 100+, conversations 200). */
export const SHARE_MIGRATIONS: Migration[] = [
  {
    version: 300,
    name: 'answers offered for sharing',
    sql: `
      CREATE TABLE shares (
        key TEXT PRIMARY KEY,
        payload TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        shared_at TEXT
      );
      CREATE INDEX shares_expires_at ON shares (expires_at);
    `,
  },
];

export function createShareStore(db: Database.Database): ShareStore {
  const stmts = {
    prune: db.prepare('DELETE FROM shares WHERE expires_at <= ?'),
    put: db.prepare(
      `INSERT INTO shares (key, payload, expires_at) VALUES (?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET payload = excluded.payload, expires_at = excluded.expires_at, shared_at = NULL`,
    ),
    get: db.prepare('SELECT payload, shared_at FROM shares WHERE key = ? AND expires_at > ?'),
    mark: db.prepare('UPDATE shares SET shared_at = ? WHERE key = ? AND shared_at IS NULL AND expires_at > ?'),
    unmark: db.prepare('UPDATE shares SET shared_at = NULL WHERE key = ?'),
  };
  // Expired entries go when a new one is kept: nothing else needs to sweep the table.
  const put = db.transaction((key: string, payload: string, now: string, expiresAt: string) => {
    stmts.prune.run(now);
    stmts.put.run(key, payload, expiresAt);
  });
  return {
    async put(key, payload, now, expiresAt) {
      put.immediate(key, payload, now.toISOString(), expiresAt.toISOString());
    },
    async get(key, now) {
      const row = stmts.get.get(key, now.toISOString()) as { payload: string; shared_at: string | null } | undefined;
      return row ? { payload: row.payload, sharedAt: row.shared_at ?? undefined } : undefined;
    },
    async markShared(key, now) {
      const at = now.toISOString();
      return stmts.mark.run(at, key, at).changes > 0;
    },
    async unmarkShared(key) {
      stmts.unmark.run(key);
    },
  };
}
