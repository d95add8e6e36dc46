/**
 * A child process that takes SQLite's write lock on a database and holds it (for
 * tests/faults.test.ts): BEGIN IMMEDIATE and a write, "locked" on stdout, then COMMIT
 * when told "release" on stdin, and "released".
 */
import { createInterface } from 'node:readline';
import Database from 'better-sqlite3';

const [path] = process.argv.slice(2);
const db = new Database(path);
db.pragma('busy_timeout = 60000');
db.exec('BEGIN IMMEDIATE');
db.prepare('INSERT INTO run_locks (key, expires_at) VALUES (?, ?)').run(`locker:${process.pid}`, Date.now());
process.stdout.write('locked\n');
const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  if (line.trim() !== 'release') continue;
  db.exec('COMMIT');
  db.close();
  process.stdout.write('released\n');
  break;
}
lines.close();
