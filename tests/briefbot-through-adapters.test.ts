/**
 * The real `/briefbot` handler (src/commands/briefbot.ts) behind both real adapters:
 * Slack (Bolt, HTTP and Socket Mode, against the fake Slack) and Discord (discord.js
 * against the fake Discord). What counts is the store afterwards: a refused subscribe
 * or source leaves no row, an allowed one leaves exactly one.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { APIEmbed } from 'discord.js';
import { createDiscordAdapter } from '../adapters/discord/index.js';
import type { BriefDefinition } from '../src/briefing/definition.js';
import { handleBriefbotCommand } from '../src/commands/briefbot.js';
import type { Adapter } from '../src/index.js';
import { silentLogger } from '../src/logger.js';
import { createSourceManager } from '../src/sources/manager.js';
import { ALL_TEXT_PERMISSIONS, FakeDiscord, type RecordedRequest } from './fakes/discord/fake-discord.js';
import type { FakeGuild, FakeUser } from './fakes/discord/payloads.js';
import { startBot, type Bot, type Mode } from './fakes/slack/harness.js';
import { slashCommand } from './fakes/slack/requests.js';
import { makeFixtureCore } from './helpers/fixture-core.js';

const morning: BriefDefinition = {
  name: 'morning',
  title: 'Morning brief',
  schedule: '0 8 * * 1-5',
  timezone: 'Europe/London',
  window: { kind: 'duration', ms: 86_400_000 },
  topics: [],
  sources: [],
  maxStories: 8,
  targets: [],
  whenEmpty: 'skip',
  file: 'briefs/morning.yaml',
};

const ADD_REFUSED = 'Only briefbot admins can add sources (see BRIEFBOT_ADMINS).';

let feedServer: Server;
let feedUrl: string;
beforeAll(async () => {
  feedServer = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/rss+xml' });
    res.end('<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title><item><title>One</title><link>https://example.com/1</link><description>First story text that is long enough to keep.</description></item></channel></rss>');
  });
  await new Promise<void>((r) => feedServer.listen(0, '127.0.0.1', r));
  feedUrl = `http://127.0.0.1:${(feedServer.address() as AddressInfo).port}/feed.xml`;
});
afterAll(() => new Promise<void>((r) => feedServer.close(() => r())));

/** A real core with the real /briefbot handler and a real source manager over a fresh store. */
async function realCore(admins: string[]) {
  let addSource: ReturnType<typeof createSourceManager>['addSource'] | undefined;
  const fixture = await makeFixtureCore({
    core: { briefs: () => [morning], admins, briefbot: handleBriefbotCommand, addSource: (url, by) => addSource!(url, by) },
  });
  const sources = createSourceManager({ store: fixture.store, allowPrivate: true, log: silentLogger });
  addSource = sources.addSource;
  return { ...fixture, sources };
}

describe.each<Mode>(['http', 'socket'])('/briefbot through the Slack adapter (%s mode)', (mode) => {
  let bot: Bot;
  let env: Awaited<ReturnType<typeof realCore>>;
  beforeAll(async () => {
    env = await realCore(['slack:UADMIN']);
    bot = await startBot(mode, env.core, { admins: ['slack:UADMIN'] });
    bot.fake.setMembers('C1', ['U1', 'U2']);
    bot.fake.setMembers('C2', ['U1']);
    bot.fake.setMembers('C3', ['U1']);
  });
  afterAll(async () => {
    await bot?.close();
    await env?.sources.stop();
    await env?.close();
  });

  const run = async (user: string, channel: string, text: string, id: string) => {
    await bot.command(slashCommand({ command: '/briefbot', text, userId: user, channelId: channel, responseUrl: bot.fake.responseUrl(id) }));
    const [r] = await bot.fake.waitFor(() => bot.fake.responsesFor(id).length > 0 && bot.fake.responsesFor(id), `the answer to ${id}`);
    // As a reader sees it: the zero-width spaces that keep `*` and `_` from formatting are invisible.
    return String((r.body as { text: string }).text).replace(/\u200B/g, '');
  };

  it('a non-member cannot subscribe a channel: refused, and no subscription row', async () => {
    const reply = await run('U9', 'C1', 'subscribe morning', `${mode}-stranger`);
    expect(reply).toContain('Only members of this channel');
    expect(await env.store.subscriptions.list({ target: 'slack:C1' })).toEqual([]);
  });

  it("a member's subscribe leaves exactly one row, naming who subscribed", async () => {
    const reply = await run('U1', 'C2', 'subscribe morning', `${mode}-member`);
    expect(reply).toMatch(/^This channel is now subscribed to Morning brief/);
    expect((await env.store.subscriptions.list({ target: 'slack:C2' })).map((s) => [s.brief, s.target, s.subscribedBy, s.disabledAt])).toEqual([
      ['morning', 'slack:C2', 'slack:U1', undefined],
    ]);
  });

  it('an admin who is not a member may subscribe; a non-admin cannot add a source, an admin can', async () => {
    await run('UADMIN', 'C3', 'subscribe morning', `${mode}-admin`);
    expect((await env.store.subscriptions.list({ target: 'slack:C3' })).map((s) => s.subscribedBy)).toEqual(['slack:UADMIN']);

    const refused = await run('U1', 'C1', `sources add ${feedUrl}?${mode}`, `${mode}-add-refused`);
    expect(refused).toBe(ADD_REFUSED);
    expect(await env.store.sources.get(`${feedUrl}?${mode}`)).toBeUndefined();
    const added = await run('UADMIN', 'C1', `sources add ${feedUrl}?${mode}-ok`, `${mode}-add`);
    expect(added).toContain(`Added ${feedUrl}?${mode}-ok`);
    expect(await env.store.sources.get(`${feedUrl}?${mode}-ok`)).toMatchObject({ kind: 'feed', addedBy: 'slack:UADMIN', primed: true });
  });
});

describe('/briefbot through the Discord adapter', () => {
  const TOKEN = 'fake-bot-token.abc';
  const APP = '111111111111111111';
  const GUILD = '222222222222222222';
  const CHANNELS = ['333333333333333331', '333333333333333332', '333333333333333333'];
  const BOT: FakeUser = { id: '444444444444444444', username: 'briefbot', bot: true };
  const ALICE: FakeUser = { id: '555555555555555551', username: 'alice' };
  const BOB: FakeUser = { id: '555555555555555552', username: 'bob' };
  const ADMIN: FakeUser = { id: '888888888888888888', username: 'admin' };
  const EDITOR_ROLE = '666666666666666661';
  const BOT_ROLE = '666666666666666669';
  const guild: FakeGuild = {
    id: GUILD,
    name: 'Newsroom',
    ownerId: '777777777777777777',
    everyonePermissions: ALL_TEXT_PERMISSIONS,
    roles: [
      { id: EDITOR_ROLE, name: 'Editors', permissions: 0n },
      { id: BOT_ROLE, name: 'briefbot', permissions: ALL_TEXT_PERMISSIONS },
    ],
    channels: CHANNELS.map((id, i) => ({ id, name: `c${i}` })),
    members: [
      { user: ALICE, roles: [] },
      { user: BOB, roles: [EDITOR_ROLE] },
    ],
    botRoles: [BOT_ROLE],
  };
  let fake: FakeDiscord;
  let adapter: Adapter;
  let env: Awaited<ReturnType<typeof realCore>>;
  beforeAll(async () => {
    env = await realCore([`discord:${ADMIN.id}`]);
    fake = await FakeDiscord.start({ token: TOKEN, applicationId: APP, bot: BOT, guilds: [guild], heartbeatIntervalMs: 500 });
    adapter = createDiscordAdapter({ token: TOKEN, applicationId: APP, guildId: GUILD, apiUrl: fake.apiUrl, subscribeRole: 'Editors', admins: [`discord:${ADMIN.id}`] });
    await adapter.start(env.core);
  });
  afterAll(async () => {
    await adapter?.stop();
    await fake?.close();
    await env?.sources.stop();
    await env?.close();
  });

  const replyText = (r: RecordedRequest): string => {
    const data = r.body?.data as { content?: string; embeds?: APIEmbed[] } | undefined;
    return [data?.content ?? '', ...(data?.embeds ?? []).flatMap((e) => [e.title ?? '', e.description ?? ''])].join('\n');
  };
  const run = async (user: FakeUser, channelId: string, options: unknown[], roles: string[] = []) => {
    const { id } = fake.slashCommand({ name: 'briefbot', options, user, roles, guildId: GUILD, channelId });
    const cb = await fake.waitForRequest((r) => r.method === 'POST' && r.path.startsWith(`/v10/interactions/${id}/`));
    if (cb.body?.type === 5) {
      const edit = await fake.waitForRequest((r) => r.method === 'PATCH' && r.path.includes('/messages/@original') && r.path.includes(`/webhooks/${APP}/`));
      return replyText({ ...edit, body: { data: edit.body } });
    }
    return replyText(cb);
  };
  const subscribe = (user: FakeUser, channelId: string, roles: string[] = []) =>
    run(user, channelId, [{ type: 1, name: 'subscribe', options: [{ type: 3, name: 'brief', value: 'morning' }] }], roles);
  const addSource = (user: FakeUser, url: string) =>
    run(user, CHANNELS[0], [{ type: 1, name: 'sources', options: [{ type: 3, name: 'add', value: url }] }]);

  it('a user without Manage Channels, the subscribe role or admin cannot subscribe: no row', async () => {
    const reply = await subscribe(ALICE, CHANNELS[0]);
    expect(reply).toContain('"Editors"');
    expect(await env.store.subscriptions.list({ target: `discord:${CHANNELS[0]}` })).toEqual([]);
  });

  it('a user with the subscribe role can: exactly one row, naming them', async () => {
    const reply = await subscribe(BOB, CHANNELS[1], [EDITOR_ROLE]);
    expect(reply).toMatch(/This channel is now subscribed to Morning brief/);
    expect((await env.store.subscriptions.list({ target: `discord:${CHANNELS[1]}` })).map((s) => [s.brief, s.subscribedBy])).toEqual([
      ['morning', `discord:user:${BOB.id}`],
    ]);
  });

  it('sources add: refused for a non-admin (no row), done for an admin', async () => {
    const refused = await addSource(BOB, `${feedUrl}?discord`);
    // Discord's escaper shows "BRIEFBOT_ADMINS" as "BRIEFBOT\\_ADMINS" so it is not read as italics.
    expect(refused.trim()).toBe(ADD_REFUSED.replace('_', '\\_'));
    expect(await env.store.sources.get(`${feedUrl}?discord`)).toBeUndefined();
    const added = await addSource(ADMIN, `${feedUrl}?discord-ok`);
    expect(added).toContain(`Added ${feedUrl}?discord-ok`);
    expect(await env.store.sources.get(`${feedUrl}?discord-ok`)).toMatchObject({ kind: 'feed', addedBy: `discord:${ADMIN.id}` });
  });
});
