import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOME_CHANNEL_ACTION, HOME_SUBSCRIBE_ACTION, HOME_UNSUBSCRIBE_ACTION } from '../adapters/slack/home.js';
import type { BriefDefinition } from '../src/briefing/definition.js';
import { handleBriefbotCommand } from '../src/commands/briefbot.js';
import { acknowledged, startBot, type Bot } from './fakes/slack/harness.js';
import { eventCallback, homeAction, homeOpened } from './fakes/slack/requests.js';
import { makeFixtureCore } from './helpers/fixture-core.js';

const now = new Date('2026-03-27T12:00:00Z'); // a Friday: the next weekday 08:00 London is Monday, in BST

const morning: BriefDefinition = {
  name: 'morning',
  title: 'Morning brief',
  schedule: '0 8 * * 1-5',
  timezone: 'Europe/London',
  window: { kind: 'duration', ms: 86_400_000 },
  topics: [],
  sources: [],
  maxStories: 8,
  targets: ['slack:CFILE', 'discord:123456789012345678'],
  whenEmpty: 'skip',
  file: 'briefs/morning.yaml',
};
const tech: BriefDefinition = { ...morning, name: 'tech', title: 'Tech', schedule: '30 17 * * *', timezone: 'America/New_York', topics: ['chips', 'AI'], targets: [], file: 'briefs/tech.yaml' };

const PICK = { pickBlockId: 'briefbot_home_pick', pickActionId: HOME_CHANNEL_ACTION };

/** The Home tab's text as a reader sees it, block by block. */
function texts(view: { blocks: any[] }): string[] {
  return view.blocks.map((b) =>
    // Zero-width spaces (which keep `*` and `_` from formatting) are invisible to a reader.
    (b.type === 'context' ? b.elements.map((e: any) => e.text).join(' ') : b.type === 'actions' ? b.elements.map((e: any) => `[${e.text.text}]`).join(' ') : (b.text?.text ?? `(${b.type})`)).replace(/\u200B/g, ''),
  );
}

describe.each(['socket', 'http'] as const)('Slack Home tab (%s mode, real Bolt against the fake Slack)', (mode) => {
  let fixture: Awaited<ReturnType<typeof makeFixtureCore>>;
  let bot: Bot;

  beforeAll(async () => {
    fixture = await makeFixtureCore({ core: { briefs: () => [morning, tech], now: () => now, briefbot: handleBriefbotCommand, admins: [] } });
    await fixture.store.subscriptions.add({ brief: 'morning', target: 'slack:UOTHER', subscribedBy: 'slack:UOTHER', now });
    await fixture.store.subscriptions.add({ brief: 'tech', target: 'slack:U1', subscribedBy: 'slack:U1', now });
    bot = await startBot(mode, fixture.core);
    bot.fake.setMembers('CNEWS', ['U1', 'U2']);
    bot.fake.setMembers('CSECRET', ['U3']);
  });
  afterAll(async () => {
    await bot.close();
    await fixture.close();
  });

  async function nextView(user: string, send: () => Promise<unknown>) {
    const before = bot.fake.homeViews(user).length;
    const d = await send();
    expect(acknowledged(d as never)).toBe(true);
    return bot.fake.waitFor(() => bot.fake.homeViews(user)[before], `views.publish for ${user}`);
  }

  it('publishes what briefbot is, the briefs and where they go here, and each next run in its own zone', async () => {
    const view = await nextView('U1', () => bot.event(eventCallback(homeOpened('U1'))));
    expect(texts(view)).toEqual([
      'briefbot',
      expect.stringMatching(/^briefbot posts short news briefs to channels on a schedule/),
      '(divider)',
      '*Change a channel’s briefs.* Pick a channel you are in; the buttons below then subscribe it or unsubscribe it.',
      '(divider)',
      'Briefs in this workspace',
      '*Morning brief*  `morning`\nNext run: *Mon 30 Mar 2026 08:00 BST* (`0 8 * * 1-5` in Europe/London)\nTopics: every topic · Sources: every source\nPosted to: <#CFILE> (in its file), 1 person by DM',
      '*Tech*  `tech`\nNext run: *Fri 27 Mar 2026 17:30 GMT-4* (`30 17 * * *` in America/New_York)\nTopics: chips, AI · Sources: every source\nPosted to: you (DM)',
    ]);
    expect(view.blocks[3].accessory).toMatchObject({ type: 'conversations_select', action_id: HOME_CHANNEL_ACTION, filter: { include: ['public', 'private'] } });
    // The Messages tab opening is not a reason to publish.
    const before = bot.fake.callsTo('views.publish').length;
    await bot.event(eventCallback({ ...homeOpened('U1'), tab: 'messages' }));
    await bot.event(eventCallback(homeOpened('U2')));
    await bot.fake.waitFor(() => bot.fake.homeViews('U2').length > 0, 'U2 view');
    expect(bot.fake.callsTo('views.publish').length).toBe(before + 1);
  });

  it('subscribes a channel the person is in from a button, as /briefbot subscribe would, and unsubscribes it', async () => {
    const picked = await nextView('U1', () => bot.action(homeAction({ userId: 'U1', actionId: HOME_CHANNEL_ACTION, blockId: PICK.pickBlockId, selectedChannel: 'CNEWS' })));
    expect(picked.private_metadata).toBe('CNEWS');
    expect(texts(picked).filter((t) => t.startsWith('['))).toEqual(['[Subscribe the channel]', '[Subscribe the channel]']);
    expect(picked.blocks.find((b) => b.type === 'actions').elements[0]).toMatchObject({ action_id: HOME_SUBSCRIBE_ACTION, value: 'morning' });

    const done = await nextView('U1', () =>
      bot.action(homeAction({ userId: 'U1', actionId: HOME_SUBSCRIBE_ACTION, blockId: 'act_morning', value: 'morning', selectedChannel: 'CNEWS', ...PICK })),
    );
    expect(await fixture.store.subscriptions.list({ brief: 'morning', target: 'slack:CNEWS' })).toEqual([
      expect.objectContaining({ brief: 'morning', target: 'slack:CNEWS', subscribedBy: 'slack:U1', disabledAt: undefined }),
    ]);
    expect(texts(done)[2]).toBe('<#CNEWS>: This channel is now subscribed to Morning brief (morning): "0 8 * * 1-5" in Europe/London, next Mon 30 Mar 2026 08:00 BST.');
    expect(texts(done)).toContain(
      '*Morning brief*  `morning`\nNext run: *Mon 30 Mar 2026 08:00 BST* (`0 8 * * 1-5` in Europe/London)\nTopics: every topic · Sources: every source\nPosted to: <#CFILE> (in its file), <#CNEWS>, 1 person by DM',
    );
    expect(texts(done).filter((t) => t.startsWith('['))).toEqual(['[Unsubscribe the channel]', '[Subscribe the channel]']);
    // Slack asked who is in the channel, exactly as for /briefbot subscribe.
    expect(bot.fake.callsTo('conversations.members').at(-1)?.args).toMatchObject({ channel: 'CNEWS' });

    const undone = await nextView('U1', () =>
      bot.action(homeAction({ userId: 'U1', actionId: HOME_UNSUBSCRIBE_ACTION, blockId: 'act_morning', value: 'morning', selectedChannel: 'CNEWS', ...PICK })),
    );
    expect(await fixture.store.subscriptions.list({ brief: 'morning', target: 'slack:CNEWS' })).toEqual([]);
    expect(texts(undone)[2]).toBe('<#CNEWS>: This channel will no longer get Morning brief (morning).');
  });

  it('refuses someone who is not in the channel, with the reason, and changes nothing', async () => {
    const refused = await nextView('U1', () =>
      bot.action(homeAction({ userId: 'U1', actionId: HOME_SUBSCRIBE_ACTION, blockId: 'act_tech', value: 'tech', selectedChannel: 'CSECRET', ...PICK })),
    );
    expect(await fixture.store.subscriptions.list({ target: 'slack:CSECRET' })).toEqual([]);
    expect(texts(refused)[2]).toBe(
      '<#CSECRET>: Only members of this channel (or a briefbot admin) can change what it receives. Join the channel first, or ask an admin.',
    );
  });

  it('says which channel gets a brief from its file instead of offering a button that cannot work', async () => {
    const view = await nextView('U2', () => bot.action(homeAction({ userId: 'U2', actionId: HOME_CHANNEL_ACTION, blockId: PICK.pickBlockId, selectedChannel: 'CFILE' })));
    expect(texts(view)).toContain('<#CFILE> gets this brief because its definition file lists it; change the file to stop it.');
    expect(texts(view).filter((t) => t.startsWith('['))).toEqual(['[Subscribe the channel]']);
  });
});
