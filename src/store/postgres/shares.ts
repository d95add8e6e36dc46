import type pg from 'pg';
import type { ShareStore } from '../store.js';
import type { PgMigration } from './migration.js';

/** Version 300 as in the SQLite store: answers waiting for a "Share to channel" click. */
export const PG_SHARE_MIGRATIONS: PgMigration[] = [
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

export function createPgShareStore(pool: pg.Pool): ShareStore {
  return {
    async put(key, payload, now, expiresAt) {
      // Expired entries go when a new one is kept (one round trip): nothing else needs to sweep the table.
      await pool.query(
        `WITH pruned AS (DELETE FROM shares WHERE expires_at <= $4 AND key <> $1)
         INSERT INTO shares (key, payload, expires_at) VALUES ($1, $2, $3)
         ON CONFLICT (key) DO UPDATE SET payload = EXCLUDED.payload, expires_at = EXCLUDED.expires_at, shared_at = NULL`,
        [key, payload, expiresAt.toISOString(), now.toISOString()],
      );
    },
    async get(key, now) {
      const r = await pool.query<{ payload: string; shared_at: string | null }>('SELECT payload, shared_at FROM shares WHERE key = $1 AND expires_at > $2', [
        key,
        now.toISOString(),
      ]);
      const row = r.rows[0];
      return row ? { payload: row.payload, sharedAt: row.shared_at ?? undefined } : undefined;
    },
    async markShared(key, now) {
      const at = now.toISOString();
      const r = await pool.query('UPDATE shares SET shared_at = $1 WHERE key = $2 AND shared_at IS NULL AND expires_at > $1', [at, key]);
      return r.rowCount === 1;
    },
    async unmarkShared(key) {
      await pool.query('UPDATE shares SET shared_at = NULL WHERE key = $1', [key]);
    },
  };
}
