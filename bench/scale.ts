/**
 * `npm run bench -- --store postgres`: the PostgreSQL store and several bot processes.
 *
 * - /ask on PostgreSQL at the big store's size, beside a naive full-text query on the same
 *   database, and the share of answers holding the gold answer on both stores.
 * - Delivery of one brief to many channels by 1, 2 and 3 `npm start` processes on one
 *   PostgreSQL database (fake Slack and fake Discord behind their rate-limiting proxies),
 *   each N beside the single-process figure, with lost and duplicated posts counted; and
 *   once more with 3 processes, one of them SIGKILLed a third of the way through.
 * - Ingest into PostgreSQL beside SQLite, same articles.
 *
 * The server is BRIEFBOT_BENCH_DATABASE_URL (default: the local one, user postgres). Each
 * run works in databases of its own, dropped afterwards, except the big /ask store, which
 * is kept (like bench/.cache) as briefbot_bench_ask_<articles>_b<version>.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { ask } from '../src/ask/answer.js';
import { ingestInputs } from '../src/articles/ingest.js';
import { copySqliteToPostgres } from '../src/store/copy-to-postgres.js';
import { openPostgresStore } from '../src/store/postgres/index.js';
import { createScratchDatabase, withDatabase } from '../src/store/postgres/scratch.js';
import { openSqliteStore } from '../src/store/sqlite/index.js';
import { fakeArticles, spreadDates, writeTextArticles } from './articles.js';
import { correct, naiveWords } from './ask.js';
import { BIG_STORE_NOW, ensureBigStore } from './big-store.js';
import { loadCorpus, repoRoot, sample } from './corpus.js';
import { startHost, type Host } from './delivery.js';
import { DISCORD, SLACK } from './fakes/host.js';
import type { Figure } from './report.js';
import { mean, percentile, timedAsync } from './stats.js';

export interface ScaleBenchOptions {
  articles: number;
  questions: number;
  channels: number;
  ingest: number;
  log: (s: string) => void;
  /** Which PostgreSQL parts to run (`--only pg-ask,pg-ingest,pg-delivery`); all when unset. */
  parts?: ScalePart[];
}

export type ScalePart = 'pg-ask' | 'pg-ingest' | 'pg-delivery';
export const SCALE_PARTS: ScalePart[] = ['pg-ask', 'pg-ingest', 'pg-delivery'];

export const BENCH_DATABASE_URL = process.env.BRIEFBOT_BENCH_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
/** Bump when the big PostgreSQL store must be rebuilt. */
const PG_BUILD = 2;

export async function benchScale(opts: ScaleBenchOptions): Promise<Figure[]> {
  const parts = new Set(opts.parts ?? SCALE_PARTS);
  const figures: Figure[] = [];
  if (parts.has('pg-ask')) figures.push(...(await askFigures(opts)));
  if (parts.has('pg-ingest')) figures.push(...(await ingestFigures(opts)));
  if (parts.has('pg-delivery')) figures.push(...(await deliveryFigures(opts, 'slack')), ...(await deliveryFigures(opts, 'discord')));
  return figures;
}

// ---- /ask -------------------------------------------------------------------------------

async function databaseExists(name: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: BENCH_DATABASE_URL });
  await client.connect();
  try {
    return (await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1;
  } finally {
    await client.end();
  }
}

/**
 * What autovacuum does within a minute or so of a big write, done before measuring so that
 * every run sees the steady state: the postings' pages marked all-visible (index-only scans
 * then skip the heap). Quick when there is nothing to do.
 */
async function settle(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('VACUUM (ANALYZE) sentence_postings');
  } finally {
    await client.end();
  }
}

/**
 * The big store copied into PostgreSQL once, through `briefbot migrate --to`'s own bulk copy
 * (COPY FROM STDIN, the full-text index built after the load), and kept. A database left
 * part-way (a run stopped during the copy, whose transaction never committed) is made anew.
 */
async function bigPostgresStore(sqlitePath: string, articles: number, log: (s: string) => void): Promise<{ url: string; copiedMs: number | null }> {
  const name = `briefbot_bench_ask_${articles}_b${PG_BUILD}`;
  const url = withDatabase(BENCH_DATABASE_URL, name);
  if (await databaseExists(name)) {
    // Opening applies any newer migration (which may rebuild derived tables: it is logged as it goes).
    const started = performance.now();
    const store = await openPostgresStore(url);
    const n = await store.articles.count();
    await store.close();
    if (performance.now() - started > 10_000) log(`  scale: ${name} migrated in ${((performance.now() - started) / 1000).toFixed(0)} s`);
    if (n === articles) {
      await settle(url);
      return { url, copiedMs: null };
    }
    log(`  scale: ${name} holds ${n} articles, not ${articles}: copying it anew`);
  }
  const admin = new pg.Client({ connectionString: BENCH_DATABASE_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const started = performance.now();
  let last = 0;
  await copySqliteToPostgres(sqlitePath, url, {
    progress: (line) => {
      // A line every few seconds is enough in a log.
      if (performance.now() - last < 10_000 && !/index|analyz/.test(line)) return;
      last = performance.now();
      log(`  scale: ${line} (${((performance.now() - started) / 1000).toFixed(0)} s)`);
    },
  });
  const copiedMs = performance.now() - started;
  await settle(url);
  log(`  scale: big store copied into PostgreSQL in ${(copiedMs / 1000).toFixed(0)} s (${Math.round(articles / (copiedMs / 60_000))} articles/min)`);
  return { url, copiedMs };
}

async function askFigures(opts: ScaleBenchOptions): Promise<Figure[]> {
  const big = ensureBigStore(opts.articles, opts.log);
  const { url, copiedMs } = await bigPostgresStore(big.path, big.articles, opts.log);
  const pgStore = await openPostgresStore(url);
  const sqlite = openSqliteStore(big.path);
  try {
    const drawn = sample(loadCorpus().questions, opts.questions + 20, 7);
    const [warmUp, questions] = [drawn.slice(0, 20), drawn.slice(20)];
    const now = BIG_STORE_NOW;
    for (const q of warmUp) {
      await ask(pgStore, q.question, { now });
      await pgStore.articles.searchSentencesNaive(naiveWords(q.question), 1);
    }
    const askMs: number[] = [];
    // This process's CPU time for the PostgreSQL /ask (the server's own is not in it), beside the wall time.
    let askCpuMs = 0;
    const naiveMs: number[] = [];
    // The SQLite store on the same questions, interleaved: on a shared machine, what load alone does to a latency.
    const sqliteMs: number[] = [];
    let pgRight = 0;
    let sqliteRight = 0;
    let naiveRight = 0;
    let same = 0;
    for (const [i, q] of questions.entries()) {
      // Interleaved, so both queries see the same cache state and machine load.
      const cpu = process.cpuUsage();
      const a = await timedAsync(() => ask(pgStore, q.question, { now }));
      const used = process.cpuUsage(cpu);
      askCpuMs += (used.user + used.system) / 1000;
      const n = await timedAsync(() => pgStore.articles.searchSentencesNaive(naiveWords(q.question), 1));
      const s = await timedAsync(() => ask(sqlite, q.question, { now }));
      askMs.push(a.ms);
      sqliteMs.push(s.ms);
      naiveMs.push(n.ms);
      if (correct(a.value, q)) pgRight++;
      if (correct(s.value, q)) sqliteRight++;
      if (correct(n.value[0]?.text, q)) naiveRight++;
      if ((a.value.answer?.sentence ?? null) === (s.value.answer?.sentence ?? null)) same++;
      if ((i + 1) % 250 === 0) opts.log(`  scale ask: ${i + 1}/${questions.length} questions`);
    }
    const k = questions.length;
    const size = `${big.articles} articles, ${big.sentences} sentences, ${k} SQuAD questions`;
    const figures: Figure[] = [50, 95, 99].map((p) => ({
      section: 'scale',
      name: `PostgreSQL /ask p${p} latency`,
      value: percentile(askMs, p),
      unit: 'ms',
      baseline: { name: `naive PostgreSQL full-text OR top-1 p${p}`, value: percentile(naiveMs, p) },
      ratio: percentile(naiveMs, p) / percentile(askMs, p),
      ratioLabel: '× faster',
      target: p === 99 ? { op: '<=', value: 50 } : undefined,
      note: `${p === 50 ? `${size}; ` : ''}SQLite store, same questions and run: p${p} ${percentile(sqliteMs, p).toFixed(1)} ms`,
    }));
    figures.push(
      {
        section: 'scale',
        name: 'PostgreSQL /ask mean latency',
        value: mean(askMs),
        unit: 'ms',
        baseline: { name: 'naive mean', value: mean(naiveMs) },
        ratio: mean(naiveMs) / mean(askMs),
        ratioLabel: '× faster',
        note: `bench process CPU ${(askCpuMs / k).toFixed(1)} ms per question (the server's not counted); SQLite mean ${mean(sqliteMs).toFixed(1)} ms; load average ${loadavg().map((x) => x.toFixed(2)).join(' ')} at the end`,
      },
      {
        section: 'scale',
        name: 'answers holding the gold answer, PostgreSQL',
        value: (100 * pgRight) / k,
        unit: '%',
        baseline: { name: 'SQLite store, same questions', value: (100 * sqliteRight) / k },
        ratio: pgRight / Math.max(1, sqliteRight),
        target: { op: '>=', value: (100 * sqliteRight) / k },
        note: `naive PostgreSQL top-1 ${((100 * naiveRight) / k).toFixed(1)}%; same answer sentence on both stores for ${same}/${k}`,
      },
    );
    if (copiedMs !== null) {
      figures.push({
        section: 'scale',
        name: 'copy the big store into PostgreSQL (briefbot migrate)',
        value: big.articles / (copiedMs / 60_000),
        unit: 'articles/min',
        note: `${big.articles} articles, ${big.sentences} sentences in ${(copiedMs / 1000).toFixed(0)} s: COPY FROM STDIN, full-text index built after the load`,
      });
    }
    return figures;
  } finally {
    await pgStore.close();
    await sqlite.close();
  }
}

// ---- ingest ------------------------------------------------------------------------------

async function ingestFigures(opts: ScaleBenchOptions): Promise<Figure[]> {
  const root = mkdtempSync(join(tmpdir(), 'briefbot-bench-scale-ingest-'));
  const db = await createScratchDatabase(BENCH_DATABASE_URL, 'briefbot_bench');
  try {
    const dir = join(root, 'text');
    writeTextArticles(dir, fakeArticles(opts.ingest, 300), spreadDates(opts.ingest, new Date(), 24));
    const sqlite = openSqliteStore(join(root, 'ingest.db'));
    const lite = await timedAsync(() => ingestInputs(sqlite, [dir]));
    await sqlite.close();
    const pgStore = await openPostgresStore(db.url);
    const onPg = await timedAsync(() => ingestInputs(pgStore, [dir]));
    await pgStore.close();
    const rate = (r: { ms: number; value: { added: number } }) => r.value.added / (r.ms / 1000);
    opts.log(`  scale ingest: PostgreSQL ${rate(onPg).toFixed(0)} articles/s, SQLite ${rate(lite).toFixed(0)} articles/s`);
    return [
      {
        section: 'scale',
        name: 'ingest plain text into PostgreSQL',
        value: rate(onPg),
        unit: 'articles/s',
        baseline: { name: 'same articles into SQLite', value: rate(lite) },
        ratio: rate(onPg) / rate(lite),
        ratioLabel: ' of SQLite',
        note: `${onPg.value.added} articles (SQLite ${lite.value.added})`,
      },
    ];
  } finally {
    await db.drop();
    rmSync(root, { recursive: true, force: true });
  }
}

// ---- delivery by N processes -------------------------------------------------------------

interface Bot {
  child: ChildProcess;
  log: string;
  exited: Promise<void>;
}

function startBot(env: Record<string, string>): Bot {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bin/start.ts'], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', BRIEFBOT_CONSOLE: 'false', LOG_LEVEL: 'info', ...env },
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  child.stdin!.end();
  const bot: Bot = { child, log: '', exited: new Promise((resolve) => child.on('exit', () => resolve())) };
  child.stderr!.on('data', (d: Buffer) => (bot.log += d.toString()));
  return bot;
}

async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs: number, everyMs = 100): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`bench: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

interface DeliveryRun {
  processes: number;
  killed: boolean;
  seconds: number;
  posts: number;
  lost: number;
  duplicated: number;
}

/** One brief, due at a slot a little ahead, to every channel, by `n` processes on a fresh database. */
async function deliverWith(platform: 'slack' | 'discord', n: number, kill: boolean, opts: ScaleBenchOptions): Promise<DeliveryRun> {
  const channels = Array.from({ length: opts.channels }, (_, i) => (platform === 'slack' ? SLACK.channel(i) : DISCORD.channel(i)));
  const host: Host = await startHost(platform, opts.channels);
  const db = await createScratchDatabase(BENCH_DATABASE_URL, 'briefbot_bench');
  const dir = mkdtempSync(join(tmpdir(), 'briefbot-bench-scale-'));
  const bots: Bot[] = [];
  try {
    // Migrate once before the processes start (they would do it under the advisory lock anyway).
    await (await openPostgresStore(db.url)).close();
    mkdirSync(join(dir, 'briefs'));
    // Far enough ahead for every process to be up; the clock is read to the second.
    const slot = new Date(Math.ceil((Date.now() + 25_000) / 1000) * 1000);
    writeFileSync(
      join(dir, 'briefs', 'bench.yaml'),
      [
        'name: bench',
        `schedule: "${slot.getUTCSeconds()} ${slot.getUTCMinutes()} ${slot.getUTCHours()} * * *"`,
        'timezone: UTC',
        'when_empty: notice',
        'targets:',
        ...channels.map((c) => `  - ${platform}:${c}`),
        '',
      ].join('\n'),
    );
    const env: Record<string, string> = {
      DATABASE_URL: db.url,
      BRIEFBOT_DB: join(dir, 'unused.db'),
      BRIEFBOT_BRIEFS_DIR: join(dir, 'briefs'),
      BRIEFBOT_LOAD_SAMPLES: 'false',
      BRIEFBOT_DELIVERY_LEASE: '5s',
      ...(platform === 'slack'
        ? { SLACK_BOT_TOKEN: SLACK.botToken, SLACK_SIGNING_SECRET: 'bench-signing-secret', SLACK_API_URL: `${host.url}/api/`, SLACK_PORT: '0', SLACK_HOST: '127.0.0.1' }
        : { DISCORD_TOKEN: DISCORD.token, DISCORD_APPLICATION_ID: DISCORD.applicationId, DISCORD_API_URL: `${host.url}/api` }),
    };
    for (let i = 0; i < n; i++) bots.push(startBot(env));
    await until('the bot processes to start', () => bots.every((b) => b.log.includes('started: running until SIGTERM')), 90_000, 200);
    if (Date.now() > slot.getTime()) opts.log(`  scale delivery: processes started after the slot; the run measures from the slot anyway`);
    const posted = async () => {
      const counts = (await host.stats()).counts;
      return channels.reduce((a, c) => a + Math.min(1, counts[c] ?? 0), 0);
    };
    let killedOne = false;
    await until(
      'every channel to get the brief',
      async () => {
        const done = await posted();
        if (kill && !killedOne && done >= opts.channels / 3) {
          killedOne = true;
          bots[n - 1].child.kill('SIGKILL');
        }
        return done >= opts.channels;
      },
      10 * 60_000,
      50,
    );
    const seconds = (Date.now() - slot.getTime()) / 1000;
    // Whatever is still in flight lands before the processes stop; then the counts are final.
    for (const b of bots) if (b.child.exitCode === null && b.child.signalCode === null) b.child.kill('SIGTERM');
    await Promise.all(bots.map((b) => b.exited));
    const counts = (await host.stats()).counts;
    let lost = 0;
    let duplicated = 0;
    for (const c of channels) {
      const k = counts[c] ?? 0;
      if (k === 0) lost++;
      if (k > 1) duplicated += k - 1;
    }
    if (lost || duplicated) {
      // The processes' own account of what went wrong, kept for whoever looks into it.
      const dupes = channels.filter((c) => (counts[c] ?? 0) > 1);
      const logs = bots.map((b, i) => {
        const file = join(tmpdir(), `briefbot-bench-scale-${platform}-${n}${kill ? '-kill' : ''}-process${i + 1}.log`);
        writeFileSync(file, b.log);
        return file;
      });
      opts.log(`  scale delivery ${platform}: ${lost} lost, ${duplicated} duplicated (e.g. ${dupes.slice(0, 3).join(', ')}); process logs: ${logs.join(' ')}`);
    }
    return { processes: n, killed: kill, seconds, posts: channels.length - lost, lost, duplicated };
  } finally {
    for (const b of bots) if (b.child.exitCode === null && b.child.signalCode === null) b.child.kill('SIGKILL');
    await Promise.all(bots.map((b) => b.exited));
    await host.close();
    await db.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function deliveryFigures(opts: ScaleBenchOptions, platform: 'slack' | 'discord'): Promise<Figure[]> {
  const name = platform === 'slack' ? 'Slack' : 'Discord';
  const runs: DeliveryRun[] = [];
  for (const [n, kill] of [
    [1, false],
    [2, false],
    [3, false],
    [3, true],
  ] as const) {
    const run = await deliverWith(platform, n, kill, opts);
    runs.push(run);
    opts.log(
      `  scale delivery ${platform}: ${n} process${n === 1 ? '' : 'es'}${kill ? ' (one SIGKILLed)' : ''}: ${run.posts} posts in ${run.seconds.toFixed(1)} s, ${run.lost} lost, ${run.duplicated} duplicated`,
    );
  }
  const single = runs[0].posts / runs[0].seconds;
  const limit = platform === 'discord' ? `; Discord's global limit (${DISCORD.globalPerSecond}/s per bot token) is shared by every process` : '';
  const wrong = runs.reduce((a, r) => a + r.lost + r.duplicated, 0);
  const missing: Figure = {
    section: 'scale',
    name: `${name} posts lost or duplicated, all ${runs.length} runs`,
    value: wrong,
    unit: 'posts',
    target: { op: '<=', value: 0 },
    note: runs.map((r) => `${r.processes}${r.killed ? ' (one killed)' : ''}: ${r.lost} lost, ${r.duplicated} duplicated`).join('; '),
  };
  return [...runs.map((r) => {
    const rate = r.posts / r.seconds;
    return {
      section: 'scale',
      name: `${name} delivery, ${r.processes} process${r.processes === 1 ? '' : 'es'} on PostgreSQL${r.killed ? ', one SIGKILLed mid-way' : ''}`,
      value: rate,
      unit: 'posts/s',
      baseline: { name: '1 process, same run', value: single },
      ratio: rate / single,
      note: `${r.posts}/${opts.channels} channels from the slot in ${r.seconds.toFixed(1)} s; ${r.lost} lost, ${r.duplicated} duplicated${r.killed ? '; the dead one\'s claims finished after the 5 s lease' : ''}${limit}`,
    };
  }), missing];
}
