import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { APIEmbed } from 'discord.js';
import { createDiscordAdapter, validateDiscordConfig } from '../adapters/discord/index.js';
import { DISCORD_LIMITS, embedChars } from '../adapters/discord/render.js';
import { BriefbotError, DeliveryError, message, type Adapter, type Block, type CommandEvent, type Core, type Message } from '../src/index.js';
import { ALL_TEXT_PERMISSIONS, FakeDiscord, Intent, type RecordedRequest } from './fakes/discord/fake-discord.js';
import type { FakeGuild, FakeUser } from './fakes/discord/payloads.js';
import { makeFixtureCore } from './helpers/fixture-core.js';

const TOKEN = 'fake-bot-token.abc';
const APP = '111111111111111111';
const GUILD = '222222222222222222';
const CHANNEL = '333333333333333331';
const NO_EMBED_CHANNEL = '333333333333333332';
const NO_SEND_CHANNEL = '333333333333333333';
const BOT: FakeUser = { id: '444444444444444444', username: 'briefbot', bot: true };
const ALICE: FakeUser = { id: '555555555555555551', username: 'alice' };
const BOB: FakeUser = { id: '555555555555555552', username: 'bob' };
const EDITOR_ROLE = '666666666666666661';
const BOT_ROLE = '666666666666666669';
const DEFER_AFTER_MS = 150;

const MANAGE_CHANNELS = 1n << 4n;
const EMBED_LINKS = 1n << 14n;
const SEND_MESSAGES = 1n << 11n;

const guild: FakeGuild = {
  id: GUILD,
  name: 'Newsroom',
  ownerId: '777777777777777777',
  everyonePermissions: ALL_TEXT_PERMISSIONS,
  roles: [
    { id: EDITOR_ROLE, name: 'Editors', permissions: 0n },
    { id: BOT_ROLE, name: 'briefbot', permissions: ALL_TEXT_PERMISSIONS },
  ],
  channels: [
    { id: CHANNEL, name: 'general' },
    // The bot may talk here but not embed links.
    { id: NO_EMBED_CHANNEL, name: 'plain', overwrites: [{ id: BOT_ROLE, type: 0, allow: '0', deny: EMBED_LINKS.toString() }, { id: GUILD, type: 0, allow: '0', deny: EMBED_LINKS.toString() }] },
    { id: NO_SEND_CHANNEL, name: 'announcements', overwrites: [{ id: GUILD, type: 0, allow: '0', deny: SEND_MESSAGES.toString() }] },
  ],
  members: [
    { user: ALICE, roles: [] },
    { user: BOB, roles: [EDITOR_ROLE] },
  ],
  botRoles: [BOT_ROLE],
};

/** The real core over the fixture article, wrapped to record events and, when told, to be slow or to fail. */
interface TestCore extends Core {
  events: CommandEvent[];
  delayMs: number;
  failWith?: Error;
}

let fake: FakeDiscord;
let adapter: Adapter;
let core: TestCore;
let closeFixture: () => Promise<void>;

beforeAll(async () => {
  const fixture = await makeFixtureCore();
  closeFixture = fixture.close;
  const real = fixture.core;
  core = {
    events: [],
    delayMs: 0,
    log: real.log,
    briefNames: () => ['morning', 'africa-business', 'markets'],
    claimOnce: (key, ttlMs) => real.claimOnce(key, ttlMs),
    async handle(event) {
      this.events.push(event);
      if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
      if (this.failWith) throw this.failWith;
      return real.handle(event);
    },
  };
  fake = await FakeDiscord.start({ token: TOKEN, applicationId: APP, bot: BOT, guilds: [guild], heartbeatIntervalMs: 500 });
  adapter = createDiscordAdapter({
    token: TOKEN,
    applicationId: APP,
    guildId: GUILD,
    apiUrl: fake.apiUrl,
    subscribeRole: 'Editors',
    admins: ['slack:U0123', `discord:${'888888888888888888'}`],
    deferAfterMs: DEFER_AFTER_MS,
  });
  await adapter.start(core);
});

afterAll(async () => {
  await adapter?.stop();
  await fake?.close();
  await closeFixture?.();
});

/** Every piece of text a message payload shows (content and all embed fields). */
function payloadText(body: { content?: string; embeds?: APIEmbed[] } | undefined): string {
  if (!body) return '';
  const parts = [body.content ?? ''];
  for (const e of body.embeds ?? []) {
    parts.push(e.title ?? '', e.description ?? '', e.footer?.text ?? '', ...(e.fields ?? []).flatMap((f) => [f.name, f.value]));
  }
  return parts.join('\n');
}

/** The message body a request carried, whatever the route (channel message, interaction callback, webhook). */
function messageBody(r: RecordedRequest): any {
  return /\/callback$/.test(r.path) ? r.body?.data : r.body;
}

const isCallback = (id: string) => (r: RecordedRequest) => r.method === 'POST' && r.path.startsWith(`/v10/interactions/${id}/`);
const isOriginalEdit = (token: string) => (r: RecordedRequest) => r.method === 'PATCH' && r.path === `/v10/webhooks/${APP}/${token}/messages/@original`;
const lastEvent = () => core.events[core.events.length - 1];

function story(i: number, extra: Partial<Extract<Block, { type: 'story' }>> = {}): Block {
  return {
    type: 'story',
    title: `Story ${i}: Regional ministers agree on a new trade corridor`,
    url: `https://news.example.com/story-${i}`,
    summary: `Story ${i} summary. ` + 'The agreement covers customs, rail links and tariff schedules for agricultural goods. '.repeat(6),
    figure: `${i}.5 billion dollars`,
    sources: [
      { label: 'Example News', url: `https://news.example.com/story-${i}` },
      { label: 'Wire Service', url: `https://wire.example.org/${i}` },
    ],
    publishedAt: '2025-11-25T07:00:00Z',
    ...extra,
  };
}

describe('Discord adapter against a fake Discord', () => {
  it('logs in with only the intents it needs and registers the commands with one bulk overwrite', async () => {
    const identify = fake.gatewayLog.find((g) => g.op === 2);
    expect(identify?.d.intents).toBe(Intent.Guilds | Intent.GuildMessages | Intent.DirectMessages);
    const puts = fake.requestsTo('PUT', /commands$/);
    expect(puts.map((r) => r.path)).toEqual([`/v10/applications/${APP}/guilds/${GUILD}/commands`]);
    const body = puts[0].body as any[];
    expect(body.map((c) => c.name)).toEqual(['brief', 'ask', 'briefbot']);
    const brief = body[0];
    expect(brief.options).toEqual([expect.objectContaining({ name: 'topic', type: 3, required: false, autocomplete: true })]);
    const ask = body[1];
    expect(ask.options).toEqual([expect.objectContaining({ name: 'question', type: 3, required: true })]);
    const briefbot = body[2];
    expect(briefbot.options.map((o: any) => [o.name, o.type])).toEqual([
      ['subscribe', 1],
      ['unsubscribe', 1],
      ['list', 1],
      ['sources', 1],
      ['help', 1],
    ]);
    expect(briefbot.options[0].options).toEqual([expect.objectContaining({ name: 'brief', type: 3, required: true, autocomplete: true })]);
    expect(adapter.isConnected?.()).toBe(true);
  });

  it('answers /ask from the fixture article with the sentence and its source, directly when the core is quick', async () => {
    const { id } = fake.slashCommand({
      name: 'ask',
      options: [{ type: 3, name: 'question', value: 'trade figure?' }],
      user: ALICE,
      guildId: GUILD,
      channelId: CHANNEL,
    });
    const cb = await fake.waitForRequest(isCallback(id));
    expect(cb.body.type).toBe(4);
    const text = payloadText(cb.body.data);
    expect(text).toContain('Bilateral trade reached 5.7 billion ringgit');
    expect(text).toContain('malaysia-kenya-strategic-partnership.txt');
    expect(cb.body.data.allowed_mentions).toEqual({ parse: [] });
    expect(cb.headers.authorization).toBeUndefined();
    expect(lastEvent()).toMatchObject({
      platform: 'discord',
      command: 'ask',
      text: 'trade figure?',
      user: `discord:${ALICE.id}`,
      channel: CHANNEL,
      isDirect: false,
      target: `discord:${CHANNEL}`,
      userTarget: `discord:user:${ALICE.id}`,
    });
  });

  it('defers when the core is slow, then edits the answer in', async () => {
    core.delayMs = DEFER_AFTER_MS * 4;
    try {
      const { id, token } = fake.slashCommand({ name: 'brief', user: ALICE, guildId: GUILD, channelId: CHANNEL });
      const cb = await fake.waitForRequest(isCallback(id));
      expect(cb.body.type).toBe(5); // DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE
      expect(cb.body.data.flags ?? 0).toBe(0);
      const edit = await fake.waitForRequest(isOriginalEdit(token));
      expect(edit.rawPath).toBe(`/v10/webhooks/${APP}/${token}/messages/%40original`);
      const text = payloadText(edit.body);
      expect(text).toContain('News brief');
      expect(text).toContain('5.7 billion ringgit');
      expect(edit.body.allowed_mentions).toEqual({ parse: [] });
      expect(lastEvent()).toMatchObject({ command: 'brief', text: '' });
    } finally {
      core.delayMs = 0;
    }
  });

  it('defers a slow /ask in a server privately, as the answer will be, and edits the answer in', async () => {
    core.delayMs = DEFER_AFTER_MS * 4;
    try {
      const { id, token } = fake.slashCommand({ name: 'ask', options: [{ type: 3, name: 'question', value: 'trade figure?' }], user: ALICE, guildId: GUILD, channelId: CHANNEL });
      const deferral = await fake.waitForRequest(isCallback(id));
      expect(deferral.body.type).toBe(5);
      expect(deferral.body.data.flags & 64).toBe(64);
      const edit = await fake.waitForRequest((r) => r.method === 'PATCH' && r.path === `/v10/webhooks/${APP}/${token}/messages/@original`);
      expect(payloadText(edit.body)).toContain('5.7 billion ringgit');
    } finally {
      core.delayMs = 0;
    }
  });

  it('keeps an ephemeral answer private after a public deferral: follow-up with the flag, placeholder deleted', async () => {
    core.delayMs = DEFER_AFTER_MS * 4;
    try {
      // /brief is deferred publicly; a brief with no stories is a private note to the asker.
      const { id, token } = fake.slashCommand({ name: 'brief', options: [{ type: 3, name: 'topic', value: 'volcanic eruptions on mars' }], user: ALICE, guildId: GUILD, channelId: CHANNEL });
      expect((await fake.waitForRequest(isCallback(id))).body.type).toBe(5);
      const followUp = await fake.waitForRequest((r) => r.method === 'POST' && r.path === `/v10/webhooks/${APP}/${token}`);
      expect(followUp.body.flags & 64).toBe(64);
      expect(payloadText(followUp.body)).toContain('No stories about');
      await fake.waitForRequest((r) => r.method === 'DELETE' && r.path === `/v10/webhooks/${APP}/${token}/messages/@original`);
    } finally {
      core.delayMs = 0;
    }
  });

  it('answers a failing command with what went wrong', async () => {
    core.failWith = new BriefbotError('store_down', 'the article store is not reachable');
    try {
      const { id } = fake.slashCommand({ name: 'ask', options: [{ type: 3, name: 'question', value: 'anything?' }], user: ALICE, guildId: GUILD, channelId: CHANNEL });
      const cb = await fake.waitForRequest(isCallback(id));
      expect(cb.body.type).toBe(4);
      expect(cb.body.data.flags & 64).toBe(64);
      expect(payloadText(cb.body.data)).toContain('Sorry, /ask failed: the article store is not reachable');
    } finally {
      core.failWith = undefined;
    }
  });

  it('answers a DM as a free-text message', async () => {
    const before = fake.requests.length;
    fake.directMessage(ALICE, 'brief');
    const dm = fake.dmChannelFor(ALICE.id);
    const sent = await fake.waitForRequest((r) => fake.requests.indexOf(r) >= before && r.method === 'POST' && r.path === `/v10/channels/${dm}/messages`);
    expect(lastEvent()).toMatchObject({ command: 'message', text: 'brief', isDirect: true, target: `discord:${dm}`, userTarget: `discord:user:${ALICE.id}`, canManageChannel: true });
    expect(payloadText(sent.body)).toContain('5.7 billion ringgit');
    expect(sent.body.allowed_mentions).toEqual({ parse: [] });
    expect(sent.body.message_reference).toBeUndefined();
  });

  it('answers a mention in a channel with a reply, the mention removed; ignores messages not addressed to it', async () => {
    const count = core.events.length;
    fake.guildMessage({ guildId: GUILD, channelId: CHANNEL, user: BOB, roles: [EDITOR_ROLE], content: 'what was the trade figure, anyone?' });
    const msgId = fake.guildMessage({ guildId: GUILD, channelId: CHANNEL, user: BOB, roles: [EDITOR_ROLE], content: `<@${BOT.id}> what was the trade figure?` });
    const sent = await fake.waitForRequest((r) => r.method === 'POST' && r.path === `/v10/channels/${CHANNEL}/messages` && r.body?.message_reference?.message_id === msgId);
    expect(core.events.slice(count)).toEqual([
      expect.objectContaining({ command: 'message', text: 'what was the trade figure?', isDirect: false, target: `discord:${CHANNEL}`, canManageChannel: true }),
    ]);
    expect(payloadText(sent.body)).toContain('5.7 billion ringgit');
    expect(sent.body.allowed_mentions).toEqual({ parse: [] });
  });

  it('replies in plain text where the bot may not embed links', async () => {
    const msgId = fake.guildMessage({ guildId: GUILD, channelId: NO_EMBED_CHANNEL, user: ALICE, content: `<@${BOT.id}> trade figure?` });
    const sent = await fake.waitForRequest((r) => r.method === 'POST' && r.path === `/v10/channels/${NO_EMBED_CHANNEL}/messages` && r.body?.message_reference?.message_id === msgId);
    expect(sent.body.embeds).toEqual([]);
    expect(sent.body.content).toContain('5.7 billion ringgit');
    expect(lastEvent()).toMatchObject({ canManageChannel: false, permissionHint: expect.stringContaining('Manage Channels') });
  });

  it('DMs the user who mentioned it in a channel it cannot post in, naming the missing permission', async () => {
    const count = core.events.length;
    fake.guildMessage({ guildId: GUILD, channelId: NO_SEND_CHANNEL, user: ALICE, content: `<@${BOT.id}> trade figure?` });
    const dm = fake.dmChannelFor(ALICE.id);
    const sent = await fake.waitForRequest((r) => r.method === 'POST' && r.path === `/v10/channels/${dm}/messages` && /announcements|333333333333333333/.test(r.body?.content ?? ''));
    expect(sent.body.content).toBe(
      `You mentioned me in <#${NO_SEND_CHANNEL}>, but I can't post in this channel: I'm missing Send Messages here. Ask a server admin to grant briefbot that permission in this channel's settings (Permissions), then try again.`,
    );
    expect(sent.body.allowed_mentions).toEqual({ parse: [] });
    expect(fake.requestsTo('POST', new RegExp(`^/v10/channels/${NO_SEND_CHANNEL}/messages$`))).toEqual([]);
    expect(core.events.length).toBe(count);
  });

  it('tells who may subscribe a channel: Manage Channels, the subscribe role, or an admin', async () => {
    const subscribe = (user: FakeUser, extra: { roles?: string[]; memberPermissions?: bigint } = {}) => {
      const { id } = fake.slashCommand({ name: 'briefbot', options: [{ type: 1, name: 'subscribe', options: [{ type: 3, name: 'brief', value: 'morning' }] }], user, guildId: GUILD, channelId: CHANNEL, ...extra });
      return fake.waitForRequest(isCallback(id));
    };
    const seen = (n: number) => core.events[n - 1];
    let n = core.events.length;
    await subscribe(ALICE);
    expect(seen(++n)).toMatchObject({ command: 'briefbot', text: 'subscribe morning', canManageChannel: false, permissionHint: expect.stringContaining('"Editors"') });
    await subscribe(ALICE, { memberPermissions: ALL_TEXT_PERMISSIONS | MANAGE_CHANNELS });
    expect(seen(++n)).toMatchObject({ canManageChannel: true });
    await subscribe(BOB, { roles: [EDITOR_ROLE] });
    expect(seen(++n)).toMatchObject({ canManageChannel: true });
    await subscribe({ id: '888888888888888888', username: 'admin' });
    expect(seen(++n)).toMatchObject({ canManageChannel: true, user: 'discord:888888888888888888' });
  });

  it('refuses to subscribe a channel the bot cannot post in, naming the missing permissions', async () => {
    const count = core.events.length;
    const { id } = fake.slashCommand({
      name: 'briefbot',
      options: [{ type: 1, name: 'subscribe', options: [{ type: 3, name: 'brief', value: 'morning' }] }],
      user: ALICE,
      guildId: GUILD,
      channelId: CHANNEL,
      memberPermissions: MANAGE_CHANNELS,
      appPermissions: ALL_TEXT_PERMISSIONS & ~EMBED_LINKS & ~(1n << 11n),
    });
    const cb = await fake.waitForRequest(isCallback(id));
    expect(cb.body.data.flags & 64).toBe(64);
    expect(cb.body.data.content).toContain("I'm missing Send Messages, Embed Links here");
    expect(core.events.length).toBe(count);
  });

  it('maps /briefbot subcommands to the core and autocompletes brief names', async () => {
    const { id } = fake.slashCommand({ name: 'briefbot', options: [{ type: 1, name: 'list', options: [] }], user: ALICE, guildId: GUILD, channelId: CHANNEL });
    await fake.waitForRequest(isCallback(id));
    expect(lastEvent()).toMatchObject({ command: 'briefbot', text: 'list' });

    const ac = fake.slashCommand({
      name: 'briefbot',
      type: 4,
      options: [{ type: 1, name: 'subscribe', options: [{ type: 3, name: 'brief', value: 'm', focused: true }] }],
      user: ALICE,
      guildId: GUILD,
      channelId: CHANNEL,
    });
    const cb = await fake.waitForRequest(isCallback(ac.id));
    expect(cb.body).toEqual({ type: 8, data: { choices: [{ name: 'morning', value: 'morning' }, { name: 'markets', value: 'markets' }] } });
  });

  it('posts a scheduled 20-story brief as embeds within every limit, all 20 stories present', async () => {
    const brief = message(
      [{ type: 'heading', text: 'Top stories' }, ...Array.from({ length: 20 }, (_, i) => story(i + 1)), { type: 'context', text: '20 stories from 2 sources' }],
      'Morning brief — 25 November',
    );
    const before = fake.requests.length;
    const result = await adapter.post(`discord:${CHANNEL}`, brief);
    const posts = fake.requests.slice(before).filter((r) => r.method === 'POST' && r.path === `/v10/channels/${CHANNEL}/messages`);
    expect(posts.length).toBeGreaterThan(1);
    expect(result.ids).toHaveLength(posts.length);
    const embeds: APIEmbed[] = [];
    for (const p of posts) {
      const body = p.body as { embeds: APIEmbed[]; content?: string; allowed_mentions: unknown };
      expect(body.allowed_mentions).toEqual({ parse: [] });
      expect(body.embeds.length).toBeGreaterThan(0);
      expect(body.embeds.length).toBeLessThanOrEqual(DISCORD_LIMITS.embedsPerMessage);
      expect(body.embeds.reduce((n, e) => n + embedChars(e), 0)).toBeLessThanOrEqual(DISCORD_LIMITS.embedCharsPerMessage);
      expect((body.content ?? '').length).toBeLessThanOrEqual(DISCORD_LIMITS.content);
      for (const e of body.embeds) {
        expect((e.title ?? '').length).toBeLessThanOrEqual(DISCORD_LIMITS.title);
        expect((e.description ?? '').length).toBeLessThanOrEqual(DISCORD_LIMITS.description);
        expect((e.fields ?? []).length).toBeLessThanOrEqual(DISCORD_LIMITS.fields);
        for (const f of e.fields ?? []) {
          expect(f.name.length).toBeLessThanOrEqual(DISCORD_LIMITS.fieldName);
          expect(f.value.length).toBeLessThanOrEqual(DISCORD_LIMITS.fieldValue);
        }
        expect((e.footer?.text ?? '').length).toBeLessThanOrEqual(DISCORD_LIMITS.footer);
      }
      embeds.push(...body.embeds);
    }
    const storyEmbeds = embeds.filter((e) => e.title?.startsWith('Story '));
    expect(storyEmbeds.map((e) => e.title)).toEqual(Array.from({ length: 20 }, (_, i) => `Story ${i + 1}: Regional ministers agree on a new trade corridor`));
    expect(storyEmbeds[6]).toMatchObject({
      url: 'https://news.example.com/story-7',
      fields: [{ name: 'Key figure', value: '7.5 billion dollars' }],
      footer: { text: 'Sources: Example News, Wire Service' },
      timestamp: '2025-11-25T07:00:00.000Z',
    });
    expect(storyEmbeds[6].description).toMatch(/^Story 7 summary\\?\. The agreement covers customs/);
    expect(embeds[0].title).toBe('Morning brief — 25 November');
    expect(posts[1].body.embeds[0].title).toMatch(/^Morning brief — 25 November \(continued 2\/\d\)$/);
  });

  it('waits out a 429 with Retry-After, and the post arrives exactly once', async () => {
    fake.failNext('POST', new RegExp(`^/v10/channels/${CHANNEL}/messages$`), { status: 429, retryAfter: 1 });
    const before = fake.requests.length;
    const result = await adapter.post(`discord:${CHANNEL}`, message([{ type: 'paragraph', text: 'Rate limited, then delivered.' }]));
    const posts = fake.requests.slice(before).filter((r) => r.path === `/v10/channels/${CHANNEL}/messages`);
    expect(posts.map((r) => r.status)).toEqual([429, 200]);
    expect(result.ids).toHaveLength(1);
    expect(posts[1].body.embeds[0].description).toBe('Rate limited, then delivered.');
  });

  it('never lets article text ping: @everyone neutralised, allowed_mentions empty', async () => {
    const article: Message = message(
      [story(1, { title: '@everyone look: **breaking**', summary: 'Leaked memo says @here <@123456789012345678> and <@&234567890123456789> [click](https://evil.example) @everyone.' })],
      'Brief for @everyone',
    );
    const before = fake.requests.length;
    await adapter.post(`discord:${CHANNEL}`, article);
    const [post] = fake.requests.slice(before).filter((r) => r.path === `/v10/channels/${CHANNEL}/messages`);
    expect(post.body.allowed_mentions).toEqual({ parse: [] });
    const text = payloadText(post.body);
    expect(text).not.toMatch(/@(everyone|here)/);
    expect(text).toContain('@\u200beveryone');
    expect(text).toContain('@\u200bhere');
    expect(text).not.toMatch(/(^|[^\\])<@/);
    expect(text).not.toMatch(/(^|[^\\])\[click\]/);
    expect(text).toContain('\\*\\*breaking\\*\\*');
  });

  it('opens a DM for discord:user:<id> targets (once) and posts there', async () => {
    const before = fake.requests.length;
    await adapter.post(`discord:user:${BOB.id}`, message([{ type: 'paragraph', text: 'Your personal brief.' }]));
    await adapter.post(`discord:user:${BOB.id}`, message([{ type: 'paragraph', text: 'And another.' }]));
    const reqs = fake.requests.slice(before).map((r) => [r.method, r.path, r.body?.recipient_id ?? r.body?.embeds?.[0]?.description]);
    const dm = fake.dmChannelFor(BOB.id);
    expect(reqs).toEqual([
      ['POST', '/v10/users/@me/channels', BOB.id],
      ['POST', `/v10/channels/${dm}/messages`, 'Your personal brief.'],
      ['POST', `/v10/channels/${dm}/messages`, 'And another.'],
    ]);
  });

  it('turns Unknown Channel, Missing Permissions and closed DMs into permanent DeliveryErrors, 5xx into retryable', async () => {
    const post = (target: string) => adapter.post(target, message([{ type: 'paragraph', text: 'x' }])).then(() => undefined, (e: unknown) => e);
    const unknown = await post('discord:999999999999999999');
    expect(unknown).toBeInstanceOf(DeliveryError);
    expect(unknown).toMatchObject({ code: 'discord_10003', permanent: true, retryable: false });

    fake.failNext('POST', /messages$/, { status: 403, code: 50013, message: 'Missing Permissions' });
    expect(await post(`discord:${CHANNEL}`)).toMatchObject({ code: 'discord_50013', permanent: true });

    fake.failNext('POST', /^\/v10\/users\/@me\/channels$/, { status: 400, code: 50007, message: 'Cannot send messages to this user' });
    expect(await post('discord:user:555555555555555559')).toMatchObject({ code: 'discord_50007', permanent: true });

    fake.failNext('POST', /messages$/, { status: 503, times: 4 });
    expect(await post(`discord:${CHANNEL}`)).toMatchObject({ permanent: false, retryable: true });

    expect(await post('slack:C0123')).toMatchObject({ code: 'discord_bad_target', permanent: true });
  });

  it('resumes after the gateway drops the socket (4000) without losing commands', async () => {
    const identifies = fake.gatewayLog.filter((g) => g.op === 2).length;
    fake.dropConnection(4000);
    // Sent while the bot is disconnected: Discord replays it on RESUME.
    const during = fake.slashCommand({ name: 'ask', options: [{ type: 3, name: 'question', value: 'trade figure?' }], user: ALICE, guildId: GUILD, channelId: CHANNEL });
    const cb1 = await fake.waitForRequest(isCallback(during.id));
    expect(payloadText(cb1.body.data)).toContain('5.7 billion ringgit');
    const resumes = fake.gatewayLog.filter((g) => g.op === 6);
    expect(resumes).toHaveLength(1);
    expect(fake.gatewayLog.filter((g) => g.op === 2)).toHaveLength(identifies);

    const after = fake.slashCommand({ name: 'ask', options: [{ type: 3, name: 'question', value: 'trade figure?' }], user: BOB, guildId: GUILD, channelId: CHANNEL });
    const cb2 = await fake.waitForRequest(isCallback(after.id));
    expect(payloadText(cb2.body.data)).toContain('5.7 billion ringgit');
    expect(adapter.isConnected?.()).toBe(true);
  });

  it('sends allowed_mentions {parse: []} with every message: posts and interaction replies alike', async () => {
    // Its own messages first, so the test does not depend on what ran before it.
    const before = fake.requests.length;
    await adapter.post(`discord:${CHANNEL}`, message([{ type: 'paragraph', text: 'Shares rose @everyone' }], 'Note'));
    const { id } = fake.slashCommand({ name: 'ask', options: [{ type: 3, name: 'question', value: 'trade figure?' }], user: ALICE, guildId: GUILD, channelId: CHANNEL });
    await fake.waitForRequest(isCallback(id));
    const mine = fake.requests.slice(before);
    expect(mine.some((r) => r.method === 'POST' && r.path === `/v10/channels/${CHANNEL}/messages`)).toBe(true);
    expect(mine.some(isCallback(id))).toBe(true);
    const sent = fake.requests.filter(
      (r) =>
        (r.method === 'POST' && /^\/v10\/channels\/\d+\/messages$/.test(r.path)) ||
        (r.method === 'POST' && /\/callback$/.test(r.path) && [4, 7].includes(r.body?.type)) ||
        (r.method === 'PATCH' && /^\/v10\/webhooks\//.test(r.path)) ||
        (r.method === 'POST' && /^\/v10\/webhooks\/\d+\/[^/]+$/.test(r.path)),
    );
    expect(sent.length).toBeGreaterThanOrEqual(2);
    for (const r of sent) expect([r.path, messageBody(r)?.allowed_mentions]).toEqual([r.path, { parse: [] }]);
  });
});

describe('validateDiscordConfig', () => {
  it('names the variable behind each problem', () => {
    expect(validateDiscordConfig({ token: '', applicationId: 'abc', guildId: '12', apiUrl: 'ftp://x' })).toEqual([
      expect.stringMatching(/^DISCORD_TOKEN is not set/),
      expect.stringMatching(/^DISCORD_APPLICATION_ID must be a numeric Discord id/),
      expect.stringMatching(/^DISCORD_GUILD_ID must be a numeric Discord id/),
      expect.stringMatching(/^DISCORD_API_URL must be an http\(s\) URL/),
    ]);
    expect(validateDiscordConfig({ token: 't', applicationId: APP })).toEqual([]);
    expect(() => createDiscordAdapter({ token: '', applicationId: APP })).toThrow(/DISCORD_TOKEN/);
  });
});

describe('Discord adapter start-up failures', () => {
  it('says DISCORD_TOKEN is wrong when Discord rejects it, and leaves nothing running', async () => {
    const other = await FakeDiscord.start({ token: TOKEN, applicationId: APP, bot: BOT, guilds: [guild] });
    const bad = createDiscordAdapter({ token: 'not-the-token', applicationId: APP, guildId: GUILD, apiUrl: other.apiUrl });
    try {
      await expect(bad.start(silentCore())).rejects.toThrow(/DISCORD_TOKEN/);
      expect(bad.isConnected?.()).toBe(false);
      expect(other.gatewayLog).toEqual([]);
    } finally {
      await bad.stop();
      await other.close();
    }
  });

  it('explains a guild it cannot register commands in', async () => {
    const other = await FakeDiscord.start({ token: TOKEN, applicationId: APP, bot: BOT, guilds: [guild] });
    const wrongGuild = createDiscordAdapter({ token: TOKEN, applicationId: APP, guildId: '999999999999999999', apiUrl: other.apiUrl });
    try {
      await expect(wrongGuild.start(silentCore())).rejects.toThrow(/DISCORD_GUILD_ID 999999999999999999: Missing Access/);
      expect(wrongGuild.isConnected?.()).toBe(false);
    } finally {
      await wrongGuild.stop();
      await other.close();
    }
  });

  it('registers global commands when no guild is configured', async () => {
    const other = await FakeDiscord.start({ token: TOKEN, applicationId: APP, bot: BOT, guilds: [guild] });
    const global = createDiscordAdapter({ token: TOKEN, applicationId: APP, apiUrl: other.apiUrl });
    try {
      await global.start(silentCore());
      await global.start(silentCore()).catch(() => undefined); // a second start is refused, not a second client
      expect(other.requestsTo('PUT', /commands$/).map((r) => r.path)).toEqual([`/v10/applications/${APP}/commands`]);
      expect(other.commands.get('global')?.map((c) => c.name)).toEqual(['brief', 'ask', 'briefbot']);
    } finally {
      await global.stop();
      await other.close();
    }
  });
});

function silentCore(): Core {
  const log = { debug() {}, info() {}, warn() {}, error() {}, child: () => log };
  return { log, briefNames: () => [], claimOnce: async () => true, handle: async () => ({ message: message([{ type: 'paragraph', text: 'ok' }]) }) };
}
