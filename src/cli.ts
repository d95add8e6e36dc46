import { createInterface } from 'node:readline';
import { Command, InvalidArgumentError } from 'commander';
import { ingestInputs, readInputs, type IngestOptions } from './articles/ingest.js';
import { terminalProgress } from './articles/progress.js';
import { ask } from './ask/answer.js';
import { buildBrief } from './briefing/build.js';
import { checkBriefs, formatInZone, loadBriefDefinitions, parseDuration } from './briefing/load-definitions.js';
import type { BriefDefinition } from './briefing/definition.js';
import type { BriefOptions } from './briefing/build.js';
import type { Message } from './messages/message.js';
import { composeRun } from './schedule/run-brief.js';
import { nextSlot } from './schedule/slots.js';
import { answerMessage } from './commands/ask.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { BriefbotError, errorMessage } from './errors.js';
import { renderText } from './messages/render-text.js';
import { splitSentences } from './nlp/sentences.js';
import { summarizeSentences } from './summarize/summarize.js';
import { formatDeliveries, listDeliveries } from './schedule/deliveries.js';
import { copySqliteToPostgres, formatCopyReport } from './store/copy-to-postgres.js';
import { openStore } from './store/open.js';
import { configureSharedWorkers } from './workers/workers.js';
import { isPostgresUrl } from './store/postgres/index.js';
import { openSqliteStore } from './store/sqlite/index.js';
import type { Store } from './store/store.js';

/**
 * The `briefbot` command line. Expected failures (bad input, bad config) print one
 * line naming the input and the reason; only bugs print a stack.
 */
function config(): Config {
  return loadConfig();
}

/** `--db <path>` names a SQLite file explicitly; otherwise the configured store. */
async function withStore<T>(dbOption: string | undefined, fn: (store: Store) => T | Promise<T>): Promise<T> {
  const store = dbOption ? openSqliteStore(dbOption) : await openStore(config());
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

function ingestOptions(opts: { maxBytes?: number; allowPrivate?: boolean }): IngestOptions {
  const cfg = config();
  configureSharedWorkers({ size: cfg.workers, extractTimeoutMs: cfg.extractTimeoutMs });
  return { maxBytes: opts.maxBytes ?? cfg.maxBytes, allowPrivate: opts.allowPrivate ?? cfg.allowPrivateUrls, extractTimeoutMs: cfg.extractTimeoutMs };
}

const positiveInt = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('must be a positive whole number');
  return n;
};
const duration = (v: string) => {
  const ms = parseDuration(v);
  if (ms === undefined) throw new InvalidArgumentError('must be a duration like 24h, 90m or 7d');
  return ms;
};
const collect = (v: string, prev: string[] = []) => [...prev, v];
const postgresUrl = (v: string) => {
  if (!isPostgresUrl(v)) throw new InvalidArgumentError('must be a postgres:// or postgresql:// URL');
  return v;
};
const fail = (input: string, reason: string) => process.stderr.write(`briefbot: ${input}: ${reason}\n`);

/** What `briefbot preview` builds in the core and hands to the platform renderers. */
export interface PreviewInput {
  brief: BriefDefinition;
  /** The next run's slot, and how it reads in the brief's time zone. */
  slot: Date;
  when: string;
  options: BriefOptions;
  /** What the run would post; null when it would post nothing (when_empty: skip). */
  message: Message | null;
  /** The plain text the console adapter prints. */
  consoleText: string;
}

/**
 * Drawing a message the way Slack and Discord show it needs the adapters' renderers,
 * which the core never imports: the entry point (bin/briefbot.js) passes this in.
 * Returns the lines to print.
 */
export type PreviewRenderer = (input: PreviewInput, opts: { html?: string; open?: boolean }) => Promise<string[]>;

export interface CliPlugins {
  preview?: PreviewRenderer;
}

/** `--since 2004-12-01` or `--since 30d`. */
const dateOrDuration = (v: string): { at: Date } | { ms: number } => {
  const ms = parseDuration(v);
  if (ms !== undefined) return { ms };
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw new InvalidArgumentError('must be a date (2005-01-01) or a duration (30d)');
  return { at: new Date(t) };
};

export function buildCli(plugins: CliPlugins = {}): Command {
  const program = new Command('briefbot')
    .description('News briefs and cited answers, from the command line. `npm start` runs the bot itself.')
    .showHelpAfterError();

  program
    .command('ingest')
    .description('store articles from text/Markdown/HTML files, folders (recursively), feeds (RSS, Atom, JSON Feed) and http(s) URLs')
    .argument('<inputs...>', 'files, folders or URLs')
    .option('--db <path>', 'SQLite file (default: the configured store, DATABASE_URL or BRIEFBOT_DB)')
    .option('--max-bytes <n>', 'largest file or page to read', positiveInt)
    .option('--allow-private', 'let URLs reach private and loopback addresses (local testing)')
    .action(async (inputs: string[], opts) => {
      const progress = terminalProgress();
      const report = await withStore(opts.db, (store) => ingestInputs(store, inputs, { ...ingestOptions(opts), onProgress: progress.update })).finally(progress.done);
      for (const r of report.results) {
        if (r.status === 'added') process.stdout.write(`added      #${r.id} ${r.title}\n`);
        else if (r.status === 'duplicate') process.stdout.write(`skipped    #${r.id} ${r.title} (duplicate ${r.reason === 'url' ? 'URL' : 'text'})\n`);
        else fail(r.input, r.error);
      }
      process.stdout.write(`${report.added} added, ${report.duplicates} skipped as duplicates, ${report.errors} failed\n`);
      if (report.errors > 0) process.exitCode = 1;
    });

  program
    .command('extract')
    .description('print each article exactly as it would be stored (cleaned), without storing it')
    .argument('<inputs...>', 'files, folders or URLs')
    .option('--json', 'one JSON object per article: {input, title, source, url, publishedAt, body}')
    .option('--max-bytes <n>', 'largest file or page to read', positiveInt)
    .option('--allow-private', 'let URLs reach private and loopback addresses (local testing)')
    .action(async (inputs: string[], opts) => {
      let first = true;
      for await (const r of readInputs(inputs, ingestOptions(opts))) {
        if ('error' in r) {
          fail(r.input, r.error.message);
          process.exitCode = 1;
          continue;
        }
        const a = r.article;
        if (opts.json) {
          process.stdout.write(`${JSON.stringify({ input: r.input, title: a.title, source: a.source, url: a.url ?? null, publishedAt: a.publishedAt, body: a.body })}\n`);
        } else {
          if (!first) process.stdout.write('\n---\n\n');
          first = false;
          process.stdout.write(`Title:  ${a.title}\nSource: ${a.source}\nURL:    ${a.url ?? '-'}\nDate:   ${a.publishedAt} (${a.publishedAtSource})\n\n${a.body}\n`);
        }
      }
    });

  program
    .command('summarize')
    .description('the sentences that carry each story, verbatim, and its key figures')
    .argument('<inputs...>', 'files, folders or URLs')
    .option('--sentences <n>', 'sentences per summary', positiveInt, 3)
    .option('--json', 'one JSON object per article')
    .action(async (inputs: string[], opts) => {
      for await (const r of readInputs(inputs, ingestOptions({}))) {
        if ('error' in r) {
          fail(r.input, r.error.message);
          process.exitCode = 1;
          continue;
        }
        const summary = summarizeSentences(splitSentences(r.article.body), { title: r.article.title, sentences: opts.sentences, language: r.article.language });
        if (opts.json) {
          process.stdout.write(`${JSON.stringify({ input: r.input, title: r.article.title, sentences: summary.sentences, figures: summary.figures.map(({ measure, value, kind }) => ({ measure: measure ?? null, value, kind })) })}\n`);
        } else {
          process.stdout.write(`${r.article.title}\n${summary.sentences.map((s) => `  ${s}`).join('\n')}\n`);
          for (const f of summary.figures) process.stdout.write(`  Key figure: ${f.measure ? `${f.measure}: ` : ''}${f.value}\n`);
          process.stdout.write('\n');
        }
      }
    });

  program
    .command('brief')
    .description('build a brief of the stored stories in a time window')
    .option('--since <duration>', 'how far back', duration, 24 * 3_600_000)
    .option('--topic <keyword>', 'only stories mentioning it (repeatable)', collect)
    .option('--source <name>', 'only stories from this source name or host (repeatable)', collect)
    .option('--max <n>', 'most stories', positiveInt, 5)
    .option('--db <path>', 'SQLite file')
    .option('--json', 'print the neutral message as JSON')
    .action(async (opts) => {
      await withStore(opts.db, async (store) => {
        const until = new Date();
        const brief = await buildBrief(store, { since: new Date(until.getTime() - opts.since), until, topics: opts.topic, sources: opts.source, maxStories: opts.max });
        if (opts.json) process.stdout.write(`${JSON.stringify(brief)}\n`);
        else process.stdout.write(`${brief ? renderText(brief) : 'No stories in that window.'}\n`);
      });
    });

  program
    .command('ask')
    .description('the stored sentence that answers a question, with its source; with no question, one question per line from stdin')
    .argument('[question...]', 'the question')
    .option('--db <path>', 'SQLite file')
    .option('--json', 'print {question, answer, alternatives} (JSON lines when reading stdin)')
    .action(async (words: string[], opts) => {
      await withStore(opts.db, async (store) => {
        const answerOne = async (q: string) => {
          const result = await ask(store, q);
          if (opts.json) return JSON.stringify(result);
          return renderText(answerMessage(result, await store.articles.count()));
        };
        if (words.length > 0) {
          process.stdout.write(`${await answerOne(words.join(' '))}\n`);
          return;
        }
        const rl = createInterface({ input: process.stdin, terminal: false });
        for await (const line of rl) {
          if (!line.trim()) continue;
          // One answer per line, so outputs stay aligned with inputs.
          const out = await answerOne(line);
          process.stdout.write(`${opts.json ? out : out.replace(/\n/g, ' ')}\n`);
        }
      });
    });

  program
    .command('preview')
    .description("what a brief's next run would post (same window, topics, sources, limits), drawn as Slack and Discord show it, with the console text")
    .argument('<brief>', 'the brief name')
    .option('--html <file>', 'write the preview page here')
    .option('--open', 'open the page in a browser (written to a temporary file unless --html is given)')
    .option('--since <date|duration>', "start the window here instead of where the definition says (try a definition on older stories, e.g. the samples' 2005-01-01)", dateOrDuration)
    .option('--dir <folder>', 'brief definitions (default: BRIEFBOT_BRIEFS_DIR or ./briefs)')
    .option('--db <path>', 'SQLite file')
    .action(async (name: string, opts) => {
      if (!plugins.preview) throw new BriefbotError('no_preview', 'preview draws with the adapters; run it as `npx briefbot preview` (bin/briefbot.js)');
      const dir = opts.dir ?? config().briefsDir;
      const { briefs, errors } = loadBriefDefinitions(dir);
      const brief = briefs.find((b) => b.name.toLowerCase() === name.toLowerCase());
      if (!brief) {
        const bad = errors.find((e) => e.file.replace(/\.ya?ml$/, '').endsWith(name));
        const known = briefs.length ? `briefs: ${briefs.map((b) => b.name).join(', ')}` : `no valid briefs in ${dir}`;
        throw new BriefbotError('unknown_brief', bad ? `${bad.file}: ${bad.message}` : `there is no brief called "${name}" (${known})`);
      }
      const now = new Date();
      const slot = nextSlot(brief, now);
      await withStore(opts.db, async (store) => {
        const since: { at: Date } | { ms: number } | undefined = opts.since;
        const windowStart = since ? ('at' in since ? since.at : new Date(slot.getTime() - since.ms)) : undefined;
        const { message: msg, options } = await composeRun(store, brief, slot, buildBrief, windowStart);
        const when = formatInZone(slot, brief.timezone);
        const consoleText = msg ? renderText(msg) : `Nothing would be posted: no stories in the window match, and ${brief.file} says when_empty: skip.`;
        const lines = await plugins.preview!({ brief, slot, when, options, message: msg, consoleText }, { html: opts.html, open: opts.open });
        for (const line of lines) process.stdout.write(`${line}\n`);
      });
    });

  const briefs = program.command('briefs').description('brief definitions');
  briefs
    .command('check')
    .description('validate the brief definitions and show when each runs next')
    .argument('[dir]', 'folder of brief definitions (default: BRIEFBOT_BRIEFS_DIR or ./briefs)')
    .action((dir: string | undefined) => {
      const result = checkBriefs(dir ?? config().briefsDir);
      for (const line of result.lines) process.stdout.write(`${line}\n`);
      if (!result.ok) process.exitCode = 1;
    });

  program
    .command('deliveries')
    .description('recent scheduled deliveries with their status and error')
    .option('--limit <n>', 'how many', positiveInt, 50)
    .option('--db <path>', 'SQLite file')
    .action(async (opts) => {
      await withStore(opts.db, async (store) => {
        for (const line of formatDeliveries(await listDeliveries(store, opts.limit))) process.stdout.write(`${line}\n`);
      });
    });

  program
    .command('migrate')
    .description('copy the SQLite store (articles with their sentences and summaries, subscriptions, sources and seen items, delivery ledger, follow-up threads, shares) into PostgreSQL in one transaction')
    .requiredOption('--to <url>', 'the PostgreSQL database (postgres:// or postgresql://)', postgresUrl)
    .option('--db <path>', 'SQLite file (default: BRIEFBOT_DB or ./data/briefbot.db)')
    .option('--append', 'copy into a database that already holds data; rows already there are not copied twice')
    .action(async (opts: { to: string; db?: string; append?: boolean }) => {
      const path = opts.db ?? config().dbPath;
      const report = await copySqliteToPostgres(path, opts.to, { append: opts.append, progress: (line) => process.stderr.write(`${line}\r`) });
      process.stderr.write('\n');
      for (const line of formatCopyReport(path, report)) process.stdout.write(`${line}\n`);
    });

  return program;
}

export async function runCli(argv: string[], plugins: CliPlugins = {}): Promise<void> {
  try {
    await buildCli(plugins).parseAsync(argv);
  } catch (err) {
    if (err instanceof ConfigError) process.stderr.write(`briefbot: ${err.message}\n`);
    else if (err instanceof BriefbotError) process.stderr.write(`briefbot: ${err.message}\n`);
    else process.stderr.write(`briefbot: unexpected error: ${err instanceof Error ? err.stack : errorMessage(err)}\n`);
    process.exitCode = 1;
  }
}

