import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate } from '../src/store/sqlite/migration.js';
import { SCHEDULE_MIGRATIONS, createScheduleStores } from '../src/store/sqlite/schedule.js';
import type { Store, ArticleStore, ConversationStore, ShareStore } from '../src/store/store.js';
import type { Message } from '../src/messages/message.js';
import type { Logger } from '../src/logger.js';
import type { BriefDefinition } from '../src/briefing/definition.js';
import { afterEach } from 'vitest';

/** A temp dir holding real SQLite files; `open()` gives a Store over the schedule tables (articles are not used here). */
export function tempStores() {
  const dir = mkdtempSync(join(tmpdir(), 'briefbot-sched-'));
  const dbs: Database.Database[] = [];
  const file = join(dir, 'briefbot.db');
  return {
    dir,
    file,
    open(): Store {
      const db = new Database(file);
      db.pragma('journal_mode = WAL');
      db.pragma('busy_timeout = 5000');
      migrate(db, SCHEDULE_MIGRATIONS);
      dbs.push(db);
      const noArticles = new Proxy({} as ArticleStore, {
        get() {
          throw new Error('articles are not used in schedule tests');
        },
      });
      const noConversations = new Proxy({} as ConversationStore, {
        get() {
          throw new Error('conversations are not used in schedule tests');
        },
      });
      const noShares = new Proxy({} as ShareStore, {
        get() {
          throw new Error('shares are not used in schedule tests');
        },
      });
      return {
        articles: noArticles,
        conversations: noConversations,
        shares: noShares,
        ...createScheduleStores(db),
        ping: async () => db.prepare('SELECT 1 AS ok').get() !== undefined,
        close: async () => void db.close(),
      };
    },
    cleanup() {
      for (const db of dbs) if (db.open) db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Posted {
  target: string;
  message: Message;
  at: string;
}

/** A recording adapter: every post is recorded; `behaviour` decides per call whether it succeeds, throws or hangs. */
export function recordingAdapter(behaviour?: (target: string, n: number) => Promise<void> | void) {
  const posted: Posted[] = [];
  const calls = new Map<string, number>();
  return {
    posted,
    adapter: {
      async post(target: string, message: Message) {
        const n = (calls.get(target) ?? 0) + 1;
        calls.set(target, n);
        if (behaviour) await behaviour(target, n);
        posted.push({ target, message, at: new Date().toISOString() });
        return { ids: [String(posted.length)] };
      },
    },
  };
}

export interface LogLine {
  level: string;
  obj: unknown;
  msg?: string;
}

export function capturingLogger(lines: LogLine[] = []): Logger & { lines: LogLine[] } {
  const make = (bindings: Record<string, unknown>): Logger & { lines: LogLine[] } => {
    const rec = (level: string) => (obj: object | string, msg?: string) => {
      lines.push({ level, obj: typeof obj === 'string' ? obj : { ...bindings, ...obj }, msg: typeof obj === 'string' ? obj : msg });
    };
    return {
      lines,
      debug: rec('debug'),
      info: rec('info'),
      warn: rec('warn'),
      error: rec('error'),
      child: (b) => make({ ...bindings, ...b }),
    };
  };
  return make({});
}

/** The "morning" brief the delivery tests schedule: 08:00 UTC on 1 January, posting to `console` unless `over` says otherwise. */
export function briefDef(over: Partial<BriefDefinition> = {}): BriefDefinition {
  return {
    name: 'morning',
    title: 'Morning brief',
    schedule: '0 8 1 1 *',
    timezone: 'UTC',
    window: { kind: 'duration', ms: 86_400_000 },
    topics: [],
    sources: [],
    maxStories: 8,
    targets: ['console'],
    whenEmpty: 'skip',
    file: 'briefs/morning.yaml',
    ...over,
  };
}

/**
 * Clean-ups run after each test of the calling file, newest first, and temporary folders
 * (named with `prefix`) that are removed among them.
 */
export function perTestCleanups(prefix: string) {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  function tempDir(): string {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    return dir;
  }
  return { cleanups, tempDir };
}
