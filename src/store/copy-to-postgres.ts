import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import pg from 'pg';
import { BriefbotError } from '../errors.js';
import { decodeStoryFeatures } from '../briefing/story-features.js';
import type { Summary } from '../summarize/summary.js';
import { describePostgresUrl, openPostgresStore } from './postgres/index.js';
import type { ArticleBatchItem, ArticleInput } from './store.js';

/**
 * `briefbot migrate --to postgres://…`: copies a SQLite store into PostgreSQL.
 * Articles go through the PostgreSQL store's own addMany (so its stems, counts and
 * duplicate checks are the ones the bot uses), everything else row for row with
 * ON CONFLICT DO NOTHING: running it again copies only what is missing.
 */

/** The tables compared on both sides, in the order they are printed. */
export const COPIED_TABLES = ['articles', 'sentences', 'subscriptions', 'sources', 'source_items', 'brief_runs', 'deliveries', 'scheduler_heartbeats'] as const;
export type CopiedTable = (typeof COPIED_TABLES)[number];
export type TableCounts = Record<CopiedTable, number>;

export interface CopyReport {
  target: string;
  sqlite: TableCounts;
  postgresBefore: TableCounts;
  postgresAfter: TableCounts;
  articles: { copied: number; alreadyThere: number };
}

type Row = Record<string, unknown>;

/**
 * A SQLite row's summary as ingest made it: the signature, kept in the `story` column since
 * migration 2, goes back into it, so PostgreSQL stores the same features (a file not yet
 * migrated has no column; its signature, if any, is still in summary_json).
 */
function storedSummary(r: Row): Summary {
  const summary = JSON.parse(String(r.summary_json)) as Summary;
  if (typeof r.story === 'string') summary.story = decodeStoryFeatures(r.story).signature;
  return summary;
}

function sqliteCounts(db: Database.Database): TableCounts {
  const out = {} as TableCounts;
  for (const t of COPIED_TABLES) out[t] = (db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n;
  return out;
}

async function postgresCounts(client: pg.Client): Promise<TableCounts> {
  const out = {} as TableCounts;
  for (const t of COPIED_TABLES) out[t] = Number((await client.query(`SELECT count(*) AS n FROM ${t}`)).rows[0].n);
  return out;
}

/** Articles read per batch (and committed together on the PostgreSQL side). */
const ARTICLE_BATCH = 200;

export async function copySqliteToPostgres(
  sqlitePath: string,
  url: string,
  opts: { append?: boolean; progress?: (line: string) => void } = {},
): Promise<CopyReport> {
  if (!existsSync(sqlitePath)) throw new BriefbotError('not_found', `no SQLite store at ${sqlitePath} (set BRIEFBOT_DB or pass --db)`);
  const target = describePostgresUrl(url);
  const src = new Database(sqlitePath, { readonly: true, fileMustExist: true });
  const store = await openPostgresStore(url).catch((err) => {
    src.close();
    throw err;
  });
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
    const sqlite = sqliteCounts(src);
    const postgresBefore = await postgresCounts(client);
    const held = COPIED_TABLES.filter((t) => postgresBefore[t] > 0);
    if (held.length && !opts.append) {
      throw new BriefbotError(
        'not_empty',
        `PostgreSQL at ${target} already holds ${held.map((t) => `${postgresBefore[t]} ${t.replace(/_/g, ' ')}`).join(', ')}; ` +
          'pass --append to copy into it anyway (rows already there are not copied twice)',
      );
    }

    // Articles with their sentences (and the analysis stored with them) and summaries.
    let copied = 0;
    let alreadyThere = 0;
    const page = src.prepare('SELECT * FROM articles WHERE id > ? ORDER BY id LIMIT ?');
    const sentencesOf = src.prepare('SELECT article_id, text, kinds FROM sentences WHERE article_id IN (SELECT value FROM json_each(?)) ORDER BY article_id, idx');
    for (let last = 0; ; ) {
      const rows = page.all(last, ARTICLE_BATCH) as Row[];
      if (rows.length === 0) break;
      last = Number(rows[rows.length - 1].id);
      const bySentence = new Map<number, { text: string; kinds: number }[]>();
      for (const s of sentencesOf.all(JSON.stringify(rows.map((r) => r.id))) as Row[]) {
        const list = bySentence.get(Number(s.article_id)) ?? [];
        list.push({ text: String(s.text), kinds: Number(s.kinds) });
        bySentence.set(Number(s.article_id), list);
      }
      const items: ArticleBatchItem[] = rows.map((r) => ({
        input: {
          title: String(r.title),
          source: String(r.source),
          url: r.url === null ? undefined : String(r.url),
          publishedAt: String(r.published_at),
          publishedAtSource: r.published_at_source as ArticleInput['publishedAtSource'],
          language: r.language === null ? undefined : String(r.language),
          body: String(r.body),
        },
        analysis: { sentences: bySentence.get(Number(r.id)) ?? [], summary: storedSummary(r) },
        ingestedAt: String(r.ingested_at),
      }));
      for (const result of await store.articles.addMany(items)) {
        if (result.status === 'added') copied++;
        else alreadyThere++;
      }
      opts.progress?.(`articles: ${copied + alreadyThere}/${sqlite.articles}`);
    }

    await client.query('BEGIN');
    try {
      for (const r of src.prepare('SELECT * FROM subscriptions').all() as Row[]) {
        await client.query(
          `INSERT INTO subscriptions (brief, target, subscribed_by, created_at, disabled_at, disabled_reason) VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT DO NOTHING`,
          [r.brief, r.target, r.subscribed_by, r.created_at, r.disabled_at, r.disabled_reason],
        );
      }
      for (const r of src.prepare('SELECT * FROM sources').all() as Row[]) {
        await client.query(
          `INSERT INTO sources (url, kind, added_by, added_at, etag, last_modified, last_poll_at, last_success_at, last_error_at, last_error,
             failures, articles, next_poll_at, primed)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) ON CONFLICT DO NOTHING`,
          [
            r.url,
            r.kind,
            r.added_by,
            r.added_at,
            r.etag,
            r.last_modified,
            r.last_poll_at,
            r.last_success_at,
            r.last_error_at,
            r.last_error,
            r.failures,
            r.articles,
            r.next_poll_at,
            Number(r.primed) === 1,
          ],
        );
      }
      for (const r of src.prepare('SELECT * FROM source_items').all() as Row[]) {
        await client.query('INSERT INTO source_items (url, item_key, fingerprint, seen_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING', [
          r.url,
          r.item_key,
          r.fingerprint,
          r.seen_at,
        ]);
      }
      for (const r of src.prepare('SELECT * FROM brief_runs').all() as Row[]) {
        await client.query(
          `INSERT INTO brief_runs (brief, slot, status, message, targets, late, note, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
           ON CONFLICT DO NOTHING`,
          [r.brief, r.slot, r.status, r.message, r.targets, Number(r.late) === 1, r.note, r.created_at],
        );
      }
      for (const r of src.prepare('SELECT * FROM deliveries').all() as Row[]) {
        await client.query(
          // Parts posted and the in-doubt mark travel too: a delivery cut short before the move is looked up, not reposted.
          `INSERT INTO deliveries (brief, slot, target, status, attempts, late, final, error, owner, lease_until, updated_at, parts_posted, posted_ids, in_doubt_since)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) ON CONFLICT DO NOTHING`,
          [
            r.brief,
            r.slot,
            r.target,
            r.status,
            r.attempts,
            Number(r.late) === 1,
            Number(r.final) === 1,
            r.error,
            r.owner,
            r.lease_until,
            r.updated_at,
            r.parts_posted ?? 0,
            r.posted_ids ?? '[]',
            r.in_doubt_since ?? null,
          ],
        );
      }
      // The last heartbeat tells the scheduler how long the bot was down: slots missed during the move are caught up.
      for (const r of src.prepare('SELECT * FROM scheduler_heartbeats').all() as Row[]) {
        await client.query('INSERT INTO scheduler_heartbeats (owner, at) VALUES ($1, $2) ON CONFLICT (owner) DO UPDATE SET at = GREATEST(scheduler_heartbeats.at, excluded.at)', [
          r.owner,
          r.at,
        ]);
      }
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    }
    // Fresh planner statistics, so the first questions on the copy use the full-text index well.
    await client.query('ANALYZE');
    return { target, sqlite, postgresBefore, postgresAfter: await postgresCounts(client), articles: { copied, alreadyThere } };
  } finally {
    await client.end().catch(() => {});
    await store.close();
    src.close();
  }
}

/** The report as the CLI prints it: a row per table, SQLite beside PostgreSQL before and after. */
export function formatCopyReport(sqlitePath: string, r: CopyReport): string[] {
  const rows = COPIED_TABLES.map((t) => [t.replace(/_/g, ' '), String(r.sqlite[t]), String(r.postgresBefore[t]), String(r.postgresAfter[t])]);
  const head = ['table', 'SQLite', 'PostgreSQL before', 'after'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [
    `copied ${sqlitePath} to PostgreSQL at ${r.target}`,
    line(head),
    ...rows.map(line),
    `articles: ${r.articles.copied} copied, ${r.articles.alreadyThere} already there`,
  ];
}
