import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';
import { openStore } from '../src/store/open.js';
import { startBot } from './helpers/bot-process.js';
import { createTestDatabase, describePostgres } from './helpers/postgres.js';

/** A local port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

describe('choosing the store', () => {
  it('DATABASE_URL takes postgres:// and postgresql:// URLs; anything else is named without repeating the value', () => {
    expect(loadConfig({}).databaseUrl).toBeUndefined();
    expect(loadConfig({ DATABASE_URL: 'postgres://bot:pw@db:5432/briefbot' }).databaseUrl).toBe('postgres://bot:pw@db:5432/briefbot');
    expect(loadConfig({ DATABASE_URL: 'postgresql://db/briefbot' }).databaseUrl).toBe('postgresql://db/briefbot');
    for (const bad of ['mysql://bot:s3cret@db/briefbot', 'db.internal:5432', 'postgres//bot:s3cret@db']) {
      try {
        loadConfig({ DATABASE_URL: bad });
        expect.unreachable();
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        expect((err as ConfigError).problems).toEqual([
          'DATABASE_URL: is not a postgres:// or postgresql:// URL (e.g. postgres://briefbot:secret@db.internal:5432/briefbot)',
        ]);
      }
    }
  });

  it('npm start with an unreachable server: one line naming host and port, no password, no stack, exit 1', async () => {
    const port = await closedPort();
    const bot = startBot('unreachable', { DATABASE_URL: `postgres://bot:s3cret-pw@127.0.0.1:${port}/briefbot` });
    expect(await bot.exited).toBe(1);
    expect(bot.log()).toBe(`briefbot: could not start: cannot reach PostgreSQL at 127.0.0.1:${port}/briefbot (ECONNREFUSED)\n`);
  });
});

await describePostgres('choosing the store: PostgreSQL', () => {
  it('npm start with DATABASE_URL: migrates a fresh database, loads the samples into it, names the server without the password', async () => {
    const db = await createTestDatabase();
    const briefs = mkdtempSync(join(tmpdir(), 'briefbot-nobriefs-'));
    const url = db.url.replace('postgres@', 'postgres:top-secret-pw@');
    const bot = startBot('postgres', { DATABASE_URL: url, BRIEFBOT_BRIEFS_DIR: briefs, BRIEFBOT_DB: join(briefs, 'never-created.db') });
    try {
      await bot.waitForLog(/started: running until SIGTERM/);
      expect(bot.log()).toMatch(/store was empty: loaded \d+ sample articles/);
      expect(bot.log()).toContain(`store: PostgreSQL at 127.0.0.1:5432/${db.name}`);
      expect(bot.log()).not.toContain('top-secret-pw');
      expect(await bot.stop()).toBe(0);
      const store = await openStore({ dbPath: join(briefs, 'never-created.db'), databaseUrl: db.url });
      expect(await store.articles.count()).toBeGreaterThan(0);
      await store.close();
      expect(existsSync(join(briefs, 'never-created.db'))).toBe(false);
    } finally {
      await bot.kill();
      rmSync(briefs, { recursive: true, force: true });
      await db.drop();
    }
  });

  it('openStore opens PostgreSQL for a DATABASE_URL and SQLite without one', async () => {
    const db = await createTestDatabase();
    try {
      const store = await openStore({ dbPath: '/nonexistent/never/created.db', databaseUrl: db.url });
      expect(await store.ping()).toBe(true);
      expect(await store.articles.count()).toBe(0);
      await store.close();
    } finally {
      await db.drop();
    }
  });
});
