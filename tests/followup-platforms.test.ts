/**
 * Follow-up questions through the real platform libraries: a Slack DM and a Slack thread
 * (real Bolt against the fake Slack), a Discord DM and a Discord channel (real discord.js
 * against the fake Discord). Each dialogue's answers are the exact sentences expected.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { APIEmbed } from 'discord.js';
import { createDiscordAdapter } from '../adapters/discord/index.js';
import type { Adapter } from '../src/index.js';
import { ALL_TEXT_PERMISSIONS, FakeDiscord } from './fakes/discord/fake-discord.js';
import type { FakeGuild, FakeUser } from './fakes/discord/payloads.js';
import { eventCallback } from './fakes/slack/requests.js';
import { startBot, type Bot } from './fakes/slack/harness.js';
import { SENTENCES, makeDialogueCore } from './helpers/dialogue.js';

let fx: Awaited<ReturnType<typeof makeDialogueCore>>;
beforeAll(async () => {
  fx = await makeDialogueCore();
});
afterAll(() => fx?.close());

describe('Slack follow-ups', () => {
  let bot: Bot;
  afterEach(async () => {
    await bot?.close();
  });

  /** Sends one event and returns the text of the answer it produced. */
  async function turn(event: Record<string, unknown>): Promise<{ text: string; thread?: string }> {
    const before = bot.fake.posts().length;
    await bot.event(eventCallback(event));
    const posts = await bot.fake.waitFor(() => bot.fake.posts().length > before && bot.fake.posts(), 'the answer');
    const post = posts[before];
    return { text: String(post.args.text), thread: post.args.thread_ts as string | undefined };
  }

  it('answers follow-ups in a DM from the story just discussed', async () => {
    bot = await startBot('http', fx.core);
    const dm = (text: string, ts: string) => ({ type: 'message', channel: 'D7', channel_type: 'im', user: 'U7', text, ts, event_ts: ts });
    expect((await turn(dm('who visited Kenya?', '1700001000.000100'))).text).toContain(SENTENCES.visit);
    expect((await turn(dm('what did they sign?', '1700001010.000100'))).text).toContain(SENTENCES.signed);
    expect((await turn(dm('how much?', '1700001020.000100'))).text).toContain(SENTENCES.trade);
    expect(bot.events.map((e) => e.conversation)).toEqual(['slack:D7', 'slack:D7', 'slack:D7']);
  });

  it('keeps a channel thread as its own conversation; a new mention outside it starts afresh', async () => {
    bot = await startBot('socket', fx.core);
    const mention = (text: string, ts: string, thread?: string) => ({ type: 'app_mention', channel: 'C7', user: 'U7', text: `<@UBOT> ${text}`, ts, event_ts: ts, ...(thread ? { thread_ts: thread } : {}) });
    const first = await turn(mention('who visited Kenya?', '1700002000.000100'));
    expect(first).toEqual({ text: expect.stringContaining(SENTENCES.visit), thread: '1700002000.000100' });
    const followUp = await turn(mention('what did they sign?', '1700002010.000100', '1700002000.000100'));
    expect(followUp).toEqual({ text: expect.stringContaining(SENTENCES.signed), thread: '1700002000.000100' });
    // The same words as a new top-level mention: no story to follow, so the best match in the store.
    const fresh = await turn(mention('what did they sign?', '1700002020.000100'));
    expect(fresh).toEqual({ text: expect.stringContaining(SENTENCES.timeWarner), thread: '1700002020.000100' });
    expect(bot.events.map((e) => e.conversation)).toEqual(['slack:C7:1700002000.000100', 'slack:C7:1700002000.000100', 'slack:C7:1700002020.000100']);
  });
});

describe('Discord follow-ups', () => {
  const TOKEN = 'fake-bot-token.followup';
  const APP = '111111111111111112';
  const GUILD = '222222222222222223';
  const CHANNEL = '333333333333333334';
  const BOT: FakeUser = { id: '444444444444444445', username: 'briefbot', bot: true };
  const CAROL: FakeUser = { id: '555555555555555553', username: 'carol' };
  const DAVE: FakeUser = { id: '555555555555555554', username: 'dave' };
  const BOT_ROLE = '666666666666666668';
  const guild: FakeGuild = {
    id: GUILD,
    name: 'Newsroom',
    ownerId: '777777777777777778',
    everyonePermissions: ALL_TEXT_PERMISSIONS,
    roles: [{ id: BOT_ROLE, name: 'briefbot', permissions: ALL_TEXT_PERMISSIONS }],
    channels: [{ id: CHANNEL, name: 'general' }],
    members: [
      { user: CAROL, roles: [] },
      { user: DAVE, roles: [] },
    ],
    botRoles: [BOT_ROLE],
  };
  let fake: FakeDiscord;
  let adapter: Adapter;

  beforeAll(async () => {
    fake = await FakeDiscord.start({ token: TOKEN, applicationId: APP, bot: BOT, guilds: [guild], heartbeatIntervalMs: 500 });
    adapter = createDiscordAdapter({ token: TOKEN, applicationId: APP, guildId: GUILD, apiUrl: fake.apiUrl });
    await adapter.start(fx.core);
  });
  afterAll(async () => {
    await adapter?.stop();
    await fake?.close();
  });

  function shown(body: { content?: string; embeds?: APIEmbed[] }): string {
    return [body.content ?? '', ...(body.embeds ?? []).flatMap((e) => [e.title ?? '', e.description ?? ''])].join('\n');
  }

  /** Sends one message and returns the text of the bot's answer to it. */
  async function turn(send: () => string, channel: () => string): Promise<string> {
    const before = fake.requests.length;
    const id = send();
    const sent = await fake.waitForRequest(
      (r) => fake.requests.indexOf(r) >= before && r.method === 'POST' && r.path === `/v10/channels/${channel()}/messages` && (channel() !== CHANNEL || r.body?.message_reference?.message_id === id),
    );
    return shown(sent.body);
  }

  it('answers follow-ups in a DM from the story just discussed', async () => {
    const dm = (text: string) => () => fake.directMessage(CAROL, text);
    const dmChannel = () => fake.dmChannelFor(CAROL.id);
    expect(await turn(dm('who visited Kenya?'), dmChannel)).toContain(SENTENCES.visit);
    expect(await turn(dm('what did they sign?'), dmChannel)).toContain(SENTENCES.signed);
    expect(await turn(dm('when?'), dmChannel)).toContain(SENTENCES.visit);
  });

  it('follows each person in a channel separately', async () => {
    const say = (user: FakeUser, text: string) => () => fake.guildMessage({ guildId: GUILD, channelId: CHANNEL, user, content: `<@${BOT.id}> ${text}` });
    const channel = () => CHANNEL;
    expect(await turn(say(CAROL, 'who visited Kenya?'), channel)).toContain(SENTENCES.visit);
    // Dave has asked nothing yet: his "they" has no story to refer to.
    expect(await turn(say(DAVE, 'what did they sign?'), channel)).toContain(SENTENCES.timeWarner);
    expect(await turn(say(CAROL, 'what did they sign?'), channel)).toContain(SENTENCES.signed);
  });
});
