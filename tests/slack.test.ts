/**
 * The Slack adapter end to end: real Bolt (HTTP receiver and Socket Mode) against
 * a protocol-level fake Slack on 127.0.0.1, a real core over the fixture article.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DeliveryError, message, type Block, type CommandEvent, type Core, type Message } from '../src/index.js';
import { createCore, type CommandHandler } from '../src/core.js';
import { openSqliteStore } from '../src/store/sqlite/index.js';
import { makeFixtureCore } from './helpers/fixture-core.js';
import { blockProblems, startFakeSlack } from './fakes/slack/fake-slack.js';
import { createSlackAdapter } from '../adapters/slack/index.js';
import { blockAction, eventCallback, slashCommand, slackSignature } from './fakes/slack/requests.js';
import { APP_TOKEN, BOT_TOKEN, acknowledged, startBot, type Bot, type Mode } from './fakes/slack/harness.js';

const SUBSCRIBE_REFUSED = 'You cannot subscribe this channel:';

/** Stands in for the lead's /briefbot handler: decides on the adapter's canManageChannel. */
const briefbot: CommandHandler = async (e) => {
  const m = /^subscribe\s+(\S+)/i.exec(e.text);
  if (!m) return { message: message([{ type: 'paragraph', text: `briefbot ${e.text}` }]), ephemeral: true };
  if (!e.canManageChannel) return { message: message([{ type: 'paragraph', text: `${SUBSCRIBE_REFUSED} ${e.permissionHint ?? ''}` }]), ephemeral: true };
  return { message: message([{ type: 'paragraph', text: `Subscribed ${e.target} to ${m[1]}.` }]), ephemeral: true };
};

const HOSTILE_ARTICLE = [
  'Acme shares rally <!channel> as @here traders cheer',
  'Shares of Acme rose 12% to $4.2 billion in market value on Tuesday, traders said <!channel> @here.',
  'The company said <@U0SPAM> and <!subteam^S1|team> would lead the expansion, <!everyone> agreed.',
].join('\n');

let fixture: Awaited<ReturnType<typeof makeFixtureCore>>;
let hostile: Awaited<ReturnType<typeof makeFixtureCore>>;
let articleDir: string;
beforeAll(async () => {
  fixture = await makeFixtureCore({ core: { briefbot } });
  articleDir = mkdtempSync(join(tmpdir(), 'briefbot-slack-'));
  const file = join(articleDir, 'acme-rally.txt');
  writeFileSync(file, HOSTILE_ARTICLE);
  hostile = await makeFixtureCore({ articles: [file] });
});
afterAll(async () => {
  await fixture?.close();
  await hostile?.close();
  if (articleDir) rmSync(articleDir, { recursive: true, force: true });
});

/** No payload of ours may carry a mention or broadcast, in markup or as a bare word. */
function expectNoMentions(raw: string): void {
  for (const bad of ['<!channel>', '<!here>', '<!everyone>', '<@U', '<!subteam']) expect(raw).not.toContain(bad);
  expect(raw).not.toMatch(/@(here|channel|everyone)/i);
}

function json(call: { args: unknown } | { body: unknown }): string {
  return JSON.stringify('args' in call ? call.args : call.body);
}

function texts(blocks: unknown): string {
  return JSON.stringify(blocks ?? []);
}

const ARTICLE_FILE = 'malaysia-kenya-strategic-partnership.txt';

describe.each<Mode>(['http', 'socket'])('Slack adapter, %s mode', (mode) => {
  let bot: Bot;
  afterEach(async () => {
    await bot?.close();
  });

  it('answers /ask on the fixture article through response_url, ephemeral, with the source and a Share button', async () => {
    bot = await startBot(mode, fixture.core);
    const responseUrl = bot.fake.responseUrl('ask-1');
    const d = await bot.command(slashCommand({ command: '/ask', text: 'trade figure?', userId: 'U1', channelId: 'C1', responseUrl }));
    expect(acknowledged(d)).toBe(true);
    const [answer] = await bot.fake.waitFor(() => bot.fake.responsesFor('ask-1').length > 0 && bot.fake.responsesFor('ask-1'), 'the /ask answer');
    const body = answer.body as { response_type: string; text: string; blocks: Array<{ type: string }> };
    expect(body.response_type).toBe('ephemeral');
    expect(body.text).toContain('5.7 billion ringgit');
    expect(texts(body.blocks)).toContain('5.7 billion ringgit');
    expect(texts(body.blocks)).toContain(ARTICLE_FILE);
    expect(blockProblems(body.blocks)).toEqual([]);
    expect(body.blocks.at(-1)?.type).toBe('actions');
    expect(bot.events).toHaveLength(1);
    expect(bot.events[0]).toMatchObject({
      platform: 'slack',
      command: 'ask',
      text: 'trade figure?',
      user: 'U1',
      channel: 'C1',
      isDirect: false,
      target: 'slack:C1',
      userTarget: 'slack:U1',
    } satisfies Partial<CommandEvent>);
    // Slash commands are answered through response_url only: nothing posted to the channel.
    expect(bot.fake.posts()).toHaveLength(0);
  });

  it('shares an ephemeral answer to the channel when a member presses Share, once', async () => {
    bot = await startBot(mode, fixture.core);
    bot.fake.setMembers('C1', ['U1']);
    await bot.command(slashCommand({ command: '/ask', text: 'trade figure?', userId: 'U1', channelId: 'C1', responseUrl: bot.fake.responseUrl('ask') }));
    const [answer] = await bot.fake.waitFor(() => bot.fake.responsesFor('ask').length > 0 && bot.fake.responsesFor('ask'), 'the answer');
    const actions = (answer.body.blocks as Array<{ type: string; elements?: Array<{ action_id: string; value: string }> }>).at(-1);
    const button = actions?.elements?.[0];
    expect(button?.action_id).toBe('briefbot_share');

    const press = (id: string, userId = 'U1') =>
      bot.action(blockAction({ actionId: 'briefbot_share', value: button!.value, userId, channelId: 'C1', responseUrl: bot.fake.responseUrl(id) }));
    // Someone outside the channel cannot use the bot to post into it.
    await press('outsider', 'U9');
    await bot.fake.waitFor(() => bot.fake.responsesFor('outsider').length > 0, 'the refusal');
    expect(bot.fake.responsesFor('outsider')[0].body.text).toBe(
      'I did not share this. Only members of this channel (or a briefbot admin) can share answers to it. Join the channel first, or ask an admin.',
    );
    expect(bot.fake.posts()).toHaveLength(0);

    expect(acknowledged(await press('share-1'))).toBe(true);
    const [post] = await bot.fake.waitFor(() => bot.fake.posts().length > 0 && bot.fake.posts(), 'the shared post');
    expect(post.args.channel).toBe('C1');
    expect(post.args.text).toContain('5.7 billion ringgit');
    expect(json(post)).toContain('Shared by <@U1> with /ask');
    expect(post.args.unfurl_links).toBe('false');
    expect(json(post)).not.toContain('briefbot_share');
    await bot.fake.waitFor(() => bot.fake.responsesFor('share-1').length > 0, 'the share confirmation');
    expect(bot.fake.responsesFor('share-1')[0].body.text).toBe('Shared to the channel.');

    await press('share-2');
    await bot.fake.waitFor(() => bot.fake.responsesFor('share-2').length > 0, 'the second press answer');
    expect(bot.fake.responsesFor('share-2')[0].body.text).toBe('Already shared to the channel.');
    expect(bot.fake.posts()).toHaveLength(1);
  });

  it('keeps slash-command answers in a DM private and offers no Share button there', async () => {
    bot = await startBot(mode, fixture.core);
    // A DM between two people: the bot is not in it, and the other person must not see the answer.
    await bot.command(slashCommand({ command: '/ask', text: 'trade figure?', userId: 'U1', channelId: 'D12', responseUrl: bot.fake.responseUrl('dm') }));
    const [r] = await bot.fake.waitFor(() => bot.fake.responsesFor('dm').length > 0 && bot.fake.responsesFor('dm'), 'the answer');
    expect(r.body.response_type).toBe('ephemeral');
    expect(r.body.text).toContain('5.7 billion ringgit');
    expect(texts(r.body.blocks)).not.toContain('briefbot_share');
    expect(bot.events[0]).toMatchObject({ isDirect: true, target: 'slack:D12' });
  });

  it('answers a direct message in the DM, not ephemeral and not threaded', async () => {
    bot = await startBot(mode, fixture.core);
    const d = await bot.event(
      eventCallback({ type: 'message', channel: 'D1', channel_type: 'im', user: 'U1', text: 'who visited Kenya?', ts: '1700000100.000100', event_ts: '1700000100.000100' }),
    );
    expect(acknowledged(d)).toBe(true);
    const [post] = await bot.fake.waitFor(() => bot.fake.posts().length > 0 && bot.fake.posts(), 'the DM answer');
    expect(post.args.channel).toBe('D1');
    expect(post.args.text).toContain('Anwar Ibrahim');
    expect(post.args.thread_ts).toBeUndefined();
    expect(bot.events[0]).toMatchObject({ command: 'message', isDirect: true, text: 'who visited Kenya?', target: 'slack:D1', userTarget: 'slack:U1' });
  });

  it('treats "subscribe" in a DM as the user managing their own DM, without a membership lookup', async () => {
    bot = await startBot(mode, fixture.core);
    await bot.event(eventCallback({ type: 'message', channel: 'D9', channel_type: 'im', user: 'U9', text: 'subscribe morning', ts: '1700000150.000100' }));
    const [post] = await bot.fake.waitFor(() => bot.fake.posts().length > 0 && bot.fake.posts(), 'the DM answer');
    expect(post.args.text).toBe('Subscribed slack:D9 to morning.');
    expect(bot.events[0]).toMatchObject({ command: 'message', text: 'subscribe morning', isDirect: true, canManageChannel: true, userTarget: 'slack:U9' });
    expect(bot.fake.callsTo('conversations.members')).toHaveLength(0);
  });

  it('answers a mention in a thread under it, with the mention removed from the question', async () => {
    bot = await startBot(mode, fixture.core);
    await bot.event(
      eventCallback({ type: 'app_mention', channel: 'C1', user: 'U1', text: '<@UBOT> trade figure?', ts: '1700000200.000100', event_ts: '1700000200.000100' }),
    );
    const [post] = await bot.fake.waitFor(() => bot.fake.posts().length > 0 && bot.fake.posts(), 'the threaded answer');
    expect(post.args).toMatchObject({ channel: 'C1', thread_ts: '1700000200.000100' });
    expect(post.args.text).toContain('5.7 billion ringgit');
    expect(bot.events[0]).toMatchObject({ command: 'message', isDirect: false, text: 'trade figure?', target: 'slack:C1' });
  });

  it('answers a redelivered event once, and a re-sent slash command once', async () => {
    bot = await startBot(mode, fixture.core);
    const mention = eventCallback(
      { type: 'app_mention', channel: 'C1', user: 'U1', text: '<@UBOT> trade figure?', ts: '1700000300.000100', event_ts: '1700000300.000100' },
      `EvREDELIVER1${mode}`,
    );
    await bot.event(mention);
    await bot.fake.waitFor(() => bot.fake.posts().length === 1, 'the first answer');
    expect(acknowledged(await bot.event(mention, { retryNum: 1 }))).toBe(true);
    expect(acknowledged(await bot.event(mention, { retryNum: 2 }))).toBe(true);

    const cmd = slashCommand({ command: '/ask', text: 'trade figure?', userId: 'U1', channelId: 'C1', responseUrl: bot.fake.responseUrl('dup'), triggerId: `trigger-dup-1-${mode}` });
    await bot.command(cmd);
    await bot.command(cmd);
    // A fresh event after the repeats: once it is answered, the repeats have long been handled.
    await bot.event(eventCallback({ type: 'app_mention', channel: 'C1', user: 'U1', text: '<@UBOT> who visited Kenya?', ts: '1700000301.000100' }, `EvFRESH1${mode}`));
    await bot.fake.waitFor(() => bot.fake.posts().some((p) => p.args.thread_ts === '1700000301.000100'), 'the fresh answer');
    await bot.fake.waitFor(() => bot.fake.responsesFor('dup').length > 0, 'the command answer');

    expect(bot.fake.posts().map((p) => p.args.thread_ts)).toEqual(['1700000300.000100', '1700000301.000100']);
    expect(bot.fake.responsesFor('dup')).toHaveLength(1);
    expect(bot.events.map((e) => e.text)).toEqual(['trade figure?', 'trade figure?', 'who visited Kenya?']);
  });

  it('lets a channel member subscribe the channel and refuses a non-member, with the reason', async () => {
    bot = await startBot(mode, fixture.core, { admins: ['slack:UADMIN', 'discord:123'] }, { memberPageSize: 2 });
    // U1 sits on the second page of members: the adapter must follow the cursor.
    bot.fake.setMembers('C1', ['U7', 'U8', 'U1']);
    const ask = async (user: string, channel: string, id: string) => {
      await bot.command(slashCommand({ command: '/briefbot', text: 'subscribe morning', userId: user, channelId: channel, responseUrl: bot.fake.responseUrl(id) }));
      const [r] = await bot.fake.waitFor(() => bot.fake.responsesFor(id).length > 0 && bot.fake.responsesFor(id), `the answer to ${id}`);
      return r.body as { text: string; response_type: string; blocks: unknown[] };
    };
    const member = await ask('U1', 'C1', 'member');
    expect(member.text).toBe('Subscribed slack:C1 to morning.');
    expect(member.response_type).toBe('ephemeral');
    expect(texts(member.blocks)).not.toContain('briefbot_share');

    const stranger = await ask('U9', 'C1', 'stranger');
    expect(stranger.text).toContain(SUBSCRIBE_REFUSED);
    expect(stranger.text).toContain('Only members of this channel');

    const admin = await ask('UADMIN', 'C1', 'admin');
    expect(admin.text).toBe('Subscribed slack:C1 to morning.');

    // A private channel the bot was not invited to: it cannot see the members, and says how to fix it.
    bot.fake.setChannelError('G2', 'channel_not_found');
    const hidden = await ask('U1', 'G2', 'hidden');
    expect(hidden.text).toContain('Invite me first with /invite @briefbot');

    expect(bot.events.map((e) => [e.command, e.text, e.user, e.canManageChannel])).toEqual([
      ['briefbot', 'subscribe morning', 'U1', true],
      ['briefbot', 'subscribe morning', 'U9', false],
      ['briefbot', 'subscribe morning', 'UADMIN', true],
      ['briefbot', 'subscribe morning', 'U1', false],
    ]);
    expect(bot.events[1].permissionHint).toMatch(/Only members of this channel/);
    // The admin needed no lookup; the others one or two pages each.
    expect(bot.fake.callsTo('conversations.members').map((c) => [c.args.channel, c.args.cursor ?? ''])).toEqual([
      ['C1', ''],
      ['C1', '2'],
      ['C1', ''],
      ['C1', '2'],
      ['G2', ''],
    ]);
  });

  it('still answers when the core throws, saying what went wrong and what to try', async () => {
    const broken: Core = {
      log: fixture.core.log,
      briefNames: () => [],
      claimOnce: (key, ttlMs) => fixture.core.claimOnce(key, ttlMs),
      handle: async () => {
        throw new Error('database is locked');
      },
    };
    bot = await startBot(mode, broken);
    await bot.command(slashCommand({ command: '/brief', text: 'kenya', userId: 'U1', channelId: 'C1', responseUrl: bot.fake.responseUrl('broken') }));
    const [r] = await bot.fake.waitFor(() => bot.fake.responsesFor('broken').length > 0 && bot.fake.responsesFor('broken'), 'the failure answer');
    const body = r.body as { text: string; response_type: string; blocks: unknown[] };
    expect(body.response_type).toBe('ephemeral');
    expect(body.text).toContain('Something went wrong on my side');
    expect(body.text).toContain('Please try again in a minute.');
    expect(texts(body.blocks)).not.toContain('briefbot_share');

    await bot.event(eventCallback({ type: 'app_mention', channel: 'C1', user: 'U1', text: '<@UBOT> hello', ts: '1700000400.000100' }));
    const [post] = await bot.fake.waitFor(() => bot.fake.callsTo('chat.postEphemeral').length > 0 && bot.fake.callsTo('chat.postEphemeral'), 'the ephemeral failure');
    expect(post.args).toMatchObject({ channel: 'C1', user: 'U1', thread_ts: '1700000400.000100' });
    expect(post.args.text).toContain('Something went wrong on my side');
  });

  it('posts a 20-story brief within Slack limits, every story exactly once and in order', async () => {
    bot = await startBot(mode, fixture.core);
    const brief = twentyStoryBrief();
    const result = await bot.adapter.post('slack:C2', brief);
    const posts = bot.fake.posts();
    expect(posts.length).toBeGreaterThan(1);
    expect(result.ids).toHaveLength(posts.length);
    for (const p of posts) {
      const blocks = p.args.blocks as Array<{ type: string; text?: { text: string }; elements?: Array<{ text: string }> }>;
      expect(p.args.channel).toBe('C2');
      expect(blockProblems(blocks)).toEqual([]);
      expect(blocks.length).toBeLessThanOrEqual(50);
      for (const b of blocks) {
        if (b.type === 'section') expect(b.text!.text.length).toBeLessThanOrEqual(3000);
        if (b.type === 'header') expect(b.text!.text.length).toBeLessThanOrEqual(150);
      }
      expect(p.args).toMatchObject({ unfurl_links: 'false', unfurl_media: 'false' });
      expect(String(p.args.text).length).toBeGreaterThan(0);
    }
    const all = posts.map((p) => JSON.stringify(p.args.blocks)).join('\n');
    const found = [...all.matchAll(/Story (\d+) headline/g)].map((m) => Number(m[1]));
    expect(found).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    const firstHeader = (posts[0].args.blocks as Array<{ type: string; text: { text: string } }>)[0];
    expect(firstHeader.type).toBe('header');
    expect(firstHeader.text.text.length).toBeLessThanOrEqual(150);
    expect((posts[1].args.blocks as Array<{ type: string; text: { text: string } }>)[0].text.text).toMatch(/\(continued 2\/\d\)/);
  });

  it('waits out a 429 (Retry-After) and the post arrives exactly once', async () => {
    bot = await startBot(mode, fixture.core);
    bot.fake.failNext('chat.postMessage', { status: 429, retryAfter: 1 });
    const result = await bot.adapter.post('slack:C3', message([{ type: 'paragraph', text: 'Markets closed higher.' }], 'Evening brief'));
    expect(bot.fake.callsTo('chat.postMessage').map((c) => c.status)).toEqual([429, 200]);
    expect(bot.fake.posts()).toHaveLength(1);
    expect(bot.fake.posts()[0].args.text).toContain('Markets closed higher.');
    expect(result.ids).toHaveLength(1);
  });

  it('posts an article carrying <!channel> and @here without any mention or link injection', async () => {
    bot = await startBot(mode, fixture.core);
    const hostile = message(
      [
        {
          type: 'story',
          title: 'Breaking <!channel> market news @everyone',
          url: 'https://evil.example/a|b>c<!channel>?q=1&r=2',
          summary: 'Traders @here said <!here> and <!everyone> and <@U0SPAM> and <!subteam^S0TEAM|team> rallied > 5% & more.',
          figure: '<!channel> 12%',
          sources: [{ label: '<!here> Wire', url: 'javascript:alert(1)' }],
        },
        { type: 'paragraph', text: 'Plain @channel shout and <https://phish.example|click me>' },
        { type: 'quote', text: '@here quoted' },
        { type: 'source', title: 'Source <!everyone>', source: 'Agency @channel', url: 'https://ok.example/x' },
      ],
      'Title <!channel> @here',
    );
    await bot.adapter.post('slack:C4', hostile);
    const [post] = bot.fake.posts();
    const raw = json(post);
    expectNoMentions(raw);
    expect(raw).not.toContain('<https://phish');
    // The text survives, escaped and neutralised rather than dropped.
    expect(raw).toContain('&lt;!channel&gt;');
    expect(raw).toContain('@\u200Dhere');
    // The URL cannot close the link early or add a label of its own.
    expect(raw).toContain('<https://evil.example/a%7Cb%3Ec%3C!channel%3E?q=1&amp;r=2|Breaking &lt;!channel&gt; market news @\u200Deveryone>');
    // A javascript: link is shown as text, unlinked.
    expect(raw).not.toContain('javascript:');
  });

  it('answers, briefs and shares an ingested article carrying <!channel> and @here without pinging anyone', async () => {
    bot = await startBot(mode, hostile.core);
    bot.fake.setMembers('C1', ['U1']);
    await bot.command(slashCommand({ command: '/ask', text: 'How much did Acme shares rise?', userId: 'U1', channelId: 'C1', responseUrl: bot.fake.responseUrl('ask') }));
    await bot.command(slashCommand({ command: '/brief', text: 'acme', userId: 'U1', channelId: 'C1', responseUrl: bot.fake.responseUrl('brief') }));
    await bot.event(eventCallback({ type: 'app_mention', channel: 'C1', user: 'U1', text: '<@UBOT> How much did Acme shares rise?', ts: '1700000500.000100' }));
    const [ask] = await bot.fake.waitFor(() => bot.fake.responsesFor('ask').length > 0 && bot.fake.responsesFor('ask'), 'the /ask answer');
    const [brief] = await bot.fake.waitFor(() => bot.fake.responsesFor('brief').length > 0 && bot.fake.responsesFor('brief'), 'the /brief answer');
    const [mention] = await bot.fake.waitFor(() => bot.fake.posts().length > 0 && bot.fake.posts(), 'the mention answer');

    const button = (brief.body.blocks as Array<{ type: string; elements?: Array<{ value: string }> }>).at(-1)?.elements?.[0];
    await bot.action(blockAction({ actionId: 'briefbot_share', value: button!.value, userId: 'U1', channelId: 'C1', responseUrl: bot.fake.responseUrl('share') }));
    const shared = await bot.fake.waitFor(() => bot.fake.posts().find((p) => !p.args.thread_ts), 'the shared brief');

    for (const payload of [json(ask), json(brief), json(mention)]) {
      expect(payload).toContain('traders said &lt;!channel&gt; @\u200Dhere');
      expectNoMentions(payload);
    }
    // The share line names the sharer on purpose (built from Slack's user id); the article still pings no one.
    const sharedRaw = json(shared).replace('Shared by <@U1> with /brief', '');
    expect(sharedRaw).toContain('Acme shares rally &lt;!channel&gt; as @\u200Dhere traders cheer');
    expectNoMentions(sharedRaw);
  });

  it('throws DeliveryError: permanent for closed channels, retryable for 5xx, and never for a good post', async () => {
    bot = await startBot(mode, fixture.core, { apiRetries: 1 });
    const msg = message([{ type: 'paragraph', text: 'hello' }]);
    const failure = async (target: string) => {
      try {
        await bot.adapter.post(target, msg);
      } catch (err) {
        return err as DeliveryError;
      }
      throw new Error('expected the post to fail');
    };
    bot.fake.setChannelError('CARCHIVED', 'is_archived');
    const archived = await failure('slack:CARCHIVED');
    expect(archived).toBeInstanceOf(DeliveryError);
    expect([archived.code, archived.permanent, archived.retryable]).toEqual(['slack_is_archived', true, false]);

    bot.fake.failNext('chat.postMessage', { error: 'not_in_channel' });
    const notIn = await failure('slack:C5');
    expect([notIn.code, notIn.permanent]).toEqual(['slack_not_in_channel', true]);
    expect(notIn.message).toContain('/invite @briefbot');

    bot.fake.failNext('chat.postMessage', { status: 503 }, { status: 503 });
    const down = await failure('slack:C5');
    expect([down.code, down.permanent, down.retryable]).toEqual(['slack_http_503', false, true]);

    const bad = await failure('discord:123');
    expect([bad.code, bad.permanent]).toEqual(['slack_bad_target', true]);

    await bot.adapter.post('slack:U1', msg);
    expect(bot.fake.posts().map((p) => p.args.channel)).toEqual(['U1']);
  });

  it('stops cleanly', async () => {
    bot = await startBot(mode, fixture.core);
    expect(bot.adapter.isConnected?.()).toBe(true);
    const address = bot.adapter.address();
    await bot.adapter.stop();
    expect(bot.adapter.isConnected?.()).toBe(false);
    if (mode === 'http') {
      await expect(fetch(`http://127.0.0.1:${address!.port}/slack/events`, { method: 'POST' })).rejects.toThrow();
    } else {
      await bot.fake.waitFor(() => bot.fake.socketCount === 0, 'the socket to close');
    }
  });
});

describe('Slack adapter, HTTP signatures', () => {
  let bot: Bot;
  afterEach(async () => {
    await bot?.close();
  });

  it('rejects bad and stale signatures with 401 and no side effects', async () => {
    bot = await startBot('http', fixture.core);
    const bad = await bot.command(slashCommand({ command: '/ask', text: 'trade figure?', userId: 'U1', channelId: 'C1', responseUrl: bot.fake.responseUrl('bad') }), {
      signature: 'v0=0000000000000000000000000000000000000000000000000000000000000000',
    });
    expect(bad).toEqual({ status: 401, body: '' });
    const wrongSecret = await bot.command(
      slashCommand({ command: '/ask', text: 'trade figure?', userId: 'U1', channelId: 'C1', responseUrl: bot.fake.responseUrl('wrong') }),
      { secret: 'not-the-secret' },
    );
    expect('status' in wrongSecret && wrongSecret.status).toBe(401);
    const staleTs = Math.floor(Date.now() / 1000) - 10 * 60;
    const stale = await bot.command(
      slashCommand({ command: '/ask', text: 'trade figure?', userId: 'U1', channelId: 'C1', responseUrl: bot.fake.responseUrl('stale') }),
      { timestamp: staleTs },
    );
    expect('status' in stale && stale.status).toBe(401);
    const eventBody = JSON.stringify(eventCallback({ type: 'app_mention', channel: 'C1', user: 'U1', text: '<@UBOT> hi', ts: '1.1' }));
    const now = Math.floor(Date.now() / 1000);
    const badEvent = (
      await fetch(`http://127.0.0.1:${bot.adapter.address()!.port}/slack/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-slack-request-timestamp': String(now), 'x-slack-signature': slackSignature('nope', now, eventBody) },
        body: eventBody,
      })
    ).status;
    expect(badEvent).toBe(401);

    // A good request afterwards is answered; once it is, the bad ones have had every chance to act.
    await bot.command(slashCommand({ command: '/ask', text: 'trade figure?', userId: 'U1', channelId: 'C1', responseUrl: bot.fake.responseUrl('good') }));
    await bot.fake.waitFor(() => bot.fake.responsesFor('good').length > 0, 'the good answer');
    expect(bot.events).toHaveLength(1);
    expect(bot.fake.responses.map((r) => r.id)).toEqual(['good']);
    expect(bot.fake.posts()).toHaveLength(0);
  });
});

describe('Slack adapter, start-up', () => {
  it.each<Mode>(['http', 'socket'])('fails to start with a clear error when Slack refuses the bot token (%s)', async (mode) => {
    const fake = await startFakeSlack({ botToken: 'xoxb-the-real-one', appToken: 'xapp-1' });
    try {
      const adapter = createSlackAdapter({
        botToken: 'xoxb-revoked',
        ...(mode === 'http' ? { signingSecret: 's' } : { appToken: 'xapp-1' }),
        apiUrl: fake.apiUrl,
        port: 0,
        host: '127.0.0.1',
      });
      await expect(adapter.start(fixture.core)).rejects.toThrow('Slack refused SLACK_BOT_TOKEN at start-up (invalid_auth: SLACK_BOT_TOKEN was refused');
      await adapter.stop();
      expect(fake.socketCount).toBe(0);
    } finally {
      await fake.close();
    }
  });
});

describe('Slack adapter, Socket Mode reconnection', () => {
  let bot: Bot;
  afterEach(async () => {
    await bot?.close();
  });

  it('reconnects when Slack asks it to and keeps answering', async () => {
    bot = await startBot('socket', fixture.core);
    expect(bot.fake.connectionsOpened).toBe(1);
    bot.fake.requestReconnect();
    // The Socket Mode client waits its reconnect delay (five seconds) before dialling again.
    await bot.fake.waitFor(() => bot.fake.connectionsOpened === 2 && bot.fake.socketCount === 1, 'the new connection', 15_000);
    await bot.fake.waitFor(() => bot.adapter.isConnected?.(), 'the adapter to report connected');
    expect(bot.fake.callsTo('apps.connections.open')).toHaveLength(2);
    await bot.event(eventCallback({ type: 'message', channel: 'D1', channel_type: 'im', user: 'U1', text: 'who visited Kenya?', ts: '1700000600.000100' }));
    const [post] = await bot.fake.waitFor(() => bot.fake.posts().length > 0 && bot.fake.posts(), 'the answer after reconnecting');
    expect(post.args.text).toContain('Anwar Ibrahim');
  }, 20_000);
});

describe('Slack adapter, start-up problems', () => {
  it('names SLACK_APP_TOKEN when Slack refuses it', async () => {
    const fake = await startFakeSlack({ botToken: 'xoxb-1', appToken: 'xapp-right' });
    try {
      const adapter = createSlackAdapter({ botToken: 'xoxb-1', appToken: 'xapp-wrong', apiUrl: fake.apiUrl });
      await expect(adapter.start(fixture.core)).rejects.toThrow('Slack refused SLACK_APP_TOKEN when opening the Socket Mode connection (invalid_auth)');
      expect(fake.callsTo('apps.connections.open').map((c) => c.error)).toEqual(['invalid_auth']);
      expect(fake.socketCount).toBe(0);
    } finally {
      await fake.close();
    }
  });

  it('names SLACK_PORT when the port is taken', async () => {
    const fake = await startFakeSlack({ botToken: 'xoxb-1' });
    const first = createSlackAdapter({ botToken: 'xoxb-1', signingSecret: 's', apiUrl: fake.apiUrl, port: 0, host: '127.0.0.1' });
    try {
      await first.start(fixture.core);
      const second = createSlackAdapter({ botToken: 'xoxb-1', signingSecret: 's', apiUrl: fake.apiUrl, port: first.address()!.port, host: '127.0.0.1' });
      await expect(second.start(fixture.core)).rejects.toThrow(`SLACK_PORT: 127.0.0.1:${first.address()!.port} is already in use`);
    } finally {
      await first.stop();
      await fake.close();
    }
  });
});

function twentyStoryBrief(): Message {
  const blocks: Block[] = [{ type: 'paragraph', text: 'Twenty stories from overnight.' }];
  for (let i = 1; i <= 20; i++) {
    blocks.push({
      type: 'story',
      title: `Story ${i} headline: trade & tariffs <update>`,
      url: `https://news.example/${i}?a=1&b=2`,
      // Long summaries with characters that grow when escaped push sections towards 3,000.
      summary: `Summary ${i}. ` + 'Ministers met & agreed on <new> terms for exports. '.repeat(i === 7 ? 70 : 8),
      figure: `${i}.5 billion ringgit`,
      sources: [
        { label: `Wire ${i}`, url: `https://wire.example/${i}` },
        { label: `Paper ${i}`, url: `https://paper.example/${i}` },
      ],
      publishedAt: '2026-01-02T07:00:00.000Z',
    });
    blocks.push({ type: 'divider' });
  }
  return message(blocks, `Morning brief: ${'a very long title that goes on '.repeat(8)}`);
}

describe('Slack Share across processes on one store', () => {
  it('an answer given through one process is shared through another: again after a failed post, once, and not after 24 hours', async () => {
    // Two adapters on one fake Slack (a Socket Mode connection each) and one SQLite file: two processes.
    const fake = await startFakeSlack({ botToken: BOT_TOKEN, appToken: APP_TOKEN });
    let aheadMs = 0;
    const now = () => new Date(Date.now() + aheadMs);
    const first = await makeFixtureCore({ core: { now } });
    const secondStore = openSqliteStore(join(first.dir, 'briefbot.db'));
    const cores = [first.core, createCore({ store: secondStore, now })];
    const adapters = cores.map(() => createSlackAdapter({ botToken: BOT_TOKEN, appToken: APP_TOKEN, apiUrl: fake.apiUrl }));
    try {
      // Started in turn, so connection i is adapter i's.
      for (const [i, adapter] of adapters.entries()) await adapter.start(cores[i]);
      expect(fake.socketCount).toBe(2);
      fake.setMembers('C1', ['U1']);
      const ask = async (connection: number, id: string) => {
        await fake.sendEnvelope({ type: 'slash_commands', payload: slashCommand({ command: '/ask', text: 'trade figure?', userId: 'U1', channelId: 'C1', responseUrl: fake.responseUrl(id) }) }, undefined, { connection });
        const [answer] = await fake.waitFor(() => fake.responsesFor(id).length > 0 && fake.responsesFor(id), 'the answer', 30_000);
        const button = (answer.body.blocks as Array<{ type: string; elements?: Array<{ action_id: string; value: string }> }>).at(-1)?.elements?.[0];
        expect(button?.action_id).toBe('briefbot_share');
        return button!.value;
      };
      const press = async (connection: number, value: string, id: string) => {
        await fake.sendEnvelope({ type: 'interactive', payload: blockAction({ actionId: 'briefbot_share', value, userId: 'U1', channelId: 'C1', responseUrl: fake.responseUrl(id) }) }, undefined, { connection });
        const [reply] = await fake.waitFor(() => fake.responsesFor(id).length > 0 && fake.responsesFor(id), `the answer to ${id}`, 30_000);
        return reply.body.text;
      };

      const offered = await ask(0, 'ask-1');
      // The first press finds the bot outside the channel: nothing is posted, and the answer can still be shared.
      fake.failNext('chat.postMessage', { error: 'not_in_channel' });
      expect(await press(1, offered, 'share-0')).toBe('I could not share this here: the bot is not a member of this channel: invite it with /invite @briefbot.');
      expect(fake.posts()).toHaveLength(0);
      expect(await press(1, offered, 'share-1')).toBe('Shared to the channel.');
      expect(fake.posts()).toHaveLength(1);
      const [post] = fake.posts();
      expect(post.args.channel).toBe('C1');
      expect(post.args.text).toContain('5.7 billion ringgit');
      expect(json(post)).toContain('Shared by <@U1> with /ask');
      // Pressed again, on the process that gave the answer: it knows it was shared elsewhere.
      expect(await press(0, offered, 'share-2')).toBe('Already shared to the channel.');

      // An answer a day and a minute old is no longer offered, whichever process gets the press.
      const later = await ask(1, 'ask-2');
      aheadMs = 24 * 3600_000 + 60_000;
      expect(await press(0, later, 'share-3')).toBe('That answer is no longer available to share (answers can be shared for 24 hours). Run the command again and share the new answer.');
      expect(fake.posts()).toHaveLength(1);
    } finally {
      for (const adapter of adapters) await adapter.stop();
      await fake.close();
      await secondStore.close();
      await first.close();
    }
  }, 60_000);
});
