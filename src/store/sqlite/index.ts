import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Store } from '../store.js';
import { migrate } from './migration.js';
import { ARTICLE_MIGRATIONS } from './articles-schema.js';
import { SqliteArticleStore } from './articles.js';
import { SCHEDULE_MIGRATIONS, createScheduleStores } from './schedule.js';

/** Opens (creating if needed) the SQLite store at `path` and brings its schema up to date. */
export function openSqliteStore(path: string): Store {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  // WAL lets two bot processes share one file; busy_timeout makes them wait instead of failing.
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  db.pragma('synchronous = NORMAL');
  migrate(db, [...ARTICLE_MIGRATIONS, ...SCHEDULE_MIGRATIONS]);
  const schedule = createScheduleStores(db);
  return {
    articles: new SqliteArticleStore(db),
    ...schedule,
    async ping() {
      try {
        return db.prepare('SELECT 1 AS ok').get() !== undefined;
      } catch {
        return false;
      }
    },
    async close() {
      if (db.open) db.close();
    },
  };
}
