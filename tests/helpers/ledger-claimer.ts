/**
 * A child process for the ledger race (tests/ledger-race.test.ts): opens the SQLite
 * store, says "ready", waits for "go" on stdin, claims every key it is told to, and
 * prints the indices it won as one JSON line.
 */
import { createInterface } from 'node:readline';
import { openSqliteStore } from '../../src/store/sqlite/index.js';

const [dbPath, owner, countText] = process.argv.slice(2);
const count = Number(countText);
const store = openSqliteStore(dbPath);
const lines = createInterface({ input: process.stdin });
process.stdout.write('ready\n');
for await (const line of lines) {
  if (line.trim() !== 'go') continue;
  const won: number[] = [];
  const now = new Date('2026-12-01T07:00:00Z');
  for (let i = 0; i < count; i++) {
    if (await store.deliveries.claim({ brief: 'morning', slot: '2026-12-01T07:00:00.000Z', target: `slack:C${i}` }, owner, now, 300_000)) won.push(i);
  }
  process.stdout.write(`${JSON.stringify(won)}\n`);
  break;
}
await store.close();
lines.close();
