import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDiscordAdapter, renderMessage as renderDiscord } from '../adapters/discord/index.js';
import { createSlackAdapter, renderMessage as renderSlack } from '../adapters/slack/index.js';
import type { Adapter } from '../src/adapter.js';
import { storeArticle } from '../src/articles/ingest.js';
import { buildBrief } from '../src/briefing/build.js';
import { silentLogger } from '../src/logger.js';
import type { Message } from '../src/messages/message.js';
import { DEFAULT_RETRY, deliverToTarget, type DeliveryOutcome } from '../src/schedule/deliver.js';
import { openSqliteStore } from '../src/store/sqlite/index.js';
import type { Store } from '../src/store/store.js';
import { FakeDiscord, ALL_TEXT_PERMISSIONS } from '../tests/fakes/discord/fake-discord.js';
import { startFakeSlack } from '../tests/fakes/slack/fake-slack.js';
import { fakeArticles, spreadDates } from './articles.js';
import { slidingWindow, startRateLimitProxy, type RateLimitProxy } from './fakes/rate-limit-proxy.js';
import type { Figure } from './report.js';

export interface DeliveryBenchOptions {
  channels: number;
  log: (s: string) => void;
}

const DISCORD_GLOBAL_PER_S = 50;
const SLACK_PER_CHANNEL_PER_S = 1;

/** A real brief: built by buildBrief from a small store of recombined articles. */
function briefMessage(store: Store): Message {
  const until = new Date('2026-06-01T07:00:00Z');
  const articles = fakeArticles(40, 500);
  const dates = spreadDates(articles.length, until, 24);
  articles.forEach((a, i) =>
    storeArticle(store, { title: a.title, source: ['BBC News', 'CNN', 'Reuters'][i % 3], url: `https://d.example/${i}`, publishedAt: dates[i], publishedAtSource: 'page', body: a.paragraphs.map((p) => p.join(' ')).join('\n') }),
  );
  const msg = buildBrief(store, { since: new Date(until.getTime() - 86_400_000), until, title: 'Morning brief' });
  if (!msg) throw new Error('bench: the brief came out empty');
  return msg;
}

interface Run {
  elapsedMs: number;
  outcomes: DeliveryOutcome[];
}

/** One brief to every target at once, through the scheduler's own delivery step (ledger claim, post, retries). */
async function deliverAll(store: Store, adapter: Adapter, targets: string[], msg: Message, slot: string): Promise<Run> {
  const ctx = {
    store,
    adapters: new Map([[adapter.platform, adapter]]),
    owner: 'bench',
    now: () => new Date(),
    log: silentLogger,
    leaseMs: 10 * 60_000,
    retry: DEFAULT_RETRY,
    signal: new AbortController().signal,
  };
  const t = performance.now();
  const outcomes = await Promise.all(targets.map((target) => deliverToTarget(ctx, { brief: 'bench', slot, target }, msg, { title: 'Morning brief', late: false })));
  return { elapsedMs: performance.now() - t, outcomes };
}

function tally(counts: Map<string, number>, channels: string[], parts: number) {
  let lost = 0;
  let duplicated = 0;
  for (const c of channels) {
    const n = counts.get(c) ?? 0;
    if (n < parts) lost += parts - n;
    if (n > parts) duplicated += n - parts;
  }
  return { lost, duplicated };
}

export async function benchDelivery(opts: DeliveryBenchOptions): Promise<Figure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'briefbot-bench-delivery-'));
  const store = openSqliteStore(join(dir, 'ledger.db'));
  try {
    const msg = briefMessage(store);
    return [...(await discord(store, msg, opts)), ...(await slack(store, msg, opts))];
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function discord(store: Store, msg: Message, opts: DeliveryBenchOptions): Promise<Figure[]> {
  const channels = Array.from({ length: opts.channels }, (_, i) => String(300000000000000000n + BigInt(i)));
  const probe = '399999999999999999';
  const fake = await FakeDiscord.start({
    token: 'bench-token',
    applicationId: '111111111111111111',
    bot: { id: '444444444444444444', username: 'briefbot', bot: true },
    guilds: [
      {
        id: '222222222222222222',
        name: 'Bench',
        ownerId: '777777777777777777',
        everyonePermissions: ALL_TEXT_PERMISSIONS,
        roles: [],
        channels: [...channels, probe].map((id, i) => ({ id, name: `news-${i}` })),
        members: [],
        botRoles: [],
      },
    ],
  });
  const window = slidingWindow(DISCORD_GLOBAL_PER_S, 1000);
  const counts = new Map<string, number>();
  let proxy: RateLimitProxy | undefined;
  let adapter: Adapter | undefined;
  try {
    proxy = await startRateLimitProxy(fake.apiUrl.replace(/\/api$/, ''), {
      limit() {
        if (window.take()) return undefined;
        const retryAfter = Math.max(0.001, window.wait() / 1000);
        return {
          status: 429,
          headers: { 'retry-after': retryAfter.toFixed(3), 'x-ratelimit-global': 'true', 'x-ratelimit-scope': 'global' },
          body: JSON.stringify({ message: 'You are being rate limited.', retry_after: retryAfter, global: true }),
        };
      },
      forwarded(method, path, _body, status) {
        const m = /^\/api\/v10\/channels\/(\d+)\/messages$/.exec(path);
        if (method === 'POST' && m && status === 200) counts.set(m[1], (counts.get(m[1]) ?? 0) + 1);
      },
    });
    adapter = createDiscordAdapter({ token: 'bench-token', applicationId: '111111111111111111', apiUrl: `${proxy.url}/api`, logger: silentLogger });
    await adapter.start({ log: silentLogger, briefNames: () => [], handle: async () => ({ message: { title: '', blocks: [], text: '' } }) } as never);
    await deliverAll(store, adapter, [`discord:${probe}`], msg, 'probe-discord');
    await new Promise((r) => setTimeout(r, 1100)); // let the probe's window pass
    const refusedBefore = proxy.refused;
    const run = await deliverAll(store, adapter, channels.map((c) => `discord:${c}`), msg, 'discord');
    const parts = renderDiscord(msg).length;
    const posts = channels.reduce((a, c) => a + (counts.get(c) ?? 0), 0);
    const { lost, duplicated } = tally(counts, channels, parts);
    const rate = posts / (run.elapsedMs / 1000);
    opts.log(`  delivery discord: ${posts} posts in ${(run.elapsedMs / 1000).toFixed(1)} s, ${proxy.refused - refusedBefore} refused with 429`);
    return deliveryFigures('Discord', channels.length, parts, posts, run, rate, DISCORD_GLOBAL_PER_S, `global ${DISCORD_GLOBAL_PER_S} requests/s`, lost, duplicated, proxy.refused - refusedBefore);
  } finally {
    await adapter?.stop();
    await proxy?.close();
    await fake.close();
  }
}

async function slack(store: Store, msg: Message, opts: DeliveryBenchOptions): Promise<Figure[]> {
  const channels = Array.from({ length: opts.channels }, (_, i) => `C${String(i).padStart(8, '0')}`);
  const fake = await startFakeSlack({ botToken: 'xoxb-bench-token' });
  const last = new Map<string, number>();
  const counts = new Map<string, number>();
  const channelOf = (body: string, headers: Record<string, unknown>) => {
    if (String(headers['content-type'] ?? '').includes('json')) return String((JSON.parse(body || '{}') as { channel?: string }).channel ?? '');
    return new URLSearchParams(body).get('channel') ?? '';
  };
  let proxy: RateLimitProxy | undefined;
  let adapter: Adapter | undefined;
  try {
    proxy = await startRateLimitProxy(fake.apiUrl, {
      limit(_method, path, body, headers) {
        if (!path.endsWith('/chat.postMessage')) return undefined;
        const channel = channelOf(body, headers);
        const now = performance.now();
        const prev = last.get(channel);
        if (prev !== undefined && now - prev < 1000 / SLACK_PER_CHANNEL_PER_S) {
          return { status: 429, headers: { 'retry-after': '1' }, body: JSON.stringify({ ok: false, error: 'ratelimited' }) };
        }
        last.set(channel, now);
        return undefined;
      },
      forwarded(_method, path, body, status, response) {
        if (!path.endsWith('/chat.postMessage') || status !== 200 || !response.includes('"ok":true')) return;
        const channel = new URLSearchParams(body).get('channel') ?? (JSON.parse(body || '{}') as { channel?: string }).channel ?? '';
        counts.set(channel, (counts.get(channel) ?? 0) + 1);
      },
    });
    adapter = createSlackAdapter({ botToken: 'xoxb-bench-token', signingSecret: 'bench-signing-secret', apiUrl: `${proxy.url}/api/`, port: 0, host: '127.0.0.1', logger: silentLogger });
    await adapter.start({ log: silentLogger, briefNames: () => [], handle: async () => ({ message: { title: '', blocks: [], text: '' } }) } as never);
    await deliverAll(store, adapter, ['slack:CPROBE'], msg, 'probe-slack');
    const refusedBefore = proxy.refused;
    const run = await deliverAll(store, adapter, channels.map((c) => `slack:${c}`), msg, 'slack');
    const parts = renderSlack(msg).length;
    const posts = channels.reduce((a, c) => a + (counts.get(c) ?? 0), 0);
    const { lost, duplicated } = tally(counts, channels, parts);
    // Each channel may take one message per second: `parts` messages need `parts` one-second windows.
    const allowed = channels.length * SLACK_PER_CHANNEL_PER_S;
    const rate = posts / Math.max(run.elapsedMs / 1000, 1e-3);
    opts.log(`  delivery slack: ${posts} posts in ${(run.elapsedMs / 1000).toFixed(2)} s, ${proxy.refused - refusedBefore} refused with 429`);
    return deliveryFigures('Slack', channels.length, parts, posts, run, rate, allowed, `${SLACK_PER_CHANNEL_PER_S} message/s/channel × ${channels.length} channels`, lost, duplicated, proxy.refused - refusedBefore);
  } finally {
    await adapter?.stop();
    await proxy?.close();
    await fake.close();
  }
}

function deliveryFigures(platform: string, channels: number, parts: number, posts: number, run: Run, rate: number, allowed: number, limit: string, lost: number, duplicated: number, refused: number): Figure[] {
  const failed = run.outcomes.filter((o) => o !== 'delivered').length;
  return [
    {
      section: 'delivery',
      name: `${platform}: one brief to ${channels} channels`,
      value: rate,
      unit: 'posts/s',
      baseline: { name: `allowed (${limit})`, value: allowed },
      ratio: rate / allowed,
      ratioLabel: ' of allowed',
      target: { op: '>=', value: 0.9 * allowed },
      note: `${posts} posts (${parts} per channel) in ${(run.elapsedMs / 1000).toFixed(2)} s; ${refused} answered 429; ${failed} deliveries not completed`,
    },
    { section: 'delivery', name: `${platform}: posts lost`, value: lost, unit: 'posts', target: { op: '<=', value: 0 } },
    { section: 'delivery', name: `${platform}: posts duplicated`, value: duplicated, unit: 'posts', target: { op: '<=', value: 0 } },
  ];
}
