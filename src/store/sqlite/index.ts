import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Store } from '../store.js';
import { migrate } from './migration.js';
import { ARTICLE_MIGRATIONS } from './articles-schema.js';
import { SqliteArticleStore } from './articles.js';
import { SCHEDULE_MIGRATIONS, createScheduleStores } from './schedule.js';
import { CONVERSATION_MIGRATIONS, createConversationStore } from './conversations.js';
import { guardStore } from './guard.js';
import { SHARE_MIGRATIONS, createShareStore } from './shares.js';

/** Opens (creating if needed) the SQLite store at `path` and brings its schema up to date. */
export function openSqliteStore(path: string): Store {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  // WAL lets two bot processes share one file. Opening may wait out another process's
  // write (a migration, a backup); after that, busy_timeout stays short because it blocks
  // the event loop, and guardStore waits for locks between attempts instead.
  db.pragma('busy_timeout = 60000');
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.pragma('synchronous = NORMAL');
  migrate(db, [...ARTICLE_MIGRATIONS, ...SCHEDULE_MIGRATIONS, ...CONVERSATION_MIGRATIONS, ...SHARE_MIGRATIONS]);
  db.pragma('busy_timeout = 50');
  const guard = <T extends object>(s: T): T => guardStore(s, { path });
  const schedule = createScheduleStores(db);
  return {
    articles: guard(new SqliteArticleStore(db)),
    conversations: guard(createConversationStore(db)),
    shares: guard(createShareStore(db)),
    subscriptions: guard(schedule.subscriptions),
    deliveries: guard(schedule.deliveries),
    sources: guard(schedule.sources),
    coordination: guard(schedule.coordination),
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
