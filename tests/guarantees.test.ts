/**
 * Guarantees that no other test protected (each test here fails when its guarantee is
 * broken on purpose; docs/reliability.md names the break for each):
 * conditional feed polling, ellipses inside story lines, Slack's real rate-limit error
 * reaching the scheduler's wait, and the metrics a running bot records.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, writeFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { start, type Running } from '../bin/start.js';
import { cleanLines, cleanText } from '../src/articles/clean.js';
import { safeFetch } from '../src/articles/fetch.js';
import { loadConfig } from '../src/config.js';
import { message } from '../src/messages/message.js';
import type { RetryPolicy } from '../src/schedule/deliver.js';
import { createScheduler } from '../src/schedule/scheduler.js';
import { createSourceManager } from '../src/sources/manager.js';
import { openSqliteStore } from '../src/store/sqlite/index.js';
import { makeFixtureCore } from './helpers/fixture-core.js';
import type { Failure } from './fakes/slack/fake-slack.js';
import { startBot, type Bot } from './fakes/slack/harness.js';
import { briefDef, capturingLogger, perTestCleanups } from './schedule-support.js';

const { cleanups, tempDir } = perTestCleanups('briefbot-guarantees-');

async function listen(handler: Parameters<typeof createServer>[1]): Promise<{ server: Server; base: string }> {
  const server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const RSS = (title: string) =>
  `<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title><item><title>${title}</title><link>https://news.example/${encodeURIComponent(title)}</link><description>${title} was announced on Tuesday, officials said. The decision follows months of talks.</description></item></channel></rss>`;

describe('feed polling', () => {
  it('sends If-Modified-Since from the last Last-Modified, and a 304 stores nothing', async () => {
    const LAST_MODIFIED = 'Tue, 01 Dec 2026 06:00:00 GMT';
    const requests: IncomingHttpHeaders[] = [];
    // A server that only knows Last-Modified (no ETag), as many CMSs do.
    const { base } = await listen((req, res) => {
      requests.push(req.headers);
      if (req.headers['if-modified-since'] === LAST_MODIFIED) return void res.writeHead(304).end();
      res.writeHead(200, { 'content-type': 'application/rss+xml', 'last-modified': LAST_MODIFIED }).end(RSS('Port strike ends'));
    });
    const dir = tempDir();
    const store = openSqliteStore(join(dir, 'b.db'));
    cleanups.push(() => store.close());
    const m = createSourceManager({ store, fetch: (u, o) => safeFetch(u, { ...o, allowPrivate: true }), now: () => new Date('2026-12-01T07:00:00Z'), log: capturingLogger() });
    cleanups.push(() => m.stop());
    await m.addSource(`${base}/feed.xml`, 'config');
    expect((await store.sources.get(`${base}/feed.xml`))?.lastModified).toBe(LAST_MODIFIED);
    expect(await m.pollFeedNow(`${base}/feed.xml`)).toEqual({ status: 'not-modified', added: 0, primed: 0 });
    expect(requests.map((h) => [h['if-modified-since'], h['if-none-match']])).toEqual([
      [undefined, undefined],
      [LAST_MODIFIED, undefined],
    ]);
    expect(await store.articles.count()).toBe(0);
  });
});

describe('page-noise cleaning', () => {
  it('keeps a story line with an ellipsis inside it and drops teasers that end in one', () => {
    const story = [
      'Ministers met in Nairobi on Monday to settle the dispute over port fees.',
      'The talks were... difficult, one delegate said, but both sides stayed until midnight.',
      'A second round… is planned for next week, the ministry said.',
      'Shares of a regional lender rose sharply after the results were published and the...',
      'Central bank holds rates as inflation cools across the region …',
    ];
    expect(cleanLines(story)).toEqual(story.slice(0, 3));
    expect(cleanText(story.join('\n'))).toBe(story.slice(0, 3).join('\n'));
  });
});

describe("Slack's real rate-limit error", () => {
  const slot = new Date('2026-01-01T08:00:00Z');
  const key = { brief: 'morning', slot: slot.toISOString(), target: 'slack:C1' };

  /**
   * A real Slack bot (HTTP mode, fake Slack) and a scheduler over a SQLite ledger whose one
   * brief's 08:00 slot was missed a minute ago: `failures` are queued for chat.postMessage,
   * then start() delivers the slot.
   */
  async function deliverMissedSlot(failures: Failure[], retry: Partial<RetryPolicy>) {
    const fixture = await makeFixtureCore();
    cleanups.push(() => fixture.close());
    const bot: Bot = await startBot('http', fixture.core);
    cleanups.push(() => bot.close());
    bot.fake.failNext('chat.postMessage', ...failures);
    const store = openSqliteStore(join(tempDir(), 'b.db'));
    cleanups.push(() => store.close());
    const clockStart = Date.now();
    const now = () => new Date(slot.getTime() + 60_000 + (Date.now() - clockStart));
    await store.coordination.heartbeat('earlier-run', new Date(slot.getTime() - 60_000));
    const brief = briefDef({ targets: ['slack:C1'] });
    const log = capturingLogger();
    const scheduler = createScheduler({
      store,
      briefs: [brief],
      adapters: new Map([['slack', bot.adapter]]),
      buildBrief: () => message([{ type: 'paragraph', text: 'Markets closed higher.' }], 'Morning brief'),
      now,
      log,
      retry,
    });
    cleanups.push(() => scheduler.stop());
    await scheduler.start();
    return { bot, store, log };
  }

  it('waits out every 429 as long as Slack asks without using up an attempt, and the brief arrives once', async () => {
    // Eight 429s in a row, more than two attempts' worth under the old handling (four tries
    // each): the first asks for a second, the others for no wait at all. Two attempts allowed.
    const { bot, store, log } = await deliverMissedSlot(
      [{ status: 429, retryAfter: 1 }, ...Array.from({ length: 7 }, () => ({ status: 429 as const, retryAfter: 0 }))],
      { baseMs: 5, jitter: 0.5, maxAttempts: 2 },
    );
    expect(await store.deliveries.get(key)).toMatchObject({ status: 'delivered', attempts: 1 });
    const waits = log.lines.filter((l) => l.msg === 'rate-limited; posting again after the wait').map((l) => (l.obj as { waitMs: number }).waitMs);
    expect(waits).toEqual([1000, 0, 0, 0, 0, 0, 0, 0]);
    expect(log.lines.filter((l) => l.msg === 'delivery failed; retrying')).toEqual([]);
    for (const l of log.lines.filter((l) => l.msg === 'rate-limited; posting again after the wait')) {
      expect((l.obj as { err: string }).err).toMatch(/^slack_rate_limited: /);
    }
    expect(bot.fake.callsTo('chat.postMessage').map((c) => c.status)).toEqual([...Array(8).fill(429), 200]);
    expect(bot.fake.posts()).toHaveLength(1);
  }, 30_000);

  it('posts a brief once when Slack stored it but answered 500: the retry finds it in the channel instead of posting again', async () => {
    const { bot, store } = await deliverMissedSlot([{ status: 500, afterPosting: true }], { baseMs: 5, jitter: 0.5, maxAttempts: 3 });
    expect(await store.deliveries.get(key)).toMatchObject({ status: 'delivered', attempts: 2 });
    // One call, stored and answered 500; no second post: the next attempt read the channel.
    expect(bot.fake.callsTo('chat.postMessage').map((c) => c.status)).toEqual([500]);
    expect(bot.fake.callsTo('conversations.history').length).toBeGreaterThan(0);
    expect(bot.fake.messagesIn('C1').map((m) => m.text)).toEqual([expect.stringContaining('Markets closed higher.')]);
  }, 30_000);
});

describe('metrics of a running bot', () => {
  let running: Running | undefined;
  afterEach(async () => {
    await running?.stop();
    running = undefined;
  });

  it('/metrics counts the deliveries and source polls the bot made', async () => {
    const { base } = await listen((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(RSS('Rains return'));
    });
    const dir = tempDir();
    mkdirSync(join(dir, 'briefs'));
    writeFileSync(
      join(dir, 'briefs', 'minutely.yaml'),
      ['name: minutely', 'schedule: "* * * * *"', 'timezone: UTC', 'window: last 24h', 'targets:', '  - console', 'when_empty: notice', ''].join('\n'),
    );
    // The bot last ran three minutes ago: the slots since are caught up late at start.
    const db = join(dir, 'bot.db');
    const seed = openSqliteStore(db);
    await seed.coordination.heartbeat('earlier-run', new Date(Date.now() - 3 * 60_000));
    await seed.close();
    const cfg = loadConfig({
      BRIEFBOT_DB: db,
      BRIEFBOT_BRIEFS_DIR: join(dir, 'briefs'),
      BRIEFBOT_LOAD_SAMPLES: 'false',
      BRIEFBOT_CONSOLE: 'true',
      BRIEFBOT_SOURCES: `${base}/feed.xml`,
      BRIEFBOT_ALLOW_PRIVATE_URLS: 'true',
      HEALTH_PORT: '0',
    });
    const log = capturingLogger();
    const output = new PassThrough();
    let printed = '';
    output.on('data', (d) => (printed += d));
    const input = new PassThrough();
    running = await start(cfg, log, { input: input as unknown as typeof process.stdin, output: output as unknown as typeof process.stdout });
    const port = (log.lines.find((l) => l.msg === 'health and metrics served on /healthz and /metrics')?.obj as { port: number }).port;
    expect(port).toBeGreaterThan(0);

    const metric = (text: string, name: string) => Number(new RegExp(`^${name.replace(/[{}]/g, '\\$&')} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
    let text = '';
    for (let i = 0; i < 200; i++) {
      text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      if (metric(text, 'briefbot_deliveries_total{status="delivered"}') >= 3 && metric(text, 'briefbot_source_polls_total{kind="feed",result="ok"}') >= 1) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const check = openSqliteStore(db);
    cleanups.push(() => check.close());
    const delivered = (await check.deliveries.recent(100)).filter((d) => d.status === 'delivered').length;
    expect(delivered).toBeGreaterThanOrEqual(3);
    expect(metric(text, 'briefbot_deliveries_total{status="delivered"}')).toBe(delivered);
    expect(metric(text, 'briefbot_source_polls_total{kind="feed",result="ok"}')).toBe(1);
    expect(printed).toContain('No new stories since');
  }, 60_000);
});
