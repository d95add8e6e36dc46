import type pg from 'pg';
import type {
  BriefRun,
  Claimed,
  Delivery,
  DeliveryLedger,
  DeliveryProgress,
  DeliveryStatus,
  RunCoordinatorStore,
  SourceRecord,
  SourceStore,
  Subscription,
  SubscriptionStore,
} from '../schedule-types.js';

/**
 * Subscriptions, the delivery ledger, sources and run coordination on PostgreSQL.
 * Every decision that two processes could race on (a claim, a re-enabled
 * subscription, a seen item, a run lock) is one conditional statement, so the row
 * lock PostgreSQL takes for it is the only coordination needed.
 */

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
    late: r.late === true,
    final: r.final === true,
    error: str(r.error),
    owner: str(r.owner),
    leaseUntil: str(r.lease_until),
    updatedAt: String(r.updated_at),
    partsPosted: Number(r.parts_posted ?? 0),
    postedIds: JSON.parse(String(r.posted_ids ?? '[]')) as string[],
    inDoubtSince: str(r.in_doubt_since),
  };
}

/** Runs `fn` in one transaction on one pooled connection. */
async function inTransaction<T>(pool: pg.Pool, fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const out = await fn(client);
    await client.query('COMMIT');
    return out;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

function toRun(r: Row): BriefRun {
  return {
    brief: String(r.brief),
    slot: String(r.slot),
    status: r.status as BriefRun['status'],
    message: str(r.message),
    targets: JSON.parse(String(r.targets)) as string[],
    late: r.late === true,
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
    primed: r.primed === true,
  };
}

function subscriptions(pool: pg.Pool): SubscriptionStore {
  return {
    async add(s) {
      // Inserted, or re-enabled when disabled; an active one is left alone ('exists').
      const r = await pool.query(
        `INSERT INTO subscriptions (brief, target, subscribed_by, created_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (brief, target) DO UPDATE SET subscribed_by = excluded.subscribed_by, created_at = excluded.created_at,
           disabled_at = NULL, disabled_reason = NULL
         WHERE subscriptions.disabled_at IS NOT NULL`,
        [s.brief, s.target, s.subscribedBy, s.now.toISOString()],
      );
      return r.rowCount ? 'added' : 'exists';
    },
    async remove(brief, target) {
      return ((await pool.query('DELETE FROM subscriptions WHERE brief = $1 AND target = $2', [brief, target])).rowCount ?? 0) > 0;
    },
    async list(filter = {}) {
      const where: string[] = [];
      const args: string[] = [];
      if (filter.brief !== undefined) {
        args.push(filter.brief);
        where.push(`brief = $${args.length}`);
      }
      if (filter.target !== undefined) {
        args.push(filter.target);
        where.push(`target = $${args.length}`);
      }
      const sql = `SELECT * FROM subscriptions${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY brief COLLATE "C", target COLLATE "C"`;
      return (await pool.query(sql, args)).rows.map(toSubscription);
    },
    async disable(brief, target, reason, now) {
      await pool.query('UPDATE subscriptions SET disabled_at = $1, disabled_reason = $2 WHERE brief = $3 AND target = $4 AND disabled_at IS NULL', [
        now.toISOString(),
        reason,
        brief,
        target,
      ]);
    },
  };
}

function ledger(pool: pg.Pool): DeliveryLedger {
  const key3 = (k: { brief: string; slot: string; target: string }) => [k.brief, k.slot, k.target];
  return {
    async claim(key, owner, now, leaseMs, opts = {}) {
      const nowIso = now.toISOString();
      // New, or taken over when not done and not held by another owner's live lease. ON CONFLICT
      // locks the row and checks the condition on its latest version: one winner per key.
      const r = await pool.query(
        `INSERT INTO deliveries (brief, slot, target, status, attempts, late, owner, lease_until, updated_at)
         VALUES ($1, $2, $3, 'claimed', 1, $4, $5, $6, $7)
         ON CONFLICT (brief, slot, target) DO UPDATE SET status = 'claimed', attempts = deliveries.attempts + 1,
           owner = excluded.owner, lease_until = excluded.lease_until, updated_at = excluded.updated_at, late = deliveries.late OR excluded.late
         WHERE deliveries.status NOT IN ('delivered', 'skipped')
           AND NOT (deliveries.status = 'failed' AND deliveries.final)
           AND NOT (deliveries.status = 'claimed' AND deliveries.owner IS DISTINCT FROM excluded.owner AND deliveries.lease_until > $7)`,
        [...key3(key), opts.late ?? false, owner, new Date(now.getTime() + leaseMs).toISOString(), nowIso],
      );
      return (r.rowCount ?? 0) > 0;
    },
    async renew(owner, now, leaseMs) {
      const r = await pool.query(`UPDATE deliveries SET lease_until = $1 WHERE owner = $2 AND status = 'claimed' AND lease_until > $3`, [
        new Date(now.getTime() + leaseMs).toISOString(),
        owner,
        now.toISOString(),
      ]);
      return r.rowCount ?? 0;
    },
    async claimMany(requests, owner, now, leaseMs) {
      const nowIso = now.toISOString();
      // The same key twice in one statement cannot be claimed twice: the later one is not ours.
      const seen = new Set<string>();
      const unique = requests
        .filter((r) => {
          const id = JSON.stringify(key3(r.key));
          return seen.has(id) ? false : (seen.add(id), true);
        })
        // Rows are locked in key order, so two processes claiming the same targets cannot deadlock.
        .sort((x, y) => (x.key.brief < y.key.brief ? -1 : x.key.brief > y.key.brief ? 1 : x.key.slot < y.key.slot ? -1 : x.key.slot > y.key.slot ? 1 : x.key.target < y.key.target ? -1 : x.key.target > y.key.target ? 1 : 0));
      if (!unique.length) return requests.map(() => undefined);
      // One statement for every key: the claim() condition per row, and the claim marks the
      // delivery in doubt (keeping an earlier mark, which then tells the poster to look first).
      const r = await pool.query(
        `INSERT INTO deliveries (brief, slot, target, status, attempts, late, owner, lease_until, updated_at, in_doubt_since)
         SELECT u.brief, u.slot, u.target, 'claimed', 1, u.late, $5, $6, $7, $7
           FROM unnest($1::text[], $2::text[], $3::text[], $4::boolean[]) WITH ORDINALITY AS u(brief, slot, target, late, n)
          ORDER BY u.n
         ON CONFLICT (brief, slot, target) DO UPDATE SET status = 'claimed', attempts = deliveries.attempts + 1,
           owner = excluded.owner, lease_until = excluded.lease_until, updated_at = excluded.updated_at, late = deliveries.late OR excluded.late,
           in_doubt_since = COALESCE(deliveries.in_doubt_since, excluded.in_doubt_since)
         WHERE deliveries.status NOT IN ('delivered', 'skipped')
           AND NOT (deliveries.status = 'failed' AND deliveries.final)
           AND NOT (deliveries.status = 'claimed' AND deliveries.owner IS DISTINCT FROM excluded.owner AND deliveries.lease_until > $7)
         RETURNING brief, slot, target, attempts, parts_posted, posted_ids, in_doubt_since`,
        [
          unique.map((u) => u.key.brief),
          unique.map((u) => u.key.slot),
          unique.map((u) => u.key.target),
          unique.map((u) => u.late ?? false),
          owner,
          new Date(now.getTime() + leaseMs).toISOString(),
          nowIso,
        ],
      );
      const got = new Map<string, Claimed>();
      for (const row of r.rows as Row[]) {
        const doubt = str(row.in_doubt_since);
        got.set(JSON.stringify([row.brief, row.slot, row.target]), {
          attempts: Number(row.attempts),
          partsPosted: Number(row.parts_posted),
          postedIds: JSON.parse(String(row.posted_ids)) as string[],
          ...(doubt && doubt !== nowIso ? { inDoubtSince: doubt } : {}),
        });
      }
      const handed = new Set<string>();
      return requests.map((q) => {
        const id = JSON.stringify(key3(q.key));
        if (handed.has(id)) return undefined;
        handed.add(id);
        return got.get(id);
      });
    },
    async record(items: DeliveryProgress[], now) {
      if (!items.length) return;
      const nowIso = now.toISOString();
      const cols = (list: DeliveryProgress[]) => [list.map((i) => i.key.brief), list.map((i) => i.key.slot), list.map((i) => i.key.target)];
      const parts = items.filter((i) => i.postedIds.length);
      const delivered = items.filter((i) => i.outcome?.status === 'delivered');
      const failed = items.flatMap((i) => (i.outcome?.status === 'failed' ? [{ ...i, outcome: i.outcome }] : []));
      await inTransaction(pool, async (c) => {
        if (parts.length) {
          await c.query(
            `UPDATE deliveries d SET parts_posted = u.n, posted_ids = u.ids, updated_at = $6
               FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::text[]) AS u(brief, slot, target, n, ids)
              WHERE d.brief = u.brief AND d.slot = u.slot AND d.target = u.target AND d.parts_posted < u.n`,
            [...cols(parts), parts.map((i) => i.postedIds.length), parts.map((i) => JSON.stringify(i.postedIds)), nowIso],
          );
        }
        if (delivered.length) {
          await c.query(
            `UPDATE deliveries d SET status = 'delivered', error = NULL, lease_until = NULL, in_doubt_since = NULL, updated_at = $4
               FROM unnest($1::text[], $2::text[], $3::text[]) AS u(brief, slot, target)
              WHERE d.brief = u.brief AND d.slot = u.slot AND d.target = u.target AND d.status IN ('claimed', 'failed')`,
            [...cols(delivered), nowIso],
          );
        }
        if (failed.length) {
          await c.query(
            `UPDATE deliveries d SET status = 'failed', final = u.final, error = u.error, lease_until = NULL, updated_at = $7,
                 in_doubt_since = CASE WHEN u.doubt THEN d.in_doubt_since ELSE NULL END
               FROM unnest($1::text[], $2::text[], $3::text[], $4::boolean[], $5::text[], $6::boolean[]) AS u(brief, slot, target, final, error, doubt)
              WHERE d.brief = u.brief AND d.slot = u.slot AND d.target = u.target AND d.status IN ('claimed', 'failed')`,
            [...cols(failed), failed.map((i) => i.outcome.final), failed.map((i) => i.outcome.error), failed.map((i) => i.outcome.inDoubt), nowIso],
          );
        }
      });
    },
    async complete(key, now) {
      await pool.query(
        `UPDATE deliveries SET status = 'delivered', error = NULL, lease_until = NULL, in_doubt_since = NULL, updated_at = $4
         WHERE brief = $1 AND slot = $2 AND target = $3 AND status IN ('claimed', 'failed')`,
        [...key3(key), now.toISOString()],
      );
    },
    async fail(key, error, final, now) {
      await pool.query(
        `UPDATE deliveries SET status = 'failed', final = $4, error = $5, lease_until = NULL, updated_at = $6
         WHERE brief = $1 AND slot = $2 AND target = $3 AND status IN ('claimed', 'failed')`,
        [...key3(key), final, error, now.toISOString()],
      );
    },
    async skip(key, reason, now) {
      await pool.query(
        `INSERT INTO deliveries (brief, slot, target, status, attempts, late, final, error, updated_at)
         VALUES ($1, $2, $3, 'skipped', 0, TRUE, TRUE, $4, $5) ON CONFLICT (brief, slot, target) DO NOTHING`,
        [...key3(key), reason, now.toISOString()],
      );
    },
    async get(key) {
      const r = await pool.query('SELECT * FROM deliveries WHERE brief = $1 AND slot = $2 AND target = $3', key3(key));
      return r.rows[0] ? toDelivery(r.rows[0]) : undefined;
    },
    async forSlot(brief, slot) {
      return (await pool.query('SELECT * FROM deliveries WHERE brief = $1 AND slot = $2 ORDER BY target COLLATE "C"', [brief, slot])).rows.map(toDelivery);
    },
    async recent(limit) {
      return (await pool.query('SELECT * FROM deliveries ORDER BY updated_at DESC, slot DESC, target COLLATE "C" LIMIT $1', [limit])).rows.map(toDelivery);
    },
    async recordRun(run, now) {
      // First writer wins. A loser's insert waits for the winner to commit; the winner's row is read
      // by a second statement, which (unlike the insert's own snapshot) sees it.
      const r = await pool.query(
        `INSERT INTO brief_runs (brief, slot, status, message, targets, late, note, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (brief, slot) DO NOTHING RETURNING *`,
        [run.brief, run.slot, run.status, run.message ?? null, JSON.stringify(run.targets), run.late, run.note ?? null, now.toISOString()],
      );
      if (r.rows[0]) return toRun(r.rows[0]);
      return toRun((await pool.query('SELECT * FROM brief_runs WHERE brief = $1 AND slot = $2', [run.brief, run.slot])).rows[0]);
    },
    async getRun(brief, slot) {
      const r = await pool.query('SELECT * FROM brief_runs WHERE brief = $1 AND slot = $2', [brief, slot]);
      return r.rows[0] ? toRun(r.rows[0]) : undefined;
    },
    async runsSince(brief, sinceSlot) {
      return (await pool.query('SELECT * FROM brief_runs WHERE brief = $1 AND slot >= $2 ORDER BY slot', [brief, sinceSlot])).rows.map(toRun);
    },
    async previousRun(brief, beforeSlot) {
      const r = await pool.query(`SELECT * FROM brief_runs WHERE brief = $1 AND slot < $2 AND status = 'built' ORDER BY slot DESC LIMIT 1`, [brief, beforeSlot]);
      return r.rows[0] ? toRun(r.rows[0]) : undefined;
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

function sources(pool: pg.Pool): SourceStore {
  return {
    async upsert(s) {
      const r = await pool.query('INSERT INTO sources (url, kind, added_by, added_at) VALUES ($1, $2, $3, $4) ON CONFLICT (url) DO NOTHING', [
        s.url,
        s.kind,
        s.addedBy ?? null,
        (s.now ?? new Date()).toISOString(),
      ]);
      return (r.rowCount ?? 0) > 0;
    },
    async list() {
      return (await pool.query('SELECT * FROM sources ORDER BY url COLLATE "C"')).rows.map(toSource);
    },
    async get(url) {
      const r = await pool.query('SELECT * FROM sources WHERE url = $1', [url]);
      return r.rows[0] ? toSource(r.rows[0]) : undefined;
    },
    async update(url, patch) {
      const sets: string[] = [];
      const args: unknown[] = [];
      for (const [k, v] of Object.entries(patch)) {
        const col = SOURCE_COLUMNS[k];
        if (!col) continue;
        args.push(v ?? null);
        sets.push(`${col} = $${args.length}`);
      }
      if (!sets.length) return;
      args.push(url);
      await pool.query(`UPDATE sources SET ${sets.join(', ')} WHERE url = $${args.length}`, args);
    },
    async remove(url) {
      // One statement: the items go with their source.
      const r = await pool.query(
        'WITH items AS (DELETE FROM source_items WHERE url = $1) DELETE FROM sources WHERE url = $1',
        [url],
      );
      return (r.rowCount ?? 0) > 0;
    },
    async seen(url, itemKey) {
      const r = await pool.query('SELECT fingerprint FROM source_items WHERE url = $1 AND item_key = $2', [url, itemKey]);
      return r.rows[0] ? String(r.rows[0].fingerprint) : undefined;
    },
    async lease(url, owner, now, leaseMs) {
      // One statement, so two processes cannot both take it: free, ended, or already ours.
      const r = await pool.query(
        `UPDATE sources SET lease_owner = $1, lease_until = $2
         WHERE url = $3 AND (lease_owner IS NULL OR lease_until <= $4 OR lease_owner = $1)`,
        [owner, new Date(now.getTime() + leaseMs).toISOString(), url, now.toISOString()],
      );
      return (r.rowCount ?? 0) > 0;
    },
    async release(url, owner) {
      await pool.query('UPDATE sources SET lease_owner = NULL, lease_until = NULL WHERE url = $1 AND lease_owner = $2', [url, owner]);
    },
    async markSeen(url, itemKey, fingerprint, now) {
      const r = await pool.query(
        `INSERT INTO source_items (url, item_key, fingerprint, seen_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (url, item_key) DO UPDATE SET fingerprint = excluded.fingerprint, seen_at = excluded.seen_at
         WHERE source_items.fingerprint <> excluded.fingerprint`,
        [url, itemKey, fingerprint, now.toISOString()],
      );
      return (r.rowCount ?? 0) > 0;
    },
  };
}

function coordination(pool: pg.Pool): RunCoordinatorStore {
  return {
    async shouldRun(key, ttlMs) {
      const now = Date.now();
      await pool.query('DELETE FROM run_locks WHERE expires_at <= $1', [now - 24 * 3600_000]);
      const r = await pool.query(
        `INSERT INTO run_locks (key, expires_at) VALUES ($1, $2)
         ON CONFLICT (key) DO UPDATE SET expires_at = excluded.expires_at WHERE run_locks.expires_at <= $3`,
        [key, now + ttlMs, now],
      );
      return (r.rowCount ?? 0) > 0;
    },
    async heartbeat(owner, now) {
      await pool.query('INSERT INTO scheduler_heartbeats (owner, at) VALUES ($1, $2) ON CONFLICT (owner) DO UPDATE SET at = excluded.at', [owner, now.toISOString()]);
    },
    async lastHeartbeat() {
      const r = await pool.query('SELECT MAX(at) AS at FROM scheduler_heartbeats');
      return r.rows[0]?.at ? new Date(String(r.rows[0].at)) : undefined;
    },
  };
}

export function createPgScheduleStores(pool: pg.Pool): {
  subscriptions: SubscriptionStore;
  deliveries: DeliveryLedger;
  sources: SourceStore;
  coordination: RunCoordinatorStore;
} {
  return { subscriptions: subscriptions(pool), deliveries: ledger(pool), sources: sources(pool), coordination: coordination(pool) };
}
