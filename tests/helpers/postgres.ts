import pg from 'pg';
import { createScratchDatabase, type ScratchDatabase } from '../../src/store/postgres/scratch.js';
import { describeNeeding } from './ci.js';

/**
 * The real PostgreSQL the tests run against: BRIEFBOT_TEST_DATABASE_URL, or the
 * development and CI machines' server (trust authentication, user postgres). Each
 * test run creates its own database and drops it afterwards.
 */
export const TEST_DATABASE_URL = process.env.BRIEFBOT_TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';

let reachable: Promise<string | undefined> | undefined;
/** undefined when the server answers; otherwise why not, in one line. */
export function postgresProblem(): Promise<string | undefined> {
  reachable ??= (async () => {
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 3_000 });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return undefined;
    } catch (err) {
      const u = new URL(TEST_DATABASE_URL);
      return `PostgreSQL at ${u.hostname}:${u.port || 5432} is unreachable (${(err as { code?: string }).code ?? (err as Error).message})`;
    } finally {
      await client.end().catch(() => {});
    }
  })();
  return reachable;
}

export type TestDatabase = ScratchDatabase;

/** A fresh, empty database named briefbot_test_<random> on the test server; drop() it afterwards. */
export function createTestDatabase(): Promise<TestDatabase> {
  return createScratchDatabase(TEST_DATABASE_URL, 'briefbot_test');
}

/**
 * A describe block for tests that need PostgreSQL. Without a server they skip, saying
 * how to point them at one; in CI (CI=true) they fail instead, with the one-line reason.
 */
export async function describePostgres(name: string, fn: () => void): Promise<void> {
  const problem = await postgresProblem();
  describeNeeding(name, 'PostgreSQL', problem && `${problem}; set BRIEFBOT_TEST_DATABASE_URL to a server to run it`, fn);
}
