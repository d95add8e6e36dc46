import type pg from 'pg';

export interface PgMigration {
  version: number;
  name: string;
  sql: string;
}

/** Any fixed number: the advisory lock that makes concurrent start-ups migrate one after the other. */
const MIGRATION_LOCK = 7_263_001;

/**
 * Applies, in one transaction each, every migration not yet recorded, holding an
 * advisory lock: two processes starting together on a fresh database migrate once,
 * the second waits and finds everything applied. Returns the versions it applied.
 */
export async function migrate(pool: pg.Pool, migrations: PgMigration[]): Promise<number[]> {
  const client = await pool.connect();
  const done: number[] = [];
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
      const applied = new Set((await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version));
      for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
        if (applied.has(m.version)) continue;
        await client.query('BEGIN');
        try {
          await client.query(m.sql);
          await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [m.version, m.name, new Date().toISOString()]);
          await client.query('COMMIT');
        } catch (err) {
          await client.query('ROLLBACK');
          throw err;
        }
        done.push(m.version);
      }
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  } finally {
    client.release();
  }
  return done;
}
