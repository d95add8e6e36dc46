import { afterEach, describe, expect, it } from 'vitest';
import type { CommandEvent } from '../src/adapter.js';
import { handleBriefbotCommand } from '../src/commands/briefbot.js';
import type { CommandDeps } from '../src/commands/deps.js';
import type { BriefDefinition } from '../src/briefing/definition.js';
import { silentLogger } from '../src/logger.js';
import { tempStores } from './schedule-support.js';

const now = new Date('2026-03-27T12:00:00Z'); // a Friday; the next weekday 08:00 London is Monday, in BST

const morning: BriefDefinition = {
  name: 'morning',
  title: 'Morning brief',
  schedule: '0 8 * * 1-5',
  timezone: 'Europe/London',
  window: { kind: 'duration', ms: 86_400_000 },
  topics: [],
  sources: [],
  maxStories: 8,
  targets: ['slack:CFILE'],
  whenEmpty: 'skip',
  file: 'briefs/morning.yaml',
};
const tech: BriefDefinition = { ...morning, name: 'tech', title: 'Tech', schedule: '30 17 * * *', timezone: 'America/New_York', targets: [], file: 'briefs/tech.yaml' };

let env: ReturnType<typeof tempStores>;
afterEach(() => env?.cleanup());

function setup(extra: Partial<CommandDeps> = {}) {
  env = tempStores();
  const store = env.open();
  const added: [string, string][] = [];
  const deps: CommandDeps = {
    store,
    briefs: () => [morning, tech],
    now: () => now,
    log: silentLogger,
    admins: ['slack:UADMIN'],
    addSource: async (url, by) => {
      added.push([url, by]);
      return { ok: true, message: `Added ${url}; first poll marks its existing items as seen.` };
    },
    ...extra,
  };
  return { store, deps, added };
}

function ev(text: string, over: Partial<CommandEvent> = {}): CommandEvent {
  return {
    platform: 'slack',
    command: 'briefbot',
    text,
    user: 'U1',
    channel: 'C1',
    isDirect: false,
    target: 'slack:C1',
    userTarget: 'slack:U1',
    canManageChannel: true,
    ...over,
  };
}

const text = async (deps: CommandDeps, e: CommandEvent) => (await handleBriefbotCommand(e, deps)).message.text;

describe('/briefbot', () => {
  it('subscribes a channel, lists it, and unsubscribes it', async () => {
    const { store, deps } = setup();
    expect(await text(deps, ev('subscribe morning'))).toBe(
      'This channel is now subscribed to Morning brief (morning): "0 8 * * 1-5" in Europe/London, next Mon 30 Mar 2026 08:00 BST.',
    );
    expect(await store.subscriptions.list()).toEqual([
      { brief: 'morning', target: 'slack:C1', subscribedBy: 'slack:U1', createdAt: now.toISOString(), disabledAt: undefined, disabledReason: undefined },
    ]);
    expect(await text(deps, ev('subscribe MORNING'))).toBe('This channel is already subscribed to Morning brief (morning).');
    expect(await text(deps, ev('list'))).toBe(
      'Briefs\n' +
        '• morning (Morning brief): "0 8 * * 1-5" in Europe/London, next Mon 30 Mar 2026 08:00 BST; subscribed here\n' +
        '• tech (Tech): "30 17 * * *" in America/New_York, next Fri 27 Mar 2026 17:30 GMT-4; not subscribed here\n' +
        'Subscribe with "/briefbot subscribe <brief>".',
    );
    expect(await text(deps, ev('unsubscribe morning'))).toBe('This channel will no longer get Morning brief (morning).');
    expect(await store.subscriptions.list()).toEqual([]);
    expect(await text(deps, ev('unsubscribe morning'))).toBe('This channel is not subscribed to Morning brief (morning).');
  });

  it('in a DM subscribes the user personally', async () => {
    const { store, deps } = setup();
    const dm = ev('subscribe tech', { isDirect: true, target: 'slack:D9', canManageChannel: undefined });
    const r = await handleBriefbotCommand(dm, deps);
    expect(r.message.text).toBe('You are now subscribed to Tech (tech): "30 17 * * *" in America/New_York, next Fri 27 Mar 2026 17:30 GMT-4.');
    expect((await store.subscriptions.list()).map((s) => [s.brief, s.target, s.subscribedBy])).toEqual([['tech', 'slack:U1', 'slack:U1']]);
    expect(await text(deps, ev('unsubscribe tech', { isDirect: true }))).toBe('You will no longer get Tech (tech).');
  });

  it('refuses without permission, with the platform hint; admins may', async () => {
    const { store, deps } = setup();
    const hint = 'Only people with Manage Channels can subscribe this channel.';
    expect(await text(deps, ev('subscribe morning', { canManageChannel: false, permissionHint: hint }))).toBe(hint);
    expect(await store.subscriptions.list()).toEqual([]);
    expect(await text(deps, ev('subscribe morning', { canManageChannel: false, user: 'UADMIN', userTarget: 'slack:UADMIN' }))).toMatch(/^This channel is now subscribed/);
  });

  it('an unknown brief is a helpful refusal naming the briefs', async () => {
    const { deps } = setup();
    const r = await handleBriefbotCommand(ev('subscribe evening'), deps);
    expect(r).toEqual({ message: expect.objectContaining({ text: 'There is no brief called "evening". Briefs you can choose: morning, tech.' }), ephemeral: true });
    expect(await text(deps, ev('subscribe'))).toBe('Which brief? Briefs you can choose: morning, tech.');
  });

  it('a file target cannot be unsubscribed from chat', async () => {
    const { deps } = setup();
    const e = ev('unsubscribe morning', { target: 'slack:CFILE' });
    expect(await text(deps, e)).toBe('This channel gets Morning brief because briefs/morning.yaml lists it; remove it from that file to stop it.');
    expect(await text(deps, { ...e, text: 'subscribe morning' })).toBe('This channel already gets Morning brief: briefs/morning.yaml lists it as a target.');
  });

  it('sources: health, and add for admins only', async () => {
    const { store, deps, added } = setup();
    expect(await text(deps, ev('sources'))).toBe('No sources are polled yet. An admin can add a feed with "/briefbot sources add <url>".');
    expect(await text(deps, ev('sources add https://example.com/feed.xml'))).toBe('Only briefbot admins can add sources (see BRIEFBOT_ADMINS).');
    expect(await text(deps, ev('sources add <https://example.com/feed.xml>', { user: 'UADMIN' }))).toBe(
      'Added https://example.com/feed.xml; first poll marks its existing items as seen.',
    );
    expect(added).toEqual([['https://example.com/feed.xml', 'slack:UADMIN']]);
    await store.sources.upsert({ url: 'https://example.com/feed.xml', kind: 'feed', now });
    await store.sources.update('https://example.com/feed.xml', { lastSuccessAt: '2026-03-27T11:00:00.000Z', lastErrorAt: '2026-03-27T11:30:00.000Z', lastError: 'HTTP 503', failures: 1, articles: 12 });
    expect(await text(deps, ev('sources'))).toBe(
      'Sources\n• https://example.com/feed.xml (feed); last success: 2026-03-27T11:00:00.000Z; last error: 2026-03-27T11:30:00.000Z, HTTP 503; 1 failure in a row; 12 articles',
    );
  });

  it('help, and unknown subcommands', async () => {
    const { deps } = setup();
    const helpText = await text(deps, ev(''));
    expect(helpText.split('\n')[0]).toBe('briefbot commands');
    expect(helpText).toContain('/briefbot subscribe <brief>: post a brief to this channel (in a DM: to you)');
    expect(await text(deps, ev('frobnicate'))).toMatch(/^"frobnicate" is not a briefbot command\.\n• \/briefbot list/);
  });
});
