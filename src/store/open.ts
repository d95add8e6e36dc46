import { isPostgresUrl, openPostgresStore } from './postgres/index.js';
import { openSqliteStore } from './sqlite/index.js';
import type { Store } from './store.js';

/** Where the store lives: PostgreSQL when a database URL is given, else the SQLite file at `dbPath`. */
export interface StoreLocation {
  dbPath: string;
  databaseUrl?: string;
}

/** Opens the configured store and brings its schema up to date; every entry point opens through here. */
export async function openStore(location: StoreLocation): Promise<Store> {
  if (location.databaseUrl && isPostgresUrl(location.databaseUrl)) return openPostgresStore(location.databaseUrl);
  return openSqliteStore(location.dbPath);
}
