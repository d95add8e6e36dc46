import type Database from 'better-sqlite3';
import type { Migration } from './migration.js';
import type {
  BriefRun,
  Claimed,
  Delivery,
  DeliveryKey,
  DeliveryProgress,
  DeliveryLedger,
  DeliveryStatus,
  RunCoordinatorStore,
  SourceRecord,
  SourceStore,
  Subscription,
  SubscriptionStore,
} from '../schedule-types.js';

/** Tables for subscriptions, the delivery ledger, sources and run coordination. Versions 100+ (articles use 1–99). */
export const SCHEDULE_MIGRATIONS: Migration[] = [
  {
    version: 100,
    name: 'subscriptions, delivery ledger, sources, coordination',
    sql: `
      CREATE TABLE subscriptions (
        brief TEXT NOT NULL,
        target TEXT NOT NULL,
        subscribed_by TEXT NOT NULL,
        created_at TEXT NOT NULL,
        disabled_at TEXT,
        disabled_reason TEXT,
        PRIMARY KEY (brief, target)
      );
      CREATE TABLE brief_runs (
        brief TEXT NOT NULL,
        slot TEXT NOT NULL,
        status TEXT NOT NULL,
        message TEXT,
        targets TEXT NOT NULL,
        late INTEGER NOT NULL DEFAULT 0,
        note TEXT,
        created_at TEXT NOT NULL,
        PRIMARY KEY (brief, slot)
      );
      CREATE TABLE deliveries (
        brief TEXT NOT NULL,
        slot TEXT NOT NULL,
        target TEXT NOT NULL,
        status TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        late INTEGER NOT NULL DEFAULT 0,
        final INTEGER NOT NULL DEFAULT 0,
        error TEXT,
        owner TEXT,
        lease_until TEXT,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (brief, slot, target)
      );
      CREATE INDEX deliveries_updated ON deliveries (updated_at);
      CREATE TABLE sources (
        url TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        added_by TEXT,
        added_at TEXT,
        etag TEXT,
        last_modified TEXT,
        last_poll_at TEXT,
        last_success_at TEXT,
        last_error_at TEXT,
        last_error TEXT,
        failures INTEGER NOT NULL DEFAULT 0,
        articles INTEGER NOT NULL DEFAULT 0,
        next_poll_at TEXT,
        primed INTEGER NOT NULL DEFAULT 0
      );
      CREATE TABLE source_items (
        url TEXT NOT NULL,
        item_key TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        seen_at TEXT NOT NULL,
        PRIMARY KEY (url, item_key)
      );
      CREATE TABLE run_locks (
        key TEXT PRIMARY KEY,
        expires_at INTEGER NOT NULL
      );
      CREATE TABLE scheduler_heartbeats (
        owner TEXT PRIMARY KEY,
        at TEXT NOT NULL
      );
    `,
  },
  {
    version: 110,
    name: 'delivery ledger: parts posted and the in-doubt mark (exactly once across a crash mid-post)',
    sql: `
      ALTER TABLE deliveries ADD COLUMN parts_posted INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE deliveries ADD COLUMN posted_ids TEXT NOT NULL DEFAULT '[]';
      ALTER TABLE deliveries ADD COLUMN in_doubt_since TEXT;
    `,
  },
  {
    version: 120,
    name: 'source poll leases',
    sql: `
      ALTER TABLE sources ADD COLUMN lease_owner TEXT;
      ALTER TABLE sources ADD COLUMN lease_until TEXT;
    `,
  },
];

type Row = Record<string, unknown>;

const str = (v: unknown): string | undefined => (v === null || v === undefined ? undefined : String(v));

function toSubscription(r: Row): Subscription {
  return {
    brief: String(r.brief),
    target: String(r.target),
    subscribedBy: String(r.subscribed_by),
    createdAt: String(r.created_at),
    disabledAt: str(r.disabled_at),
    disabledReason: str(r.disabled_reason),
  };
}

function toDelivery(r: Row): Delivery {
  return {
    brief: String(r.brief),
    slot: String(r.slot),
    target: String(r.target),
    status: r.status as DeliveryStatus,
    attempts: Number(r.attempts),
    late: Number(r.late) === 1,
    final: Number(r.final) === 1,
    error: str(r.error),
    owner: str(r.owner),
    leaseUntil: str(r.lease_until),
    updatedAt: String(r.updated_at),
    partsPosted: Number(r.parts_posted ?? 0),
    postedIds: JSON.parse(String(r.posted_ids ?? '[]')) as string[],
    inDoubtSince: str(r.in_doubt_since),
  };
}

function toRun(r: Row): BriefRun {
  return {
    brief: String(r.brief),
    slot: String(r.slot),
    status: r.status as BriefRun['status'],
    message: str(r.message),
    targets: JSON.parse(String(r.targets)) as string[],
    late: Number(r.late) === 1,
    note: str(r.note),
    createdAt: String(r.created_at),
  };
}

function toSource(r: Row): SourceRecord {
  return {
    url: String(r.url),
    kind: r.kind as SourceRecord['kind'],
    addedBy: str(r.added_by),
    addedAt: str(r.added_at),
    etag: str(r.etag),
    lastModified: str(r.last_modified),
    lastPollAt: str(r.last_poll_at),
    lastSuccessAt: str(r.last_success_at),
    lastErrorAt: str(r.last_error_at),
    lastError: str(r.last_error),
    failures: Number(r.failures),
    articles: Number(r.articles),
    nextPollAt: str(r.next_poll_at),
    primed: Number(r.primed) === 1,
  };
}

function subscriptions(db: Database.Database): SubscriptionStore {
  const get = db.prepare('SELECT * FROM subscriptions WHERE brief = ? AND target = ?');
  const insert = db.prepare(
    'INSERT INTO subscriptions (brief, target, subscribed_by, created_at) VALUES (?, ?, ?, ?)',
  );
  const reenable = db.prepare(
    'UPDATE subscriptions SET subscribed_by = ?, created_at = ?, disabled_at = NULL, disabled_reason = NULL WHERE brief = ? AND target = ?',
  );
  const del = db.prepare('DELETE FROM subscriptions WHERE brief = ? AND target = ?');
  const disable = db.prepare(
    'UPDATE subscriptions SET disabled_at = ?, disabled_reason = ? WHERE brief = ? AND target = ? AND disabled_at IS NULL',
  );
  const add = db.transaction((brief: string, target: string, by: string, at: string): 'added' | 'exists' => {
    const existing = get.get(brief, target) as Row | undefined;
    if (!existing) {
      insert.run(brief, target, by, at);
      return 'added';
    }
    if (existing.disabled_at === null) return 'exists';
    reenable.run(by, at, brief, target);
    return 'added';
  });
  return {
    add: async (s) => add.immediate(s.brief, s.target, s.subscribedBy, s.now.toISOString()),
    remove: async (brief, target) => del.run(brief, target).changes > 0,
    async list(filter = {}) {
      const where: string[] = [];
      const args: string[] = [];
      if (filter.brief !== undefined) {
        where.push('brief = ?');
        args.push(filter.brief);
      }
      if (filter.target !== undefined) {
        where.push('target = ?');
        args.push(filter.target);
      }
      const sql = `SELECT * FROM subscriptions${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY brief, target`;
      return (db.prepare(sql).all(...args) as Row[]).map(toSubscription);
    },
    disable: async (brief, target, reason, now) => void disable.run(now.toISOString(), reason, brief, target),
  };
}

function ledger(db: Database.Database): DeliveryLedger {
  const get = db.prepare('SELECT * FROM deliveries WHERE brief = ? AND slot = ? AND target = ?');
  const insertClaim = db.prepare(
    `INSERT INTO deliveries (brief, slot, target, status, attempts, late, owner, lease_until, updated_at)
     VALUES (?, ?, ?, 'claimed', 1, ?, ?, ?, ?)`,
  );
  const takeClaim = db.prepare(
    `UPDATE deliveries SET status = 'claimed', attempts = attempts + 1, owner = ?, lease_until = ?, updated_at = ?,
       late = MAX(late, ?) WHERE brief = ? AND slot = ? AND target = ?`,
  );
  const complete = db.prepare(
    `UPDATE deliveries SET status = 'delivered', error = NULL, lease_until = NULL, in_doubt_since = NULL, updated_at = ?
     WHERE brief = ? AND slot = ? AND target = ? AND status IN ('claimed', 'failed')`,
  );
  const fail = db.prepare(
    `UPDATE deliveries SET status = 'failed', final = ?, error = ?, lease_until = NULL, updated_at = ?
     WHERE brief = ? AND slot = ? AND target = ? AND status IN ('claimed', 'failed')`,
  );
  const skipInsert = db.prepare(
    `INSERT INTO deliveries (brief, slot, target, status, attempts, late, final, error, updated_at)
     VALUES (?, ?, ?, 'skipped', 0, 1, 1, ?, ?)
     ON CONFLICT (brief, slot, target) DO NOTHING`,
  );
  const markDoubt = db.prepare(
    `UPDATE deliveries SET in_doubt_since = COALESCE(in_doubt_since, ?) WHERE brief = ? AND slot = ? AND target = ?`,
  );
  /** The claim itself (read and write); the caller holds the transaction. */
  function claimOne(key: DeliveryKey, owner: string, nowIso: string, leaseIso: string, late: boolean, doubt: boolean): Claimed | undefined {
    const row = get.get(key.brief, key.slot, key.target) as Row | undefined;
    if (!row) {
      insertClaim.run(key.brief, key.slot, key.target, late ? 1 : 0, owner, leaseIso, nowIso);
      if (doubt) markDoubt.run(nowIso, key.brief, key.slot, key.target);
      return { attempts: 1, partsPosted: 0, postedIds: [] };
    }
    const status = row.status as DeliveryStatus;
    if (status === 'delivered' || status === 'skipped') return undefined;
    if (status === 'failed' && Number(row.final) === 1) return undefined;
    if (status === 'claimed' && row.owner !== owner && String(row.lease_until) > nowIso) return undefined;
    takeClaim.run(owner, leaseIso, nowIso, late ? 1 : 0, key.brief, key.slot, key.target);
    if (doubt) markDoubt.run(nowIso, key.brief, key.slot, key.target);
    const d = toDelivery(row);
    return { attempts: d.attempts + 1, partsPosted: d.partsPosted, postedIds: d.postedIds, inDoubtSince: d.inDoubtSince };
  }
  // Claiming reads and writes in one transaction; better-sqlite3 runs it as BEGIN IMMEDIATE
  // so two processes on one file serialize on the write lock and see each other's claims.
  const claim = db.transaction((key: DeliveryKey, owner: string, nowIso: string, leaseIso: string, late: boolean) =>
    claimOne(key, owner, nowIso, leaseIso, late, false) !== undefined,
  );
  const claimMany = db.transaction((requests: { key: DeliveryKey; late?: boolean }[], owner: string, nowIso: string, leaseIso: string) => {
    // The same key twice in one call is claimed once: the repeat is not ours to post.
    const seen = new Set<string>();
    return requests.map((r) => {
      const id = `${r.key.brief}\u0000${r.key.slot}\u0000${r.key.target}`;
      if (seen.has(id)) return undefined;
      seen.add(id);
      return claimOne(r.key, owner, nowIso, leaseIso, r.late ?? false, true);
    });
  });
  const progress = db.prepare(
    `UPDATE deliveries SET parts_posted = ?, posted_ids = ?, updated_at = ?
     WHERE brief = ? AND slot = ? AND target = ? AND parts_posted < ?`,
  );
  const delivered = db.prepare(
    `UPDATE deliveries SET status = 'delivered', error = NULL, lease_until = NULL, in_doubt_since = NULL, updated_at = ?
     WHERE brief = ? AND slot = ? AND target = ? AND status IN ('claimed', 'failed')`,
  );
  const failed = db.prepare(
    `UPDATE deliveries SET status = 'failed', final = ?, error = ?, lease_until = NULL, updated_at = ?,
       in_doubt_since = CASE WHEN ? THEN in_doubt_since ELSE NULL END
     WHERE brief = ? AND slot = ? AND target = ? AND status IN ('claimed', 'failed')`,
  );
  const record = db.transaction((items: DeliveryProgress[], nowIso: string) => {
    for (const { key, postedIds, outcome } of items) {
      if (postedIds.length) progress.run(postedIds.length, JSON.stringify(postedIds), nowIso, key.brief, key.slot, key.target, postedIds.length);
      if (outcome?.status === 'delivered') delivered.run(nowIso, key.brief, key.slot, key.target);
      else if (outcome) failed.run(outcome.final ? 1 : 0, outcome.error, nowIso, outcome.inDoubt ? 1 : 0, key.brief, key.slot, key.target);
    }
  });
  const insertRun = db.prepare(
    `INSERT INTO brief_runs (brief, slot, status, message, targets, late, note, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (brief, slot) DO NOTHING`,
  );
  const getRun = db.prepare('SELECT * FROM brief_runs WHERE brief = ? AND slot = ?');
  return {
    async claim(key, owner, now, leaseMs, opts = {}) {
      return claim.immediate(key, owner, now.toISOString(), new Date(now.getTime() + leaseMs).toISOString(), opts.late ?? false);
    },
    complete: async (key, now) => void complete.run(now.toISOString(), key.brief, key.slot, key.target),
    async claimMany(requests, owner, now, leaseMs) {
      return claimMany.immediate(requests, owner, now.toISOString(), new Date(now.getTime() + leaseMs).toISOString());
    },
    async record(items, now) {
      if (items.length) record.immediate(items, now.toISOString());
    },
    fail: async (key, error, final, now) => void fail.run(final ? 1 : 0, error, now.toISOString(), key.brief, key.slot, key.target),
    skip: async (key, reason, now) => void skipInsert.run(key.brief, key.slot, key.target, reason, now.toISOString()),
    async get(key) {
      const row = get.get(key.brief, key.slot, key.target) as Row | undefined;
      return row ? toDelivery(row) : undefined;
    },
    forSlot: async (brief, slot) =>
      (db.prepare('SELECT * FROM deliveries WHERE brief = ? AND slot = ? ORDER BY target').all(brief, slot) as Row[]).map(toDelivery),
    recent: async (limit) =>
      (db.prepare('SELECT * FROM deliveries ORDER BY updated_at DESC, slot DESC, target LIMIT ?').all(limit) as Row[]).map(toDelivery),
    async recordRun(run, now) {
      insertRun.run(
        run.brief,
        run.slot,
        run.status,
        run.message ?? null,
        JSON.stringify(run.targets),
        run.late ? 1 : 0,
        run.note ?? null,
        now.toISOString(),
      );
      return toRun(getRun.get(run.brief, run.slot) as Row);
    },
    async getRun(brief, slot) {
      const row = getRun.get(brief, slot) as Row | undefined;
      return row ? toRun(row) : undefined;
    },
    runsSince: async (brief, sinceSlot) =>
      (db.prepare('SELECT * FROM brief_runs WHERE brief = ? AND slot >= ? ORDER BY slot').all(brief, sinceSlot) as Row[]).map(toRun),
    async previousRun(brief, beforeSlot) {
      const row = db
        .prepare("SELECT * FROM brief_runs WHERE brief = ? AND slot < ? AND status = 'built' ORDER BY slot DESC LIMIT 1")
        .get(brief, beforeSlot) as Row | undefined;
      return row ? toRun(row) : undefined;
    },
  };
}

const SOURCE_COLUMNS: Record<string, string> = {
  addedBy: 'added_by',
  addedAt: 'added_at',
  etag: 'etag',
  lastModified: 'last_modified',
  lastPollAt: 'last_poll_at',
  lastSuccessAt: 'last_success_at',
  lastErrorAt: 'last_error_at',
  lastError: 'last_error',
  failures: 'failures',
  articles: 'articles',
  nextPollAt: 'next_poll_at',
  primed: 'primed',
};

function sources(db: Database.Database): SourceStore {
  const insert = db.prepare(
    'INSERT INTO sources (url, kind, added_by, added_at) VALUES (?, ?, ?, ?) ON CONFLICT (url) DO NOTHING',
  );
  const get = db.prepare('SELECT * FROM sources WHERE url = ?');
  const seen = db.prepare('SELECT fingerprint FROM source_items WHERE url = ? AND item_key = ?');
  const mark = db.prepare(
    `INSERT INTO source_items (url, item_key, fingerprint, seen_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (url, item_key) DO UPDATE SET fingerprint = excluded.fingerprint, seen_at = excluded.seen_at`,
  );
  // One statement: it takes the lease only when free, expired or already ours, so two processes cannot both get it.
  const lease = db.prepare(
    `UPDATE sources SET lease_owner = ?, lease_until = ?
     WHERE url = ? AND (lease_owner IS NULL OR lease_until <= ? OR lease_owner = ?)`,
  );
  const release = db.prepare('UPDATE sources SET lease_owner = NULL, lease_until = NULL WHERE url = ? AND lease_owner = ?');
  return {
    upsert: async (s) => insert.run(s.url, s.kind, s.addedBy ?? null, (s.now ?? new Date()).toISOString()).changes > 0,
    list: async () => (db.prepare('SELECT * FROM sources ORDER BY url').all() as Row[]).map(toSource),
    async get(url) {
      const row = get.get(url) as Row | undefined;
      return row ? toSource(row) : undefined;
    },
    async update(url, patch) {
      const sets: string[] = [];
      const args: unknown[] = [];
      for (const [k, v] of Object.entries(patch)) {
        const col = SOURCE_COLUMNS[k];
        if (!col) continue;
        sets.push(`${col} = ?`);
        args.push(typeof v === 'boolean' ? (v ? 1 : 0) : (v ?? null));
      }
      if (!sets.length) return;
      db.prepare(`UPDATE sources SET ${sets.join(', ')} WHERE url = ?`).run(...args, url);
    },
    async remove(url) {
      return db.transaction(() => {
        db.prepare('DELETE FROM source_items WHERE url = ?').run(url);
        return db.prepare('DELETE FROM sources WHERE url = ?').run(url).changes > 0;
      })();
    },
    async seen(url, itemKey) {
      const row = seen.get(url, itemKey) as Row | undefined;
      return row ? String(row.fingerprint) : undefined;
    },
    lease: async (url, owner, now, leaseMs) =>
      lease.run(owner, new Date(now.getTime() + leaseMs).toISOString(), url, now.toISOString(), owner).changes > 0,
    release: async (url, owner) => void release.run(url, owner),
    async markSeen(url, itemKey, fingerprint, now) {
      const before = seen.get(url, itemKey) as Row | undefined;
      if (before && String(before.fingerprint) === fingerprint) return false;
      mark.run(url, itemKey, fingerprint, now.toISOString());
      return true;
    },
  };
}

function coordination(db: Database.Database): RunCoordinatorStore {
  const take = db.prepare(
    `INSERT INTO run_locks (key, expires_at) VALUES (?, ?)
     ON CONFLICT (key) DO UPDATE SET expires_at = excluded.expires_at WHERE run_locks.expires_at <= ?`,
  );
  const prune = db.prepare('DELETE FROM run_locks WHERE expires_at <= ?');
  const beat = db.prepare(
    'INSERT INTO scheduler_heartbeats (owner, at) VALUES (?, ?) ON CONFLICT (owner) DO UPDATE SET at = excluded.at',
  );
  // Pruning scans the table (every claim of the last day is a row: one per slash command);
  // once a minute is housekeeping enough, instead of a scan and a second commit per claim.
  let prunedAt = -Infinity;
  return {
    async shouldRun(key, ttlMs) {
      const now = Date.now();
      if (now - prunedAt >= 60_000) {
        prune.run(now - 24 * 3600_000);
        prunedAt = now;
      }
      return take.run(key, now + ttlMs, now).changes > 0;
    },
    heartbeat: async (owner, now) => void beat.run(owner, now.toISOString()),
    async lastHeartbeat() {
      const row = db.prepare('SELECT MAX(at) AS at FROM scheduler_heartbeats').get() as Row;
      return row.at ? new Date(String(row.at)) : undefined;
    },
  };
}

export function createScheduleStores(db: Database.Database): {
  subscriptions: SubscriptionStore;
  deliveries: DeliveryLedger;
  sources: SourceStore;
  coordination: RunCoordinatorStore;
} {
  return {
    subscriptions: subscriptions(db),
    deliveries: ledger(db),
    sources: sources(db),
    coordination: coordination(db),
  };
}
