/**
 * A child process that takes SQLite's write lock on a database and holds it (for
 * tests/faults.test.ts): BEGIN IMMEDIATE, a write, "locked" on stdout, then COMMIT
 * after the given milliseconds and "released".
 */
import Database from 'better-sqlite3';

const [path, holdText] = process.argv.slice(2);
const db = new Database(path);
db.pragma('busy_timeout = 60000');
db.exec('BEGIN IMMEDIATE');
db.prepare('INSERT INTO run_locks (key, expires_at) VALUES (?, ?)').run(`locker:${process.pid}`, Date.now());
process.stdout.write('locked\n');
setTimeout(() => {
  db.exec('COMMIT');
  db.close();
  process.stdout.write('released\n');
}, Number(holdText));
