import type { Store } from './store.js';
import { openSqliteStore } from './sqlite/index.js';

/** Where the store lives: the SQLite file at `dbPath` unless a database URL is given. */
export interface StoreLocation {
  dbPath: string;
  databaseUrl?: string;
}

/** Opens the configured store and brings its schema up to date; every entry point opens through here. */
export async function openStore(location: StoreLocation): Promise<Store> {
  return openSqliteStore(location.dbPath);
}
