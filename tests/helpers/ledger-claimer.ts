/**
 * A child process for the ledger race (tests/ledger-race.test.ts): opens the store (a
 * SQLite file, or PostgreSQL when given a postgres:// URL), says "ready", waits for "go"
 * on stdin, claims every key it is told to, and prints the indices it won as one JSON line.
 */
import { createInterface } from 'node:readline';
import { openStore } from '../../src/store/open.js';

const [location, owner, countText, slotArg] = process.argv.slice(2);
const slot = slotArg ?? '2026-12-01T07:00:00.000Z';
const count = Number(countText);
const store = await openStore(location.startsWith('postgres') ? { dbPath: '', databaseUrl: location } : { dbPath: location });
const lines = createInterface({ input: process.stdin });
process.stdout.write('ready\n');
for await (const line of lines) {
  if (line.trim() !== 'go') continue;
  const won: number[] = [];
  const now = new Date('2026-12-01T07:00:00Z');
  // Each claimer takes the keys in an order of its own: in the same order, the one that got
  // 'go' a moment earlier stays ahead and the other only meets keys already taken (on a fast
  // machine, every time), so no key is ever contested while both are free to take it.
  const order = shuffled(count, owner);
  // Eight claims in flight, as a busy scheduler would have: on PostgreSQL they use several
  // pooled connections (and the test is not bound by one round trip at a time).
  let next = 0;
  const worker = async () => {
    for (let k = next++; k < count; k = next++) {
      const i = order[k];
      if (await store.deliveries.claim({ brief: 'morning', slot, target: `slack:C${i}` }, owner, now, 300_000)) won.push(i);
      // A scheduler does other work between claims; a tight loop would hold SQLite's lock
      // back to back and starve the other process, and then there would be no race to test.
      await new Promise((r) => setImmediate(r));
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  process.stdout.write(`${JSON.stringify(won)}\n`);
  break;
}
await store.close();
lines.close();

/** 0…n−1 in an order fixed by `seed` (Fisher–Yates over a 32-bit xorshift). */
function shuffled(n: number, seed: string): number[] {
  let x = 2166136261;
  for (const c of seed) x = Math.imul(x ^ c.charCodeAt(0), 16777619) >>> 0;
  const rand = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 2 ** 32;
  };
  const out = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
