import { setTimeout as sleep } from 'node:timers/promises';
import { BriefbotError } from '../../errors.js';

/**
 * Another process holding the write lock (a long migration, a backup, a stuck bot) must
 * not fail our writes, nor freeze this process: better-sqlite3 waits synchronously, so
 * its own busy_timeout stays short and the longer wait happens here, between attempts,
 * with the event loop free to answer commands. Each store method is one statement or one
 * transaction, so trying it again from the start is safe.
 */
export interface GuardOptions {
  /** The database file, named in every error. */
  path: string;
  /** How long to keep retrying a locked database before giving up (default 60 s). */
  busyBudgetMs?: number;
}

const BUSY = /^SQLITE_(?:BUSY|LOCKED)/;

/** Wraps every method of a store object: retries while the database is locked, and names the file when a write fails. */
export function guardStore<T extends object>(target: T, opts: GuardOptions): T {
  const budget = opts.busyBudgetMs ?? 60_000;
  return new Proxy(target, {
    get(t, prop) {
      const value = Reflect.get(t, prop, t) as unknown;
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        const started = Date.now();
        for (;;) {
          try {
            return await (value as (...a: unknown[]) => unknown).apply(t, args);
          } catch (err) {
            const code = (err as { code?: unknown }).code;
            if (typeof code === 'string' && BUSY.test(code) && Date.now() - started < budget) {
              // Short random waits, not a growing back-off: a process that backed off for
              // seconds would lose every race for the lock to one that writes continuously.
              await sleep(10 + Math.random() * 40);
              continue;
            }
            throw describeSqliteError(err, opts.path, budget);
          }
        }
      };
    },
  });
}

/** SQLite's own messages ("database or disk is full") do not say which file: ours do, and say what to do. */
export function describeSqliteError(err: unknown, path: string, budgetMs: number): unknown {
  const code = (err as { code?: unknown }).code;
  if (typeof code !== 'string' || !code.startsWith('SQLITE_')) return err;
  if (code === 'SQLITE_FULL') {
    return new BriefbotError('disk_full', `${path}: the disk is full (${code}); this write was rolled back. Free some space and try again.`, { retryable: true, cause: err });
  }
  if (BUSY.test(code)) {
    return new BriefbotError('store_busy', `${path}: still locked by another process after ${Math.round(budgetMs / 1000)} s (${code}); try again later.`, { retryable: true, cause: err });
  }
  if (code.startsWith('SQLITE_IOERR') || code === 'SQLITE_CANTOPEN' || code === 'SQLITE_READONLY') {
    return new BriefbotError('store_io', `${path}: cannot write the database (${code}: ${(err as Error).message}).`, { retryable: true, cause: err });
  }
  return err;
}
