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
  if (err instanceof StoreUnavailableError) return err; // already said, by the pool's own translation
  const where = describePostgresUrl(url);
  const code = (err as { code?: string }).code;
  const message = errorMessage(err);
  if ((code && UNREACHABLE.has(code)) || /timeout|terminated/i.test(message)) {
    return new StoreUnavailableError(`cannot reach PostgreSQL at ${where} (${code ?? message})`, { cause: err });
  }
  // The server answered but refused: a missing database, a bad password, too many clients.
  return new StoreUnavailableError(`PostgreSQL at ${where} refused the connection: ${message}`, { cause: err });
}

/**
 * Whether an error says the server is gone, restarting or unreachable (a refused or dropped
 * connection, SQLSTATE class 08, an admin shutdown) rather than that a query was wrong.
 */
export function isConnectionError(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && (UNREACHABLE.has(code) || /^08/.test(code) || /^57P0[123]$/.test(code))) return true;
  return /connection terminated|timeout exceeded when trying to connect|connection error|not queryable|ECONNREFUSED|ECONNRESET/i.test(errorMessage(err));
}

/** A pool for the URL; connection attempts give up after `connectTimeoutMs` instead of hanging. */
export function createPool(url: string, opts: { max?: number; connectTimeoutMs?: number } = {}): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max: opts.max ?? 10, connectionTimeoutMillis: opts.connectTimeoutMs ?? 5_000 });
  // An idle connection dropped by the server (restart, failover) is replaced on next use; without
  // a listener node-postgres would crash the process with it.
  pool.on('error', () => {});
  return translateOutages(pool, url);
}

/**
 * Makes every query (through the pool or a checked-out client) fail with one
 * StoreUnavailableError while the server cannot be reached, so callers tell users "try again
 * shortly" and keep their retries, instead of showing a driver error. The pool itself opens
 * new connections on demand: it reconnects by itself once the server is back.
 */
function translateOutages(pool: pg.Pool, url: string): pg.Pool {
  const translate = (err: unknown) => (isConnectionError(err) ? unavailable(url, err) : err);
  // Promise calls are translated; callback calls (node-postgres's own, inside the pool) pass through.
  const translated = (call: (...args: unknown[]) => unknown) => (...args: unknown[]) =>
    typeof args[args.length - 1] === 'function'
      ? call(...args)
      : (call(...args) as Promise<unknown>).catch((err: unknown) => {
          throw translate(err);
        });
  const guarded = new WeakSet<pg.PoolClient>();
  pool.query = translated(pool.query.bind(pool) as (...args: unknown[]) => unknown) as typeof pool.query;
  const connect = pool.connect.bind(pool) as (cb?: unknown) => Promise<pg.PoolClient>;
  pool.connect = ((cb?: unknown) => (typeof cb === 'function' ? connect(cb) : checkout())) as typeof pool.connect;
  // pool.query checks out through the callback form above (its errors are translated by the query wrapper).
  async function checkout(): Promise<pg.PoolClient> {
    let client: pg.PoolClient;
    try {
      client = await connect();
    } catch (err) {
      throw translate(err);
    }
    if (!guarded.has(client)) {
      guarded.add(client);
      client.query = translated(client.query.bind(client) as (...args: unknown[]) => unknown) as typeof client.query;
    }
    return client;
  }
  return pool;
}
