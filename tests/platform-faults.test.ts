/**
 * Platform faults against the real adapters and the fakes: Slack answering 500/502/503
 * storms and 429s while a brief goes out to three channels, the Discord gateway closing
 * with 1000, 4000 and 4009, and SIGTERM while a delivery waits to retry (a child process,
 * restarted on the same database).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiscordAdapter } from '../adapters/discord/index.js';
import { DeliveryError } from '../src/errors.js';
import type { Adapter } from '../src/index.js';
import { message } from '../src/messages/message.js';
import { DEFAULT_RETRY, retryDelay } from '../src/schedule/deliver.js';
import { createScheduler } from '../src/schedule/scheduler.js';
import { openSqliteStore } from '../src/store/sqlite/index.js';
import { ALL_TEXT_PERMISSIONS, FakeDiscord } from './fakes/discord/fake-discord.js';
import type { FakeUser } from './fakes/discord/payloads.js';
import { startFakeSlack, type FakeSlack } from './fakes/slack/fake-slack.js';
import { APP_TOKEN, BOT_TOKEN, startBot as startSlackBot, type Bot } from './fakes/slack/harness.js';
import { startBot as startBotProcess, eventually } from './helpers/bot-process.js';
import { makeFixtureCore } from './helpers/fixture-core.js';
import { briefDef, capturingLogger, perTestCleanups } from './schedule-support.js';

const { cleanups, tempDir } = perTestCleanups('briefbot-platform-faults-');

describe('back-off', () => {
  it('draws each wait between half and all of the exponential step, never below Retry-After', () => {
    const policy = { ...DEFAULT_RETRY, baseMs: 2000, jitter: 0.5 };
    expect([1, 2, 3].map((n) => retryDelay(n, new Error('x'), policy, () => 0))).toEqual([2000, 4000, 8000]);
    expect([1, 2, 3].map((n) => retryDelay(n, new Error('x'), policy, () => 0.999999))).toEqual([1000, 2000, 4000]);
    const limited = new DeliveryError('slack_rate_limited', 'x', { retryable: true, retryAfterMs: 30_000 });
    expect(retryDelay(1, limited, policy, () => 0.5)).toBe(30_000);
    expect(retryDelay(20, new Error('x'), policy, () => 0)).toBe(policy.maxMs);
    // Without jitter the steps are exact.
    expect(retryDelay(3, new Error('x'), { ...policy, jitter: 0 }, () => 0.7)).toBe(8000);
  });
});

describe('Slack error storms', () => {
  it('delivers to every channel exactly once through 500/502/503 storms and a 429, backing off with jitter', async () => {
    const fixture = await makeFixtureCore();
    cleanups.push(() => fixture.close());
    const bot: Bot = await startSlackBot('http', fixture.core);
    cleanups.push(() => bot.close());
    const storm = [500, 502, 503, 500, 502, 503, 500, 502, 503, 500, 502, 503].map((status) => ({ status }) as { status: 500 | 502 | 503 });
    bot.fake.failNext('chat.postMessage', ...storm.slice(0, 6), { status: 429, retryAfter: 1 }, ...storm.slice(6));

    const dir = tempDir();
    const store = openSqliteStore(join(dir, 'b.db'));
    cleanups.push(() => store.close());
    const slot = new Date('2026-01-01T08:00:00Z');
    const clockStart = Date.now();
    await store.coordination.heartbeat('earlier-run', new Date(slot.getTime() - 60_000));
    const brief = briefDef({ targets: ['slack:C1', 'slack:C2', 'slack:C3'] });
    const log = capturingLogger();
    const baseMs = 100;
    const scheduler = createScheduler({
      store,
      briefs: [brief],
      adapters: new Map([['slack', bot.adapter]]),
      buildBrief: () => message([{ type: 'paragraph', text: 'Markets closed higher.' }], 'Morning brief'),
      now: () => new Date(slot.getTime() + 60_000 + (Date.now() - clockStart)),
      log,
      retry: { baseMs, maxAttempts: 8 },
    });
    cleanups.push(() => scheduler.stop());
    await scheduler.start();

    const posted = bot.fake.posts().map((c) => String(c.args.channel)).sort();
    expect(posted).toEqual(['C1', 'C2', 'C3']);
    for (const target of brief.targets) {
      expect(await store.deliveries.get({ brief: 'morning', slot: slot.toISOString(), target })).toMatchObject({ status: 'delivered' });
    }
    // Every queued failure was answered: the storm really hit the deliveries.
    expect(bot.fake.callsTo('chat.postMessage').filter((c) => c.status !== 200)).toHaveLength(13);
    const waits = log.lines.filter((l) => l.msg === 'delivery failed; retrying').map((l) => l.obj as { attempts: number; waitMs: number; err: string });
    expect(waits.length).toBeGreaterThan(0);
    for (const w of waits) {
      const step = baseMs * 2 ** (w.attempts - 1);
      if (/rate_limited/.test(w.err)) expect(w.waitMs).toBe(1000);
      else {
        expect(w.waitMs).toBeGreaterThanOrEqual(step / 2);
        expect(w.waitMs).toBeLessThanOrEqual(step);
      }
    }
  }, 120_000);
});

describe('Discord gateway closes', () => {
  const TOKEN = 'fake-bot-token.abc';
  const APP = '111111111111111111';
  const GUILD = '222222222222222222';
  const CHANNEL = '333333333333333331';
  const BOT: FakeUser = { id: '444444444444444444', username: 'briefbot', bot: true };
  const ALICE: FakeUser = { id: '555555555555555551', username: 'alice' };
  let fake: FakeDiscord;
  let adapter: Adapter;
  let closeFixture: () => Promise<void>;
  beforeAll(async () => {
    const fixture = await makeFixtureCore();
    closeFixture = fixture.close;
    fake = await FakeDiscord.start({
      token: TOKEN,
      applicationId: APP,
      bot: BOT,
      heartbeatIntervalMs: 500,
      guilds: [
        {
          id: GUILD,
          name: 'Newsroom',
          ownerId: '777777777777777777',
          everyonePermissions: ALL_TEXT_PERMISSIONS,
          roles: [{ id: '666666666666666669', name: 'briefbot', permissions: ALL_TEXT_PERMISSIONS }],
          channels: [{ id: CHANNEL, name: 'general' }],
          members: [{ user: ALICE, roles: [] }],
          botRoles: ['666666666666666669'],
        },
      ],
    });
    adapter = createDiscordAdapter({ token: TOKEN, applicationId: APP, guildId: GUILD, apiUrl: fake.apiUrl });
    await adapter.start(fixture.core);
  });
  afterAll(async () => {
    await adapter?.stop();
    await fake?.close();
    await closeFixture?.();
  });

  const count = (op: number) => fake.gatewayLog.filter((g) => g.op === op).length;
  const askAndWait = async () => {
    const { id } = fake.slashCommand({ name: 'ask', options: [{ type: 3, name: 'question', value: 'trade figure?' }], user: ALICE, guildId: GUILD, channelId: CHANNEL });
    const cb = await fake.waitForRequest((r) => r.method === 'POST' && r.path.startsWith(`/v10/interactions/${id}/`), 30_000);
    return JSON.stringify(cb.body);
  };

  it.each([
    [1000, 'a normal close: a new session (IDENTIFY), no RESUME', false, { identify: 1, resume: 0 }],
    [4000, 'an unknown error: RESUME of the same session, no IDENTIFY', false, { identify: 0, resume: 1 }],
    [4009, 'session timed out: RESUME is refused (op 9), then a new session (IDENTIFY)', true, { identify: 1, resume: 1 }],
  ])('close code %i, %s; commands are answered afterwards', async (code, _what, endSession, expected) => {
    const before = { identify: count(2), resume: count(6) };
    fake.dropConnection(code, undefined, { endSession });
    await eventually(
      `the bot back on the gateway after ${code}`,
      () => (count(2) - before.identify >= expected.identify && count(6) - before.resume >= expected.resume && fake.connected ? true : undefined),
      30_000,
    );
    expect(await askAndWait()).toContain('5.7 billion ringgit');
    expect({ identify: count(2) - before.identify, resume: count(6) - before.resume }).toEqual(expected);
    expect(adapter.isConnected?.()).toBe(true);
  }, 60_000);
});

describe('SIGTERM during a retry wait', () => {
  let fake: FakeSlack;
  beforeAll(async () => {
    fake = await startFakeSlack({ botToken: BOT_TOKEN, appToken: APP_TOKEN });
  });
  afterAll(() => fake?.close());

  it('stops cleanly, leaves the delivery to be retried, and the next start posts it exactly once', async () => {
    const dir = tempDir();
    const db = join(dir, 'bot.db');
    mkdirSync(join(dir, 'briefs'));
    // One slot, a minute ago, missed while "down": the bot delivers it late at start.
    const slot = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 60_000);
    writeFileSync(
      join(dir, 'briefs', 'flash.yaml'),
      [
        'name: flash',
        `schedule: "${slot.getUTCMinutes()} ${slot.getUTCHours()} ${slot.getUTCDate()} ${slot.getUTCMonth() + 1} *"`,
        'timezone: UTC',
        'window: last 24h',
        'targets:',
        '  - slack:C1',
        'when_empty: notice',
        '',
      ].join('\n'),
    );
    const seed = openSqliteStore(db);
    await seed.coordination.heartbeat('earlier-run', new Date(slot.getTime() - 60_000));
    await seed.close();
    // Slack keeps failing: every post attempt (three tries each) gets a 503, so the scheduler backs off.
    fake.failNext('chat.postMessage', ...Array.from({ length: 30 }, () => ({ status: 503 as const })));
    const env = {
      BRIEFBOT_DB: db,
      BRIEFBOT_BRIEFS_DIR: join(dir, 'briefs'),
      BRIEFBOT_LOAD_SAMPLES: 'false',
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_APP_TOKEN: APP_TOKEN,
      SLACK_API_URL: fake.apiUrl,
      BRIEFBOT_DELIVERY_ATTEMPTS: '10',
    };
    const first = startBotProcess('first', env);
    cleanups.push(() => first.kill());
    await first.waitForLog(/delivery failed; retrying/);
    expect(await first.stop()).toBe(0);
    expect(first.log()).toContain('shutting down during a retry wait; the next start resumes this delivery');
    expect(first.log()).toContain('stopped cleanly');
    expect(fake.posts()).toHaveLength(0);
    const check = openSqliteStore(db);
    const key = { brief: 'flash', slot: slot.toISOString(), target: 'slack:C1' };
    expect(await check.deliveries.get(key)).toMatchObject({ status: 'failed', final: false });
    await check.close();

    fake.clearFailures();
    const second = startBotProcess('second', env);
    cleanups.push(() => second.kill());
    await eventually('the resumed post', () => (fake.posts().length > 0 ? true : undefined), 60_000);
    await second.waitForLog(/brief delivered/);
    expect(await second.stop()).toBe(0);
    expect(fake.posts().map((p) => p.args.channel)).toEqual(['C1']);
    const after = openSqliteStore(db);
    cleanups.push(() => after.close());
    expect(await after.deliveries.get(key)).toMatchObject({ status: 'delivered' });
  }, 180_000);
});
