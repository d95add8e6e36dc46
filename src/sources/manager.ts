import { watch, type FSWatcher } from 'node:fs';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { safeFetch, type Fetcher } from '../articles/fetch.js';
import { errorMessage } from '../errors.js';
import type { Logger } from '../logger.js';
import type { SourceRecord } from '../store/schedule-types.js';
import type { Store } from '../store/store.js';
import { pollFeed, type PollResult } from './feed.js';
import { scanFolder } from './folder.js';

export interface SourcePollMetrics {
  inc(labels: { kind: 'feed' | 'folder'; result: 'ok' | 'not_modified' | 'error' }): void;
}

export interface SourceManagerOptions {
  store: Store;
  /** Feed URLs from configuration (BRIEFBOT_SOURCES). */
  feeds?: string[];
  /** Scraper output folders to watch. */
  folders?: string[];
  /** The safe fetcher by default; tests pass one bound to a local server. */
  fetch?: Fetcher;
  /** Let feeds live on private/loopback addresses (local testing only). */
  allowPrivate?: boolean;
  now?: () => Date;
  log: Logger;
  /** Time between polls of a healthy feed (default 15 min). */
  intervalMs?: number;
  /** Longest back-off after repeated failures (default 6 h). */
  maxBackoffMs?: number;
  /** How often due feeds are looked for (default 30 s). */
  tickMs?: number;
  /** Periodic rescan of folders, on top of fs.watch (default 60 s). */
  rescanMs?: number;
  /** Files modified more recently than this are left for the next scan (default 2 s). */
  settleMs?: number;
  metrics?: SourcePollMetrics;
}

export interface SourceManager {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Polls every feed whose next poll is due, and rescans folders. */
  pollDue(): Promise<void>;
  /** Polls one feed now, whatever its schedule. */
  pollFeedNow(url: string): Promise<PollResult>;
  scanFolderNow(dir: string): Promise<void>;
  /** For `/briefbot sources add` (CommandDeps.addSource): validates, adds and primes a feed. */
  addSource(url: string, addedBy: string): Promise<{ ok: true; message: string } | { ok: false; message: string }>;
}

/** Next poll after `failures` failures in a row: interval·2^failures, capped. */
export function backoffMs(failures: number, intervalMs: number, maxBackoffMs: number): number {
  if (failures <= 0) return intervalMs;
  return Math.min(intervalMs * 2 ** failures, Math.max(intervalMs, maxBackoffMs));
}

export function createSourceManager(opts: SourceManagerOptions): SourceManager {
  const { store } = opts;
  const now = opts.now ?? (() => new Date());
  const fetcher = opts.fetch ?? safeFetch;
  const intervalMs = opts.intervalMs ?? 15 * 60_000;
  const maxBackoffMs = opts.maxBackoffMs ?? 6 * 3600_000;
  const log = opts.log.child({ component: 'sources' });
  const running = new Map<string, Promise<unknown>>();
  const watchers: FSWatcher[] = [];
  const timers: NodeJS.Timeout[] = [];
  let stopped = false;

  function once<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const current = running.get(key);
    if (current) return current as Promise<T>;
    const p = fn().finally(() => running.delete(key));
    running.set(key, p);
    return p;
  }

  async function record(source: SourceRecord, result: PollResult): Promise<void> {
    const t = now();
    if (result.status === 'error') {
      const failures = source.failures + 1;
      const wait = backoffMs(failures, intervalMs, maxBackoffMs);
      await store.sources.update(source.url, {
        lastPollAt: t.toISOString(),
        lastErrorAt: t.toISOString(),
        lastError: result.error,
        failures,
        nextPollAt: new Date(t.getTime() + wait).toISOString(),
      });
      log.warn({ url: source.url, failures, nextPollInMs: wait, err: result.error }, 'source poll failed; backing off');
    } else {
      if (source.failures > 0) log.info({ url: source.url, after: source.failures }, 'source recovered');
      await store.sources.update(source.url, {
        lastPollAt: t.toISOString(),
        lastSuccessAt: t.toISOString(),
        failures: 0,
        articles: source.articles + result.added,
        nextPollAt: new Date(t.getTime() + intervalMs).toISOString(),
      });
      if (result.primed) log.info({ url: source.url, items: result.primed }, 'new source: existing items marked as seen (not briefed)');
      if (result.added) log.info({ url: source.url, added: result.added }, 'source: new articles stored');
      for (const e of result.itemErrors ?? []) log.warn({ url: source.url, err: e }, 'source item not stored');
    }
    opts.metrics?.inc({ kind: source.kind, result: result.status === 'not-modified' ? 'not_modified' : result.status });
  }

  function pollFeedNow(url: string): Promise<PollResult> {
    return once(url, async () => {
      const source = await store.sources.get(url);
      if (!source) return { status: 'error', added: 0, primed: 0, error: 'unknown source' } satisfies PollResult;
      let result: PollResult;
      try {
        result = await pollFeed({ store, fetch: fetcher, allowPrivate: opts.allowPrivate, now }, source);
      } catch (err) {
        result = { status: 'error', added: 0, primed: 0, error: errorMessage(err), retryable: true };
      }
      await record((await store.sources.get(url)) ?? source, result);
      return result;
    });
  }

  function scanFolderNow(dir: string): Promise<void> {
    return once(dir, async () => {
      const t = now();
      const source = await store.sources.get(dir);
      if (!source) return;
      try {
        const r = await scanFolder(store, dir, { primed: source.primed, now, settleMs: opts.settleMs });
        const fresh = (await store.sources.get(dir)) ?? source;
        await store.sources.update(dir, {
          primed: true,
          lastPollAt: t.toISOString(),
          lastSuccessAt: t.toISOString(),
          failures: 0,
          articles: fresh.articles + r.added,
          ...(r.errors.length ? { lastError: r.errors[r.errors.length - 1], lastErrorAt: t.toISOString() } : {}),
        });
        for (const e of r.errors) log.warn({ dir, err: e }, 'folder file not ingested');
        if (r.primed) log.info({ dir, files: r.primed }, 'new folder source: existing files marked as seen (not briefed)');
        if (r.added) log.info({ dir, added: r.added }, 'folder: new articles stored');
        if (r.unsettled) schedule(() => void scanFolderNow(dir).catch(() => {}), (opts.settleMs ?? 2_000) + 100);
        opts.metrics?.inc({ kind: 'folder', result: 'ok' });
      } catch (err) {
        await store.sources.update(dir, { lastPollAt: t.toISOString(), lastErrorAt: t.toISOString(), lastError: errorMessage(err), failures: source.failures + 1 });
        log.warn({ dir, err: errorMessage(err) }, 'folder scan failed');
        opts.metrics?.inc({ kind: 'folder', result: 'error' });
      }
    });
  }

  function schedule(fn: () => void, ms: number): void {
    if (stopped) return;
    const t = setTimeout(() => !stopped && fn(), ms);
    t.unref();
    timers.push(t);
  }

  async function pollDue(): Promise<void> {
    const t = now().toISOString();
    const jobs: Promise<unknown>[] = [];
    for (const s of await store.sources.list()) {
      if (s.kind === 'feed' && (!s.nextPollAt || s.nextPollAt <= t)) jobs.push(pollFeedNow(s.url));
      if (s.kind === 'folder') jobs.push(scanFolderNow(s.url));
    }
    await Promise.all(jobs);
  }

  function watchFolder(dir: string): void {
    try {
      let pending: NodeJS.Timeout | undefined;
      const w = watch(dir, { recursive: true }, () => {
        // A burst of events (a scraper writing many files) becomes one scan.
        if (pending || stopped) return;
        pending = setTimeout(() => {
          pending = undefined;
          if (!stopped) void scanFolderNow(dir).catch((err) => log.error({ dir, err: errorMessage(err) }, 'folder scan failed'));
        }, 250);
        pending.unref();
        timers.push(pending);
      });
      w.on('error', (err) => log.warn({ dir, err: errorMessage(err) }, 'folder watch failed; periodic rescans continue'));
      watchers.push(w);
    } catch (err) {
      log.warn({ dir, err: errorMessage(err) }, 'cannot watch folder; periodic rescans only');
    }
  }

  return {
    async start() {
      for (const url of opts.feeds ?? []) {
        if (await store.sources.upsert({ url, kind: 'feed', addedBy: 'config', now: now() })) log.info({ url }, 'feed source added from configuration');
      }
      for (const raw of opts.folders ?? []) {
        const dir = resolve(raw);
        try {
          if (!(await stat(dir)).isDirectory()) throw new Error('not a folder');
        } catch (err) {
          log.error({ dir, err: errorMessage(err) }, 'folder source is not a readable folder; skipped');
          continue;
        }
        await store.sources.upsert({ url: dir, kind: 'folder', addedBy: 'config', now: now() });
        watchFolder(dir);
      }
      await pollDue();
      if (stopped) return;
      const tick = setInterval(() => void pollDue().catch((err) => log.error({ err: errorMessage(err) }, 'source poll round failed')), opts.tickMs ?? 30_000);
      tick.unref();
      timers.push(tick);
      const rescan = setInterval(() => {
        void store.sources
          .list()
          .then((all) => Promise.all(all.filter((s) => s.kind === 'folder').map((s) => scanFolderNow(s.url))))
          .catch((err) => log.error({ err: errorMessage(err) }, 'folder rescan failed'));
      }, opts.rescanMs ?? 60_000);
      rescan.unref();
      timers.push(rescan);
    },
    async stop() {
      stopped = true;
      for (const t of timers) clearTimeout(t);
      for (const w of watchers) w.close();
      await Promise.allSettled([...running.values()]);
    },
    pollDue,
    pollFeedNow,
    scanFolderNow,
    async addSource(url, addedBy) {
      let parsed: URL;
      try {
        parsed = new URL(url);
      } catch {
        return { ok: false, message: `"${url}" is not a URL. Use the feed's full address, e.g. https://example.com/feed.xml.` };
      }
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return { ok: false, message: 'Only http and https feeds can be added.' };
      const href = parsed.href;
      if (!(await store.sources.upsert({ url: href, kind: 'feed', addedBy, now: now() }))) {
        return { ok: false, message: `${href} is already a source.` };
      }
      const result = await pollFeedNow(href);
      if (result.status === 'error') {
        await store.sources.remove(href);
        return { ok: false, message: `Could not add ${href}: ${result.error}` };
      }
      log.info({ url: href, addedBy }, 'feed source added');
      return {
        ok: true,
        message: `Added ${href}. Its ${result.primed} current item${result.primed === 1 ? ' is' : 's are'} marked as already seen; new items will be in briefs from now on.`,
      };
    },
  };
}
