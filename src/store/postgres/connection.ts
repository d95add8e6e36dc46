import pg from 'pg';
import { errorMessage } from '../../errors.js';
import { StoreUnavailableError } from '../errors.js';

/** True for the URLs that select PostgreSQL (the usual DATABASE_URL schemes). */
export function isPostgresUrl(url: string): boolean {
  return /^postgres(?:ql)?:\/\//i.test(url);
}

/** host:port/database of a PostgreSQL URL, for messages: never the user or password. */
export function describePostgresUrl(url: string): string {
  try {
    const u = new URL(url);
    const host = u.hostname || 'localhost';
    return `${host}:${u.port || '5432'}${u.pathname && u.pathname !== '/' ? u.pathname : ''}`;
  } catch {
    return 'the configured server';
  }
}

const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET']);

/** One line saying what went wrong reaching the server, naming host and port, never the password. */
export function unavailable(url: string, err: unknown): StoreUnavailableError {
  const where = describePostgresUrl(url);
  const code = (err as { code?: string }).code;
  const message = errorMessage(err);
  if ((code && UNREACHABLE.has(code)) || /timeout|terminated/i.test(message)) {
    return new StoreUnavailableError(`cannot reach PostgreSQL at ${where} (${code ?? message})`, { cause: err });
  }
  // The server answered but refused: a missing database, a bad password, too many clients.
  return new StoreUnavailableError(`PostgreSQL at ${where} refused the connection: ${message}`, { cause: err });
}

/** A pool for the URL; connection attempts give up after `connectTimeoutMs` instead of hanging. */
export function createPool(url: string, opts: { max?: number; connectTimeoutMs?: number } = {}): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max: opts.max ?? 10, connectionTimeoutMillis: opts.connectTimeoutMs ?? 5_000 });
  // An idle connection dropped by the server (restart, failover) is replaced on next use; without
  // a listener node-postgres would crash the process with it.
  pool.on('error', () => {});
  return pool;
}
