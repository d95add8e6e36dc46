/**
 * Two processes on one store race to claim the same 20,000 deliveries. Each delivery
 * failed once before (retryable), so both see it as free to take: only the claim's
 * read-then-write as one atomic step (a write transaction on SQLite, one conditional
 * upsert on PostgreSQL) keeps a second process from taking it as well. Exactly one
 * process must win each key.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../src/store/open.js';
import { createTestDatabase, describePostgres, type TestDatabase } from './helpers/postgres.js';

const ROOT = new URL('..', import.meta.url).pathname;
const KEYS = 20_000;
const SEEDED_AT = new Date('2026-12-01T06:59:00Z');

/** Starts a claimer and resolves once its store is open. */
async function claimer(location: string, owner: string, slot: string): Promise<{ child: ChildProcess; next: () => Promise<string> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'tests/helpers/ledger-claimer.ts', location, owner, String(KEYS), slot], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const next = async () => {
    const r = await lines.next();
    if (r.done) throw new Error(`claimer ${owner} ended without answering`);
    return r.value;
  };
  expect(await next()).toBe('ready');
  return { child, next };
}

/**
 * Seeds key 0 through the store (claimed, then failed retryably), copies that row to the
 * other 19,999 keys in one statement (a commit per key through the API would dominate the
 * test), races two claimers, and checks every key was won exactly once.
 */
async function race(location: { dbPath: string; databaseUrl?: string }, copyRow: (slot: string) => Promise<void>): Promise<void> {
  const store = await openStore(location);
  const where = location.databaseUrl ?? location.dbPath;
  // SQLite's lock is not fair: a process can occasionally finish every claim before the other
  // gets in, and then nothing raced. Such a round proves nothing, so race again (at most three
  // rounds); every round must be free of doubles, and one must have been a real race.
  let raced = false;
  for (let round = 0; round < 3 && !raced; round++) {
    const slot = `2026-12-01T07:0${round}:00.000Z`;
    const key0 = { brief: 'morning', slot, target: 'slack:C0' };
    expect(await store.deliveries.claim(key0, 'seed', SEEDED_AT, 300_000)).toBe(true);
    await store.deliveries.fail(key0, 'slack_http_503: Slack answered HTTP 503', false, SEEDED_AT);
    expect(await store.deliveries.get(key0)).toMatchObject({ status: 'failed', final: false, attempts: 1 });
    await copyRow(slot);
    expect(await store.deliveries.forSlot('morning', slot)).toHaveLength(KEYS);

    const a = await claimer(where, 'instance-a', slot);
    const b = await claimer(where, 'instance-b', slot);
    a.child.stdin!.write('go\n');
    b.child.stdin!.write('go\n');
    const [wonA, wonB] = (await Promise.all([a.next(), b.next()])).map((l) => JSON.parse(l) as number[]);
    a.child.stdin!.end();
    b.child.stdin!.end();

    const setB = new Set(wonB);
    expect(wonA.filter((i) => setB.has(i))).toEqual([]);
    expect(wonA.length + wonB.length).toBe(KEYS);
    const rows = await store.deliveries.forSlot('morning', slot);
    expect(rows).toHaveLength(KEYS);
    expect(rows.every((r) => r.status === 'claimed' && r.attempts === 2)).toBe(true);
    expect(rows.filter((r) => r.owner === 'instance-a')).toHaveLength(wonA.length);
    raced = wonA.length > 0 && wonB.length > 0;
  }
  expect(raced).toBe(true);
  await store.close();
}

describe('delivery ledger under a two-process race (SQLite)', () => {
  let dir: string;
  beforeAll(() => {
    // The race is about locking, not the disk: a memory-backed directory, where there is
    // one, keeps 40,000 commits from queueing behind other I/O.
    dir = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'briefbot-race-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(`claims each of ${KEYS.toLocaleString('en')} keys exactly once across two processes on one file`, async () => {
    const db = join(dir, 'race.db');
    await race({ dbPath: db }, async (slot) => {
      const raw = new Database(db);
      raw
        .prepare(
          `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
           INSERT INTO deliveries (brief, slot, target, status, attempts, late, final, error, owner, lease_until, updated_at)
           SELECT d.brief, d.slot, 'slack:C' || n.i, d.status, d.attempts, d.late, d.final, d.error, d.owner, d.lease_until, d.updated_at
           FROM deliveries d, n WHERE d.target = 'slack:C0' AND d.slot = ?`,
        )
        .run(KEYS - 1, slot);
      raw.close();
    });
  }, 300_000);
});

await describePostgres('delivery ledger under a two-process race (PostgreSQL)', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db?.drop());

  it(`claims each of ${KEYS.toLocaleString('en')} keys exactly once across two processes on one database`, async () => {
    await race({ dbPath: '', databaseUrl: db.url }, async (slot) => {
      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      await client.query(
        `INSERT INTO deliveries (brief, slot, target, status, attempts, late, final, error, owner, lease_until, updated_at)
         SELECT d.brief, d.slot, 'slack:C' || n, d.status, d.attempts, d.late, d.final, d.error, d.owner, d.lease_until, d.updated_at
         FROM deliveries d, generate_series(1, $1::int) AS n WHERE d.target = 'slack:C0' AND d.slot = $2`,
        [KEYS - 1, slot],
      );
      await client.end();
    });
  }, 300_000);
});
