/**
 * `npm start`: wires config, store, core, adapters and scheduler. It lives outside
 * src/ because it is the one place that knows both the core and the adapters.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { createConsoleAdapter } from '../adapters/console/index.js';
import type { Adapter } from '../src/adapter.js';
import { ingestInputs } from '../src/articles/ingest.js';
import { buildBrief } from '../src/briefing/build.js';
import { samplesBrief } from '../src/briefing/samples.js';
import { renderText } from '../src/messages/render-text.js';
import { formatDefinitionErrors, formatInZone, loadBriefDefinitions } from '../src/briefing/load-definitions.js';
import { ConfigError, loadConfig, type Config } from '../src/config.js';
import { createCore, type CoreOptions } from '../src/core.js';
import { errorMessage } from '../src/errors.js';
import { createLogger, type Logger } from '../src/logger.js';
import { configSecrets, secretScrubber } from '../src/redact.js';
import { handleBriefbotCommand } from '../src/commands/briefbot.js';
import { createMetrics, startHealthServer } from '../src/health.js';
import { createScheduler } from '../src/schedule/scheduler.js';
import { createSourceManager } from '../src/sources/manager.js';
import { StoreUnavailableError } from '../src/store/errors.js';
import { openStore, type StoreLocation } from '../src/store/open.js';
import { describePostgresUrl } from '../src/store/postgres/index.js';
import { closeSharedWorkers, configureSharedWorkers, sharedWorkers } from '../src/workers/workers.js';
import { registerWorkerMetrics } from '../src/workers/metrics.js';

export interface Running {
  stop(): Promise<void>;
}

// The platform SDKs are large: load each only when its tokens are configured, so the console starts fast.
const loadSlack = () => import('../adapters/slack/index.js');
const loadDiscord = () => import('../adapters/discord/index.js');

async function adapterProblems(cfg: Config): Promise<string[]> {
  return [
    ...(cfg.slack ? (await loadSlack()).validateSlackConfig(cfg.slack) : []),
    ...(cfg.discord ? (await loadDiscord()).validateDiscordConfig(cfg.discord) : []),
  ];
}

/**
 * Questions are answered in the worker pool, each worker reading the store through its
 * own connection, so the main thread stays free to read sockets and acknowledge. An
 * in-memory SQLite store exists only in this thread: its questions are answered inline.
 */
function answerer(cfg: Config, log: Logger): CoreOptions['answer'] {
  // The same settings the main thread opened the store with (a database URL, when configured, wins).
  const { dbPath, databaseUrl } = cfg;
  if (!databaseUrl && dbPath === ':memory:') {
    log.warn('BRIEFBOT_DB is :memory:, which worker threads cannot open: questions are answered on the main thread');
    return undefined;
  }
  const location: StoreLocation = { dbPath: dbPath === ':memory:' ? dbPath : resolve(dbPath), databaseUrl };
  return (question, now, context) => sharedWorkers().ask(location, question, now, context);
}

/** The terminal bot runs when asked to, or by default when no platform is configured. */
export function consoleEnabled(cfg: Config): boolean {
  return cfg.console === 'on' || (cfg.console === 'auto' && !cfg.slack && !cfg.discord);
}

export async function start(cfg: Config, log: Logger, io = { input: process.stdin, output: process.stdout }): Promise<Running> {
  configureSharedWorkers({ size: cfg.workers, extractTimeoutMs: cfg.extractTimeoutMs });
  // The threads load their code on the other core while this one opens the store and connects.
  sharedWorkers().pool.warm();
  // Which store this process uses is the first thing to know when two processes disagree (the logger hides a URL's password).
  log.debug({ store: cfg.databaseUrl ?? cfg.dbPath }, 'opening the store');
  const store = await openStore(cfg);
  log.info(cfg.databaseUrl ? `store: PostgreSQL at ${describePostgresUrl(cfg.databaseUrl)}` : `store: SQLite at ${cfg.dbPath}`);
  let samples: Awaited<ReturnType<typeof samplesBrief>>;
  if (cfg.loadSamples && (await store.articles.count()) === 0 && existsSync(cfg.samplesDir)) {
    const report = await ingestInputs(store, [cfg.samplesDir], { maxBytes: cfg.maxBytes });
    log.info({ added: report.added, errors: report.errors }, `store was empty: loaded ${report.added} sample articles from ${cfg.samplesDir}`);
    const ids = report.results.flatMap((r) => (r.status === 'added' ? [r.id] : []));
    samples = await samplesBrief(store, ids, new Date());
  }

  const loaded = existsSync(cfg.briefsDir) ? loadBriefDefinitions(cfg.briefsDir) : { briefs: [], errors: [] };
  for (const line of formatDefinitionErrors(loaded.errors)) log.error(line);
  const briefs = loaded.briefs;

  const metrics = createMetrics({ defaultMetrics: true });
  registerWorkerMetrics(metrics.registry, sharedWorkers().pool);
  const sources = createSourceManager({
    store,
    feeds: cfg.sources,
    folders: cfg.sourceFolders,
    allowPrivate: cfg.allowPrivateUrls,
    intervalMs: cfg.sourcePollMs,
    log,
    metrics: metrics.sourcePolls,
  });
  const answer = answerer(cfg, log);
  const core = createCore({
    store,
    briefs: () => briefs,
    log,
    admins: cfg.admins,
    briefbot: handleBriefbotCommand,
    addSource: sources.addSource,
    answer,
    onAnswer: metrics.recordAnswer,
  });

  const adapters: Adapter[] = [];
  const consoleOn = consoleEnabled(cfg);
  if (consoleOn) adapters.push(createConsoleAdapter({ input: io.input, output: io.output }));
  if (cfg.slack) adapters.push((await loadSlack()).createSlackAdapter({ ...cfg.slack, admins: cfg.admins, logger: log.child({ adapter: 'slack' }) }));
  if (cfg.discord) adapters.push((await loadDiscord()).createDiscordAdapter({ ...cfg.discord, admins: cfg.admins, logger: log.child({ adapter: 'discord' }) }));

  for (const a of adapters) {
    await a.start(core);
    log.info({ adapter: a.platform }, `${a.platform} adapter started`);
  }

  const scheduler = createScheduler({
    store,
    briefs,
    adapters: new Map(adapters.map((a) => [a.platform, a])),
    buildBrief,
    log,
    graceMs: cfg.catchUpGraceMs,
    retry: { maxAttempts: cfg.deliveryAttempts },
    leaseMs: cfg.deliveryLeaseMs,
    // The sweep is what finds a dead process's deliveries once their leases end: look at least twice per lease.
    sweepMs: Math.min(60_000, cfg.deliveryLeaseMs / 2),
    metrics: metrics.deliveries,
  });
  // Catching up on missed briefs may take minutes of retries: start() does not wait for it,
  // so SIGTERM is handled (and ends the retry waits) from the first moment.
  const schedulerStarted = scheduler.start().catch((err) => log.error({ err }, 'scheduler start failed'));
  await sources.start();
  const health = cfg.health
    ? await startHealthServer({
        port: cfg.health.port,
        host: cfg.health.host,
        registry: metrics.registry,
        checks: {
          adapters: () => Object.fromEntries(adapters.map((a) => [a.platform, a.isConnected?.() ?? true])),
          store: () => store.ping(),
          lastTickAt: () => scheduler.lastTickAt(),
        },
      })
    : undefined;
  if (health) log.info({ port: health.port }, 'health and metrics served on /healthz and /metrics');
  const due = scheduler
    .nextRuns()
    .sort((a, b) => a.at.getTime() - b.at.getTime())
    .map((run) => {
      const brief = briefs.find((b) => b.name === run.brief);
      return { ...run, when: brief ? formatInZone(run.at, brief.timezone) : run.at.toISOString() };
    });
  for (const run of due) log.info({ brief: run.brief, at: run.at.toISOString() }, `next brief "${run.brief}" due ${run.when}`);
  if (consoleOn) {
    const stored = await store.articles.count();
    const next = due[0] ? ` Next brief "${due[0].brief}" is due ${due[0].when}.` : '';
    const what = samples
      ? `${stored} bundled sample ${stored === 1 ? 'article' : 'articles'} stored, published ${samples.published} (their own dates, so not in a 24-hour brief; their brief is below).`
      : `${stored} ${stored === 1 ? 'article' : 'articles'} stored.`;
    const brief = samples?.message ? `${renderText(samples.message)}\n` : '';
    io.output.write(`briefbot is ready: ${what}${next}\n${brief}Type /help, /brief [topic], /ask <question>, or just ask a question.\n`);
  }

  // Timers and sockets keep the process up; this keeps it up even when there are none (stdin closed, no briefs).
  const keepAlive = setInterval(() => {}, 1 << 30);
  return {
    async stop() {
      clearInterval(keepAlive);
      await health?.close();
      await sources.stop();
      await scheduler.stop();
      await schedulerStarted;
      for (const a of adapters) await a.stop().catch((err) => log.error({ err, adapter: a.platform }, 'adapter stop failed'));
      // Extractions and answers already started finish; nothing new is taken.
      await closeSharedWorkers();
      await store.close();
    },
  };
}

async function main(): Promise<void> {
  let cfg: Config;
  try {
    cfg = loadConfig();
    const problems = await adapterProblems(cfg);
    if (problems.length) throw new ConfigError(problems);
  } catch (err) {
    process.stderr.write(`briefbot: ${secretScrubber([])(errorMessage(err))}\n`);
    process.exit(2);
  }
  const log = createLogger(cfg.logLevel, process.stderr, { format: cfg.logFormat, consoleBot: consoleEnabled(cfg), secrets: configSecrets(cfg) });
  // Signals are handled from the first moment: start-up may take a while (a catch-up delivery, a slow
  // gateway), and a SIGTERM meanwhile must still end in a clean stop, not the default instant exit.
  let stopping = false;
  const starting = start(cfg, log);
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down: finishing deliveries in flight');
    const running = await starting.catch(() => undefined);
    if (!running) return; // start-up failed: its own handler reports and exits
    await running.stop();
    log.info('stopped cleanly');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  try {
    await starting;
  } catch (err) {
    // An unreachable store is the operator's to fix, said in one line; anything else is a bug, logged with its stack.
    if (!(err instanceof StoreUnavailableError)) log.error({ err }, 'start-up failed');
    process.stderr.write(`briefbot: could not start: ${secretScrubber(configSecrets(cfg))(errorMessage(err))}\n`);
    process.exit(1);
  }
  process.on('unhandledRejection', (err) => log.error({ err }, 'unhandled rejection (kept running)'));
  log.info('started: running until SIGTERM');
}

if (process.argv[1]?.endsWith('bin/start.ts')) await main();
