/**
 * Two processes on one SQLite file race to claim the same 20,000 deliveries. Each
 * delivery failed once before (retryable), so both see it as free to take: only the
 * claim's read-then-write inside one write transaction keeps a second process from
 * taking it as well. Exactly one process must win each key.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../src/store/sqlite/index.js';

const ROOT = new URL('..', import.meta.url).pathname;
const KEYS = 20_000;
const SLOT = '2026-12-01T07:00:00.000Z';

let dir: string;
beforeAll(() => {
  // The race is about locking, not the disk: a memory-backed directory, where there is one, keeps
  // 40,000 commits from queueing behind other I/O.
  dir = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'briefbot-race-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Starts a claimer and resolves once its store is open. */
async function claimer(db: string, owner: string): Promise<{ child: ChildProcess; next: () => Promise<string> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'tests/helpers/ledger-claimer.ts', db, owner, String(KEYS)], {
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

describe('delivery ledger under a two-process race', () => {
  it(`claims each of ${KEYS.toLocaleString('en')} keys exactly once across two processes`, async () => {
    const db = join(dir, 'race.db');
    const store = openSqliteStore(db);
    await store.deliveries.claim({ brief: 'morning', slot: SLOT, target: 'slack:C0' }, 'seed', new Date('2026-12-01T06:59:00Z'), 300_000);
    await store.deliveries.fail({ brief: 'morning', slot: SLOT, target: 'slack:C0' }, 'slack_http_503: Slack answered HTTP 503', false, new Date('2026-12-01T06:59:00Z'));
    const seed = await store.deliveries.get({ brief: 'morning', slot: SLOT, target: 'slack:C0' });
    await store.close();
    // The other 19,999 copy that row in one transaction: seeding through the API costs a commit per key.
    const raw = new Database(db);
    const copy = raw.prepare(
      `INSERT INTO deliveries (brief, slot, target, status, attempts, late, final, error, owner, lease_until, updated_at)
       SELECT brief, slot, ?, status, attempts, late, final, error, owner, lease_until, updated_at FROM deliveries WHERE target = 'slack:C0'`,
    );
    raw.transaction(() => {
      for (let i = 1; i < KEYS; i++) copy.run(`slack:C${i}`);
    })();
    raw.close();
    expect(seed).toMatchObject({ status: 'failed', final: false, attempts: 1 });

    const a = await claimer(db, 'instance-a');
    const b = await claimer(db, 'instance-b');
    a.child.stdin!.write('go\n');
    b.child.stdin!.write('go\n');
    const [wonA, wonB] = (await Promise.all([a.next(), b.next()])).map((l) => JSON.parse(l) as number[]);
    a.child.stdin!.end();
    b.child.stdin!.end();

    const both = wonA.filter((i) => new Set(wonB).has(i));
    expect(both).toEqual([]);
    expect(wonA.length + wonB.length).toBe(KEYS);
    // The race was real: both processes won some keys.
    expect(wonA.length).toBeGreaterThan(0);
    expect(wonB.length).toBeGreaterThan(0);

    const after = openSqliteStore(db);
    const rows = await after.deliveries.forSlot('morning', SLOT);
    expect(rows).toHaveLength(KEYS);
    expect(rows.every((r) => r.status === 'claimed' && r.attempts === 2)).toBe(true);
    expect(rows.filter((r) => r.owner === 'instance-a')).toHaveLength(wonA.length);
    await after.close();
  }, 300_000);
});
