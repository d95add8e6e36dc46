import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDiscordAdapter, renderMessage as renderDiscord } from '../adapters/discord/index.js';
import { createSlackAdapter, renderMessage as renderSlack } from '../adapters/slack/index.js';
import { deliveryMetadata } from '../adapters/slack/metadata.js';
import { postArgs } from '../adapters/slack/render.js';
import type { Adapter } from '../src/adapter.js';
import { storeArticle } from '../src/articles/ingest.js';
import { buildBrief } from '../src/briefing/build.js';
import { silentLogger } from '../src/logger.js';
import type { Message } from '../src/messages/message.js';
import { DEFAULT_RETRY, deliverToTarget, type DeliveryOutcome } from '../src/schedule/deliver.js';
import { createLedgerWriter } from '../src/schedule/ledger-writer.js';
import { openSqliteStore } from '../src/store/sqlite/index.js';
import type { Store } from '../src/store/store.js';
import { fakeArticles, spreadDates } from './articles.js';
import { repoRoot } from './corpus.js';
import { DISCORD, SLACK } from './fakes/host.js';
import type { Figure } from './report.js';

export interface DeliveryBenchOptions {
  channels: number;
  log: (s: string) => void;
}

/** A real brief: built by buildBrief from a small store of recombined articles. */
async function briefMessage(store: Store): Promise<Message> {
  const until = new Date('2026-06-01T07:00:00Z');
  const articles = fakeArticles(40, 500);
  const dates = spreadDates(articles.length, until, 24);
  for (const [i, a] of articles.entries()) {
    await storeArticle(store, { title: a.title, source: ['BBC News', 'CNN', 'Reuters'][i % 3], url: `https://d.example/${i}`, publishedAt: dates[i], publishedAtSource: 'page', body: a.paragraphs.map((p) => p.join(' ')).join('\n') });
  }
  const msg = await buildBrief(store, { since: new Date(until.getTime() - 86_400_000), until, title: 'Morning brief' });
  if (!msg) throw new Error('bench: the brief came out empty');
  return msg;
}

interface Run {
  elapsedMs: number;
  outcomes: DeliveryOutcome[];
}

/** One brief to every target at once, through the scheduler's own delivery step (ledger claim, post, retries). */
async function deliverAll(store: Store, adapter: Adapter, targets: string[], msg: Message, slot: string): Promise<Run> {
  const now = () => new Date();
  const ctx = {
    store,
    ledger: createLedgerWriter({ store, owner: 'bench', leaseMs: 10 * 60_000, now, log: silentLogger }),
    adapters: new Map([[adapter.platform, adapter]]),
    owner: 'bench',
    now,
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
    const msg = await briefMessage(store);
    return [...(await discord(store, msg, opts)), ...(await slack(store, msg, opts))];
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface Host {
  url: string;
  /** The fake's process, for its CPU time. */
  pid: number;
  stats(): Promise<{ counts: Record<string, number>; refused: number }>;
  close(): Promise<void>;
}

/** The platform fake and its rate-limiting proxy, in a child process (bench/fakes/host.ts). */
export async function startHost(platform: 'discord' | 'slack', channels: number): Promise<Host> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'bench', 'fakes', 'host.ts'), platform, String(channels)], {
    cwd: repoRoot,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`fake ${platform} did not start: ${stderr.slice(-500)}`)), 30_000);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) {
        clearTimeout(timer);
        resolve((JSON.parse(line) as { url: string }).url);
      }
    });
    void exited.then(() => reject(new Error(`fake ${platform} exited: ${stderr.slice(-500)}`)));
  });
  return {
    url,
    pid: child.pid as number,
    async stats() {
      return (await (await fetch(`${url}/__bench/stats`)).json()) as { counts: Record<string, number>; refused: number };
    },
    async close() {
      child.stdin.end();
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}

const idleCore = { log: silentLogger, briefNames: () => [], handle: async () => ({ message: { title: '', blocks: [], text: '' } }) } as never;

async function discord(store: Store, msg: Message, opts: DeliveryBenchOptions): Promise<Figure[]> {
  const channels = Array.from({ length: opts.channels }, (_, i) => DISCORD.channel(i));
  const host = await startHost('discord', opts.channels);
  let adapter: Adapter | undefined;
  try {
    adapter = createDiscordAdapter({ token: DISCORD.token, applicationId: DISCORD.applicationId, apiUrl: `${host.url}/api`, logger: silentLogger });
    await adapter.start(idleCore);
    await deliverAll(store, adapter, [`discord:${DISCORD.probe}`], msg, 'probe-discord');
    await new Promise((r) => setTimeout(r, 1100)); // let the probe's second pass
    const before = (await host.stats()).refused;
    const run = await deliverAll(store, adapter, channels.map((c) => `discord:${c}`), msg, 'discord');
    const stats = await host.stats();
    const parts = renderDiscord(msg).length;
    const counts = new Map(Object.entries(stats.counts));
    const posts = channels.reduce((a, c) => a + (counts.get(c) ?? 0), 0);
    const { lost, duplicated } = tally(counts, channels, parts);
    const rate = posts / (run.elapsedMs / 1000);
    opts.log(`  delivery discord: ${posts} posts in ${(run.elapsedMs / 1000).toFixed(1)} s, ${stats.refused - before} refused with 429`);
    return deliveryFigures('Discord', channels.length, parts, posts, run, rate, DISCORD.globalPerSecond, `global ${DISCORD.globalPerSecond} requests/s`, lost, duplicated, stats.refused - before);
  } finally {
    await adapter?.stop();
    await host.close();
  }
}

/** Rounds of the Slack comparison: bot and bare client in turn, the order swapped each round. */
const SLACK_ROUNDS = 3;

interface Measured {
  rate: number;
  /** CPU of this process per post (ms), and of the fake's process. */
  cpuMs: number;
  hostCpuMs: number;
  load: number;
}

/** CPU time (ms) a process has used so far, from /proc (Linux); NaN elsewhere. */
function processCpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime, in clock ticks of 1/100 s
  } catch {
    return Number.NaN;
  }
}

/** Runs `work` (which makes `posts` posts) and measures its rate and the CPU both processes spent per post. */
async function measured(host: Host, posts: number, work: () => Promise<void>): Promise<Measured> {
  const cpu = process.cpuUsage();
  const hostCpu = processCpuMs(host.pid);
  const t = performance.now();
  await work();
  const ms = performance.now() - t;
  const used = process.cpuUsage(cpu);
  return { rate: posts / (ms / 1000), cpuMs: (used.user + used.system) / 1000 / posts, hostCpuMs: (processCpuMs(host.pid) - hostCpu) / posts, load: loadavg()[0] };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/**
 * Slack: the bot (scheduler's delivery step, ledger, Bolt's Web API client) against a bare
 * HTTP client posting the same message to the same fake. Both warm up first, then run in
 * turn for SLACK_ROUNDS rounds, the order swapped each round, each run to channels of its own,
 * so load on a shared machine falls on both alike; the figures are the medians.
 */
async function slack(store: Store, msg: Message, opts: DeliveryBenchOptions): Promise<Figure[]> {
  const n = opts.channels;
  const host = await startHost('slack', n);
  let adapter: Adapter | undefined;
  try {
    adapter = createSlackAdapter({ botToken: SLACK.botToken, signingSecret: 'bench-signing-secret', apiUrl: `${host.url}/api/`, port: 0, host: '127.0.0.1', logger: silentLogger });
    await adapter.start(idleCore);
    const bot = adapter;
    await deliverAll(store, bot, [`slack:${SLACK.probe}`], msg, 'probe-slack');
    const parts = renderSlack(msg).length;
    const warm = Math.min(n, 100);
    await deliverAll(store, bot, Array.from({ length: warm }, (_, i) => `slack:CWARM${i}`), msg, 'slack-warm');
    await barePosts(host.url, msg, Array.from({ length: warm }, (_, i) => `CBAREWARM${i}`));
    const before = (await host.stats()).refused;

    const botChannels: string[] = [];
    const outcomes: DeliveryOutcome[] = [];
    const rounds: { bot: Measured; bare: Measured; botMs: number }[] = [];
    for (let r = 0; r < SLACK_ROUNDS; r++) {
      const channels = Array.from({ length: n }, (_, i) => SLACK.channel(r * n + i));
      botChannels.push(...channels);
      let botMs = 0;
      const runBot = () =>
        measured(host, n * parts, async () => {
          const run = await deliverAll(store, bot, channels.map((c) => `slack:${c}`), msg, `slack-${r}`);
          outcomes.push(...run.outcomes);
          botMs = run.elapsedMs;
        });
      const runBare = () => measured(host, n * parts, () => barePosts(host.url, msg, Array.from({ length: n }, (_, i) => `CBARE${r}x${i}`)));
      let botM: Measured;
      let bareM: Measured;
      if (r % 2 === 0) {
        bareM = await runBare();
        botM = await runBot();
      } else {
        botM = await runBot();
        bareM = await runBare();
      }
      rounds.push({ bot: botM, bare: bareM, botMs });
      opts.log(
        `  delivery slack round ${r + 1}: bot ${botM.rate.toFixed(0)} posts/s (${botM.cpuMs.toFixed(2)} CPU-ms/post, fake ${botM.hostCpuMs.toFixed(2)}), ` +
          `bare ${bareM.rate.toFixed(0)} posts/s (${bareM.cpuMs.toFixed(2)}, fake ${bareM.hostCpuMs.toFixed(2)}), load ${botM.load.toFixed(1)}`,
      );
    }
    const stats = await host.stats();
    const counts = new Map(Object.entries(stats.counts));
    const posts = botChannels.reduce((a, c) => a + (counts.get(c) ?? 0), 0);
    const { lost, duplicated } = tally(counts, botChannels, parts);
    const rate = median(rounds.map((x) => x.bot.rate));
    const bare = median(rounds.map((x) => x.bare.rate));
    const botCpu = median(rounds.map((x) => x.bot.cpuMs));
    const bareCpu = median(rounds.map((x) => x.bare.cpuMs));
    const pairs = rounds.map((x) => (x.bot.rate / x.bare.rate).toFixed(2)).join(', ');
    const loads = rounds.map((x) => x.bot.load.toFixed(1)).join(', ');
    // Each channel may take one message per second: `parts` messages need `parts` one-second windows.
    const allowed = n * SLACK.perChannelPerSecond;
    const run: Run = { elapsedMs: median(rounds.map((x) => x.botMs)), outcomes };
    opts.log(`  delivery slack: median ${rate.toFixed(0)} posts/s, bare ${bare.toFixed(0)} posts/s; ${stats.refused - before} refused with 429`);
    return [
      // Slack's allowance does not bind a one-part brief; the target is against the fake's own capacity.
      ...deliveryFigures('Slack', n, parts, posts / SLACK_ROUNDS, run, rate, allowed, `${SLACK.perChannelPerSecond} message/s/channel × ${n} channels`, lost, duplicated, stats.refused - before, false),
      {
        section: 'delivery',
        name: 'Slack: bot against the fake’s own capacity',
        value: rate,
        unit: 'posts/s',
        baseline: { name: `bare HTTP posts of the same message, 100 at a time, same fake and proxy, in turn with the bot (median of ${SLACK_ROUNDS})`, value: bare },
        ratio: rate / bare,
        ratioLabel: ' of floor',
        target: { op: '>=', value: 0.9 * bare },
        note: `round by round ${pairs} at load ${loads}; what the fake and proxy take with no bot in the way`,
      },
      {
        section: 'delivery',
        name: 'Slack: CPU per post, bot',
        value: botCpu,
        unit: 'ms',
        baseline: { name: 'bare HTTP client, same runs', value: bareCpu },
        ratio: botCpu / bareCpu,
        note: `the fake and proxy: ${median(rounds.map((x) => x.bot.hostCpuMs)).toFixed(2)} ms per post from the bot, ${median(rounds.map((x) => x.bare.hostCpuMs)).toFixed(2)} from the bare client`,
      },
    ];
  } finally {
    await adapter?.stop();
    await host.close();
  }
}

/**
 * The bare client: each of `channels` gets the message, 100 requests in flight, each part
 * with the same form body the Web API client sends (blocks, metadata), over Node's `fetch`,
 * so only the bot's own work is left out.
 */
async function barePosts(url: string, msg: Message, channels: string[]): Promise<void> {
  const parts = renderSlack(msg);
  const bodies = (channel: string) =>
    parts.map((p, part) => {
      const args: Record<string, unknown> = { ...postArgs(channel, p), metadata: deliveryMetadata(`bench|bare|slack:${channel}`, part) };
      return new URLSearchParams(Object.entries(args).map(([k, v]) => [k, typeof v === 'object' ? JSON.stringify(v) : String(v)]));
    });
  let next = 0;
  let failed = 0;
  await Promise.all(
    Array.from({ length: 100 }, async () => {
      while (next < channels.length) {
        for (const body of bodies(channels[next++])) {
          const res = await fetch(`${url}/api/chat.postMessage`, { method: 'POST', headers: { authorization: `Bearer ${SLACK.botToken}` }, body });
          if (!((await res.json()) as { ok?: boolean }).ok) failed++;
        }
      }
    }),
  );
  if (failed) throw new Error(`bench: ${failed} bare posts to the fake Slack failed`);
}

function deliveryFigures(platform: string, channels: number, parts: number, posts: number, run: Run, rate: number, allowed: number, limit: string, lost: number, duplicated: number, refused: number, targeted = true): Figure[] {
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
      ...(targeted ? { target: { op: '>=' as const, value: 0.9 * allowed } } : {}),
      note: `${posts} posts (${parts} per channel) in ${(run.elapsedMs / 1000).toFixed(2)} s; ${refused} answered 429; ${failed} deliveries not completed`,
    },
    { section: 'delivery', name: `${platform}: posts lost`, value: lost, unit: 'posts', target: { op: '<=', value: 0 } },
    { section: 'delivery', name: `${platform}: posts duplicated`, value: duplicated, unit: 'posts', target: { op: '<=', value: 0 } },
  ];
}
