import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import pg from 'pg';
import { BriefbotError } from '../errors.js';
import { copyArticles } from './copy-articles-to-postgres.js';
import { copyRows } from './postgres/copy-rows.js';
import { describePostgresUrl, openPostgresStore } from './postgres/index.js';

/**
 * `briefbot migrate --to postgres://…`: copies a SQLite store into PostgreSQL in one
 * transaction (a copy cut short leaves the target as it was), every table with COPY FROM
 * STDIN. Rows already in the target are not copied again: running it twice with --append
 * adds nothing the second time.
 */

/** The tables compared on both sides, in the order they are printed. */
export const COPIED_TABLES = [
  'articles',
  'sentences',
  'subscriptions',
  'sources',
  'source_items',
  'brief_runs',
  'deliveries',
  'scheduler_heartbeats',
  'conversations',
  'shares',
] as const;
export type CopiedTable = (typeof COPIED_TABLES)[number];
export type TableCounts = Record<CopiedTable, number>;

export interface CopyReport {
  target: string;
  sqlite: TableCounts;
  postgresBefore: TableCounts;
  postgresAfter: TableCounts;
  articles: { copied: number; alreadyThere: number };
}

function sqliteTableExists(db: Database.Database, table: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(table) !== undefined;
}

/** An older SQLite store may lack a table a later version added: it holds none of those rows. */
function sqliteCounts(db: Database.Database): TableCounts {
  const out = {} as TableCounts;
  for (const t of COPIED_TABLES) out[t] = sqliteTableExists(db, t) ? (db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n : 0;
  return out;
}

async function postgresCounts(client: pg.Client): Promise<TableCounts> {
  const out = {} as TableCounts;
  for (const t of COPIED_TABLES) out[t] = Number((await client.query(`SELECT count(*) AS n FROM ${t}`)).rows[0].n);
  return out;
}

/**
 * The columns both sides have, in SQLite's order: a column an older SQLite store lacks takes
 * PostgreSQL's default (an older ledger row has posted no parts and is not in doubt).
 */
async function sharedColumns(src: Database.Database, client: pg.ClientBase, table: string): Promise<string[]> {
  const target = new Set(
    (
      await client.query<{ column_name: string }>(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 AND is_generated = 'NEVER'",
        [table],
      )
    ).rows.map((r) => r.column_name),
  );
  return (src.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name).filter((c) => target.has(c));
}

/**
 * How the staged rows of each table meet the rows already there. The last heartbeat tells
 * the scheduler how long the bot was down (slots missed during the move are caught up), so
 * the later one wins; a conversation points at its article's id in PostgreSQL.
 */
const MERGE: Partial<Record<CopiedTable, (columns: string[]) => string>> = {
  scheduler_heartbeats: (cols) =>
    `INSERT INTO scheduler_heartbeats (${cols}) SELECT ${cols} FROM staged_scheduler_heartbeats
     ON CONFLICT (owner) DO UPDATE SET at = GREATEST(scheduler_heartbeats.at, excluded.at)`,
  conversations: (cols) =>
    `INSERT INTO conversations (${cols}) SELECT ${cols.map((c) => (c === 'article_id' ? 'm.id' : `c.${c}`))}
     FROM staged_conversations c JOIN article_map m ON m.src_id = c.article_id ON CONFLICT DO NOTHING`,
};

/** Every row of a table besides articles and sentences: COPY into a staging table, then in, skipping what is there. */
async function copyTable(src: Database.Database, client: pg.ClientBase, table: CopiedTable): Promise<void> {
  if (!sqliteTableExists(src, table)) return;
  const columns = await sharedColumns(src, client, table);
  await client.query(`CREATE TEMP TABLE staged_${table} (LIKE ${table} INCLUDING DEFAULTS) ON COMMIT DROP`);
  // SQLite keeps booleans as 0/1, which PostgreSQL's boolean input reads as false/true.
  await copyRows(
    client,
    `staged_${table}`,
    columns,
    (src.prepare(`SELECT ${columns.join(', ')} FROM ${table}`).raw().iterate() as IterableIterator<unknown[]>),
  );
  const merge = MERGE[table];
  const cols = columns.join(', ');
  await client.query(merge ? merge(columns) : `INSERT INTO ${table} (${cols}) SELECT ${cols} FROM staged_${table} ON CONFLICT DO NOTHING`);
}

export async function copySqliteToPostgres(
  sqlitePath: string,
  url: string,
  opts: { append?: boolean; progress?: (line: string) => void } = {},
): Promise<CopyReport> {
  if (!existsSync(sqlitePath)) throw new BriefbotError('not_found', `no SQLite store at ${sqlitePath} (set BRIEFBOT_DB or pass --db)`);
  const target = describePostgresUrl(url);
  const src = new Database(sqlitePath, { readonly: true, fileMustExist: true });
  try {
    // Opening the store brings the target's schema up to date.
    await (await openPostgresStore(url, { maxConnections: 1 })).close();
  } catch (err) {
    src.close();
    throw err;
  }
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
    await client.query('BEGIN');
    let articles;
    try {
      articles = await copyArticles(client, src, sqlite, opts.progress);
      for (const t of COPIED_TABLES) if (t !== 'articles' && t !== 'sentences') await copyTable(src, client, t);
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    }
    // Fresh planner statistics, so the first questions on the copy use the full-text index well.
    opts.progress?.('analyzing');
    await client.query('ANALYZE');
    // Marks the postings' pages all-visible now rather than at autovacuum's next pass: index-only scans then skip the heap.
    await client.query('VACUUM sentence_postings');
    return { target, sqlite, postgresBefore, postgresAfter: await postgresCounts(client), articles: { copied: articles.copied, alreadyThere: articles.alreadyThere } };
  } finally {
    await client.end().catch(() => {});
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
