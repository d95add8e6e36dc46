import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { openPostgresStore } from '../src/store/postgres/index.js';
import { BOT_TOKEN, APP_TOKEN } from './fakes/slack/harness.js';
import { startFakeSlack, type FakeSlack } from './fakes/slack/fake-slack.js';
import { slashCommand } from './fakes/slack/requests.js';
import { eventually, startBot, type BotProcess } from './helpers/bot-process.js';
import { createTestDatabase, describePostgres, type TestDatabase } from './helpers/postgres.js';
import { startTcpProxy, type TcpProxy } from './helpers/tcp-proxy.js';

/**
 * PostgreSQL goes away while the bot runs (a proxy in front of it is cut, so nothing
 * else on the machine notices): commands say the store is unavailable, the brief due
 * meanwhile waits, and once the database is back the pool reconnects by itself and
 * every channel gets the brief exactly once.
 */
const CHANNELS = Array.from({ length: 10 }, (_, i) => `C${String(i + 1).padStart(6, '0')}`);
const sleepUntil = (t: number) => new Promise((r) => setTimeout(r, Math.max(0, t - Date.now())));

await describePostgres('losing PostgreSQL mid-run', () => {
  let db: TestDatabase | undefined;
  let proxy: TcpProxy | undefined;
  let fake: FakeSlack | undefined;
  let bot: BotProcess | undefined;
  let dir: string | undefined;

  afterAll(async () => {
    await bot?.kill();
    await proxy?.close();
    await fake?.close();
    await db?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('answers "unavailable" meanwhile, then delivers the brief due during the outage once, and answers again', async () => {
    db = await createTestDatabase();
    const target = new URL(db.url);
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    const viaProxy = new URL(db.url);
    viaProxy.port = String(proxy.port);
    fake = await startFakeSlack({ botToken: BOT_TOKEN, appToken: APP_TOKEN });
    dir = mkdtempSync(join(tmpdir(), 'briefbot-outage-'));
    mkdirSync(join(dir, 'briefs'));
    // One slot, a minute from now (to the second): the bot is up well before it, and the database will be down at it.
    const slot = new Date(Math.ceil((Date.now() + 60_000) / 1000) * 1000);
    writeFileSync(
      join(dir, 'briefs', 'wire.yaml'),
      [
        'name: wire',
        `schedule: "${slot.getUTCSeconds()} ${slot.getUTCMinutes()} ${slot.getUTCHours()} * * *"`,
        'timezone: UTC',
        'when_empty: notice',
        'targets:',
        ...CHANNELS.map((c) => `  - slack:${c}`),
        '',
      ].join('\n'),
    );
    bot = startBot('bot', {
      DATABASE_URL: viaProxy.toString(),
      BRIEFBOT_DB: join(dir, 'unused.db'),
      BRIEFBOT_BRIEFS_DIR: join(dir, 'briefs'),
      BRIEFBOT_LOAD_SAMPLES: 'true',
      BRIEFBOT_DELIVERY_LEASE: '5s',
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_APP_TOKEN: APP_TOKEN,
      SLACK_API_URL: fake.apiUrl,
    });
    await bot.waitForLog(/started: running until SIGTERM/, 50_000);
    expect(Date.now()).toBeLessThan(slot.getTime() - 5_000);

    await sleepUntil(slot.getTime() - 3_000);
    proxy.cut();
    const ask = (id: string) =>
      fake!.sendEnvelope({ type: 'slash_commands', payload: slashCommand({ command: '/ask', text: 'trade figure?', userId: 'U1', channelId: 'C1', responseUrl: fake!.responseUrl(id) }) });
    await ask('during');
    const during = await eventually('the answer during the outage', () => fake!.responsesFor('during')[0]);
    const text = JSON.stringify(during.body);
    expect(text).toContain('The store is unavailable, try again shortly.');
    expect(text).not.toMatch(/ECONN|\bat \w+ \(|node_modules|postgres/i);

    await sleepUntil(slot.getTime() + 4_000); // the slot fires while the database is away
    expect(fake.posts()).toEqual([]);
    expect(bot.log()).not.toContain('briefbot: could not start');
    expect(bot.log()).not.toContain('unhandled rejection');

    proxy.restore();
    await eventually('the brief in every channel', () => (CHANNELS.every((c) => fake!.posts().some((p) => p.args.channel === c)) ? true : undefined), 90_000);
    await ask('after');
    const after = await eventually('the answer after the outage', () => fake!.responsesFor('after')[0]);
    expect(JSON.stringify(after.body)).toContain('5.7 billion ringgit');

    expect(await bot.stop()).toBe(0);
    expect(CHANNELS.map((c) => fake!.posts().filter((p) => p.args.channel === c).length)).toEqual(CHANNELS.map(() => 1));
    const store = await openPostgresStore(db.url);
    try {
      const rows = await store.deliveries.forSlot('wire', slot.toISOString());
      expect(rows.map((r) => [r.target, r.status])).toEqual(CHANNELS.map((c) => [`slack:${c}`, 'delivered']));
    } finally {
      await store.close();
    }
  }, 180_000);
});
