import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../src/store/open.js';
import type { Store } from '../src/store/store.js';
import { BOT_TOKEN, APP_TOKEN } from './fakes/slack/harness.js';
import { startFakeSlack, type FakeSlack } from './fakes/slack/fake-slack.js';
import { eventCallback, slashCommand } from './fakes/slack/requests.js';
import { eventually, startBot, type BotProcess } from './helpers/bot-process.js';
import { createTestDatabase, describePostgres } from './helpers/postgres.js';

/**
 * Several `npm start` processes on one store, a SQLite file or a PostgreSQL database.
 * Whatever the number of processes, each (brief, slot, target) is posted once: claims and
 * leases live in the store, and a process that dies holding claims loses them when the
 * lease ends.
 */

/** Where the processes' store lives: its environment for `npm start`, and a way to open it here. */
interface Backend {
  env: Record<string, string>;
  open(): Promise<Store>;
  drop(): Promise<void>;
}

async function sqliteBackend(dir: string): Promise<Backend> {
  const location = { dbPath: join(dir, 'bot.db') };
  return { env: { BRIEFBOT_DB: location.dbPath }, open: () => openStore(location), drop: async () => {} };
}

async function postgresBackend(dir: string): Promise<Backend> {
  const db = await createTestDatabase();
  const location = { dbPath: join(dir, 'unused.db'), databaseUrl: db.url };
  return { env: { BRIEFBOT_DB: location.dbPath, DATABASE_URL: db.url }, open: () => openStore(location), drop: () => db.drop() };
}

const CHANNELS = Array.from({ length: 30 }, (_, i) => `C${String(i + 1).padStart(6, '0')}`);

/** A brief whose one slot today was two minutes ago, and a heartbeat from before it: every process starting now owes that slot. */
function missedSlot(): { schedule: string; slot: Date; downSince: Date } {
  const slot = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 2 * 60_000);
  return { schedule: `${slot.getUTCMinutes()} ${slot.getUTCHours()} * * *`, slot, downSince: new Date(slot.getTime() - 60_000) };
}

interface Setup {
  dir: string;
  env: Record<string, string>;
  slot: string;
  backend: Backend;
}

async function setUp(fake: FakeSlack, makeBackend: (dir: string) => Promise<Backend>): Promise<Setup> {
  const dir = mkdtempSync(join(tmpdir(), 'briefbot-scale-'));
  const briefs = join(dir, 'briefs');
  mkdirSync(briefs);
  const { schedule, slot, downSince } = missedSlot();
  writeFileSync(
    join(briefs, 'wire.yaml'),
    [
      'name: wire',
      'title: Wire brief',
      `schedule: "${schedule}"`,
      'timezone: UTC',
      'window: last 24h',
      'when_empty: notice',
      'targets:',
      ...CHANNELS.map((c) => `  - slack:${c}`),
      '',
    ].join('\n'),
  );
  const backend = await makeBackend(dir);
  const store = await backend.open();
  await store.coordination.heartbeat('earlier-run', downSince);
  await store.close();
  return {
    dir,
    backend,
    slot: slot.toISOString(),
    env: {
      ...backend.env,
      BRIEFBOT_BRIEFS_DIR: briefs,
      BRIEFBOT_LOAD_SAMPLES: 'false',
      BRIEFBOT_DELIVERY_LEASE: '5s',
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_APP_TOKEN: APP_TOKEN,
      SLACK_API_URL: fake.apiUrl,
    },
  };
}

const postsTo = (fake: FakeSlack, channel: string) => fake.posts().filter((c) => c.args.channel === channel).length;

async function ledger(backend: Backend) {
  const store = await backend.open();
  try {
    return await store.deliveries.forSlot('wire', (await store.deliveries.runsSince('wire', '0'))[0]?.slot ?? '');
  } finally {
    await store.close();
  }
}

function scaleSuite(makeBackend: (dir: string) => Promise<Backend>): void {
  let fake: FakeSlack;
  let setup: Setup | undefined;
  let bots: BotProcess[] = [];

  // A fresh fake Slack per test: channel history must not outlive its test. Each test's brief
  // slot is "two minutes ago", so two tests in the same minute deliver under the same
  // delivery keys, and a survivor resuming an in-doubt delivery would find the earlier
  // test's post carrying its key and rightly not post again.
  beforeEach(async () => {
    fake = await startFakeSlack({ botToken: BOT_TOKEN, appToken: APP_TOKEN });
  });
  afterEach(async () => {
    await Promise.all(bots.map((b) => b.kill()));
    bots = [];
    await fake?.close();
    await setup?.backend.drop();
    if (setup) rmSync(setup.dir, { recursive: true, force: true });
    setup = undefined;
  });

  for (const n of [2, 3]) {
    it(`${n} processes post one brief to ${CHANNELS.length} channels exactly once`, async () => {
      setup = await setUp(fake, makeBackend);
      bots = Array.from({ length: n }, (_, i) => startBot(`bot-${i}`, setup!.env));
      await Promise.all(bots.map((b) => b.waitForLog(/scheduler starting/, 90_000)));
      await eventually('a post in every channel', () => (CHANNELS.every((c) => postsTo(fake, c) >= 1) ? true : undefined), 90_000);
      // Once every process has exited nothing more can be posted: the counts are final.
      expect(await Promise.all(bots.map((b) => b.stop()))).toEqual(bots.map(() => 0));
      expect(CHANNELS.map((c) => postsTo(fake, c))).toEqual(CHANNELS.map(() => 1));
      const rows = await ledger(setup.backend);
      expect(rows.map((r) => [r.target, r.status, r.slot])).toEqual(CHANNELS.map((c) => [`slack:${c}`, 'delivered', setup!.slot]));
    }, 180_000);
  }

  it('a process SIGKILLed mid-delivery: another finishes after the lease ends, nothing doubled', async () => {
    setup = await setUp(fake, makeBackend);
    // The second half of the channels fail retryably, so the first process is mid-delivery (claims held, waiting to retry) when it dies.
    const failing = CHANNELS.slice(15);
    for (const c of failing) fake.setChannelError(c, 'internal_error');
    const first = startBot('first', setup.env);
    bots = [first];
    // Killed once the healthy half is recorded as delivered: a post made but not yet recorded is in doubt, a different case.
    await eventually(
      'the first process to deliver the healthy half and try the rest',
      async () => {
        if (!failing.every((c) => fake.calls.some((x) => x.args.channel === c))) return undefined;
        const rows = await ledger(setup!.backend);
        return rows.filter((r) => r.status === 'delivered').length === 15 ? true : undefined;
      },
      90_000,
    );
    await first.kill();
    const held = (await ledger(setup.backend)).filter((r) => r.status !== 'delivered');
    expect(held.map((r) => r.target)).toEqual(failing.map((c) => `slack:${c}`));
    expect(new Set(held.map((r) => r.owner)).size).toBe(1);

    for (const c of failing) fake.clearChannelError(c);
    const second = startBot('second', setup.env);
    bots.push(second);
    await eventually('the second process to finish the dead one\'s deliveries', () => (failing.every((c) => postsTo(fake, c) >= 1) ? true : undefined), 120_000);
    expect(await second.stop()).toBe(0);
    expect(CHANNELS.map((c) => postsTo(fake, c))).toEqual(CHANNELS.map(() => 1));
    const rows = await ledger(setup.backend);
    expect(rows.every((r) => r.status === 'delivered')).toBe(true);
    expect(rows.filter((r) => failing.includes(r.target.slice('slack:'.length))).every((r) => r.owner !== held[0].owner)).toBe(true);
  }, 240_000);

  it('answers a Slack redelivery once when Slack sends the retry to another process', async () => {
    setup = await setUp(fake, makeBackend);
    // One Socket Mode connection per process, opened in turn, so connection i belongs to bot i.
    const env = { ...setup.env, BRIEFBOT_BRIEFS_DIR: join(setup.dir, 'none'), LOG_LEVEL: 'debug' };
    bots = [startBot('a', env)];
    await eventually('the first connection', () => (fake.socketCount === 1 ? true : undefined));
    bots.push(startBot('b', env));
    await eventually('the second connection', () => (fake.socketCount === 2 ? true : undefined));
    await Promise.all(bots.map((b) => b.waitForLog(/slack adapter started/)));

    const mention = eventCallback({ type: 'app_mention', channel: 'C1', user: 'U1', text: '<@UBOT> trade figure?', ts: '1700000300.000100', event_ts: '1700000300.000100' }, 'EvACROSS1');
    await fake.sendEnvelope({ type: 'events_api', payload: mention }, undefined, { connection: 0 });
    await fake.sendEnvelope({ type: 'events_api', payload: mention, retryAttempt: 1, retryReason: 'timeout' }, undefined, { connection: 1 });
    const cmd = slashCommand({ command: '/ask', text: 'trade figure?', userId: 'U1', channelId: 'C1', responseUrl: fake.responseUrl('across'), triggerId: 'trigger-across-1' });
    await fake.sendEnvelope({ type: 'slash_commands', payload: cmd }, undefined, { connection: 1 });
    await fake.sendEnvelope({ type: 'slash_commands', payload: cmd }, undefined, { connection: 0 });
    await eventually('the answers', () => (fake.posts().length > 0 && fake.responsesFor('across').length > 0 ? true : undefined));

    expect(await Promise.all(bots.map((b) => b.stop()))).toEqual([0, 0]);
    expect(fake.posts().map((p) => p.args.thread_ts)).toEqual(['1700000300.000100']);
    expect(fake.responsesFor('across')).toHaveLength(1);
    // Each process received one copy of each; one of them said it was a repeat.
    expect(bots.map((b) => (b.log().match(/redelivered mention ignored|repeated slash command ignored/g) ?? []).length).reduce((a, b) => a + b)).toBe(2);
  }, 180_000);

  it('three processes polling one feed: one of them fetches it, and each item is stored once', async () => {
    setup = await setUp(fake, makeBackend);
    const items = Array.from({ length: 5 }, (_, i) => ({
      title: `Harbour story ${i}`,
      link: `https://news.example/story-${i}`,
      body: `Story ${i}: the harbour authority said on Tuesday that works would go on. Officials said the plan was agreed after talks. Critics said it went too far.`,
    }));
    let fetches = 0;
    // Slow answers keep the first poll in flight while the other processes come to the feed.
    const server = createServer((_req, res) => {
      fetches++;
      setTimeout(() => {
        const xml = `<?xml version="1.0"?><rss version="2.0"><channel><title>Harbour News</title><link>https://news.example/</link>${items
          .map((i) => `<item><title>${i.title}</title><link>${i.link}</link><pubDate>${new Date().toUTCString()}</pubDate><description>${i.body}</description></item>`)
          .join('')}</channel></rss>`;
        res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8' }).end(xml);
      }, 3000);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/feed.xml`;
      // A source whose back catalogue was already seen: its next poll stores what it finds.
      const store = await setup.backend.open();
      await store.sources.upsert({ url, kind: 'feed', addedBy: 'config' });
      await store.sources.update(url, { primed: true });
      await store.close();
      const env = { ...setup.backend.env, BRIEFBOT_BRIEFS_DIR: join(setup.dir, 'none'), BRIEFBOT_LOAD_SAMPLES: 'false', BRIEFBOT_SOURCES: url, BRIEFBOT_ALLOW_PRIVATE_URLS: 'true' };
      bots = [0, 1, 2].map((i) => startBot(`poller-${i}`, env));
      await Promise.all(bots.map((b) => b.waitForLog(/started: running until SIGTERM/, 90_000)));
      expect(await Promise.all(bots.map((b) => b.stop()))).toEqual([0, 0, 0]);

      expect(fetches).toBe(1);
      const after = await setup.backend.open();
      expect(await after.articles.count()).toBe(items.length);
      expect(await after.sources.get(url)).toMatchObject({ articles: items.length, failures: 0 });
      await after.close();
      expect(bots.filter((b) => /source: new articles stored/.test(b.log()))).toHaveLength(1);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  }, 180_000);
}

describe('N processes on one SQLite file', () => scaleSuite(sqliteBackend));
await describePostgres('N processes on one PostgreSQL database', () => scaleSuite(postgresBackend));
