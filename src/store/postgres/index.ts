import type { Store } from '../store.js';
import { PgArticleStore } from './articles.js';
import { createPool, unavailable } from './connection.js';
import { migrate } from './migration.js';
import { createPgScheduleStores } from './schedule.js';
import { PG_MIGRATIONS } from './schema.js';
import { PG_CONVERSATION_MIGRATIONS, createPgConversationStore } from './conversations.js';
import { PG_SHARE_MIGRATIONS, createPgShareStore } from './shares.js';

export { describePostgresUrl, isPostgresUrl } from './connection.js';

/**
 * Opens the PostgreSQL store at `url` (a pool of connections) and brings its schema up
 * to date under an advisory lock. An unreachable or refusing server is one
 * StoreUnavailableError naming host and port.
 */
export async function openPostgresStore(url: string, opts: { maxConnections?: number } = {}): Promise<Store> {
  const pool = createPool(url, { max: opts.maxConnections });
  try {
    await migrate(pool, [...PG_MIGRATIONS, ...PG_CONVERSATION_MIGRATIONS, ...PG_SHARE_MIGRATIONS]);
  } catch (err) {
    await pool.end().catch(() => {});
    // A server that answered and then failed a migration is a bug to see in full, not "unavailable".
    if ((err as { code?: string }).code?.match(/^(?:42|23)/)) throw err;
    throw unavailable(url, err);
  }
  let closed = false;
  return {
    articles: new PgArticleStore(pool),
    conversations: createPgConversationStore(pool),
    shares: createPgShareStore(pool),
    ...createPgScheduleStores(pool),
    async ping() {
      try {
        await pool.query('SELECT 1');
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}
