import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiscordAdapter } from '../adapters/discord/index.js';
import type { BriefDefinition } from '../src/briefing/definition.js';
import type { Adapter, Core } from '../src/index.js';
import { FakeDiscord, type RecordedRequest } from './fakes/discord/fake-discord.js';
import type { FakeGuild, FakeUser } from './fakes/discord/payloads.js';
import { ALL_TEXT_PERMISSIONS } from './fakes/discord/fake-discord.js';
import { makeFixtureCore } from './helpers/fixture-core.js';

const ROOT = new URL('..', import.meta.url).pathname;
const TOKEN = 'fake-bot-token.autocomplete';
const APP = '111111111111111112';
const GUILD = '222222222222222223';
const CHANNEL = '333333333333333334';
const BOT: FakeUser = { id: '444444444444444445', username: 'briefbot', bot: true };
const ALICE: FakeUser = { id: '555555555555555556', username: 'alice' };
const guild: FakeGuild = {
  id: GUILD,
  name: 'Newsroom',
  ownerId: '777777777777777778',
  everyonePermissions: ALL_TEXT_PERMISSIONS,
  roles: [],
  channels: [{ id: CHANNEL, name: 'general' }],
  members: [{ user: ALICE, roles: [] }],
  botRoles: [],
};

const brief = (name: string, topics: string[]): BriefDefinition => ({
  name,
  schedule: '0 8 * * 1-5',
  timezone: 'Europe/London',
  window: { kind: 'duration', ms: 86_400_000 },
  topics,
  sources: [],
  maxStories: 8,
  targets: [],
  whenEmpty: 'skip',
  file: `briefs/${name}.yaml`,
});

const isCallback = (id: string) => (r: RecordedRequest) => r.method === 'POST' && r.path.startsWith(`/v10/interactions/${id}/`);

describe('Discord autocomplete (real discord.js against the fake Discord)', () => {
  let fixture: Awaited<ReturnType<typeof makeFixtureCore>>;
  let fake: FakeDiscord;
  let adapter: Adapter;
  /** When set, topic suggestions wait for this before answering (a slow store). */
  let hold: Promise<void> | undefined;

  beforeAll(async () => {
    // The samples: their headlines are the store's frequent words.
    fixture = await makeFixtureCore({
      articles: [join(ROOT, 'samples')],
      core: { briefs: () => [brief('morning', []), brief('markets', ['dollar', 'profits']), brief('africa', ['Kenya', 'trade'])] },
    });
    const real = fixture.core;
    const core: Core = {
      log: real.log,
      briefNames: () => real.briefNames(),
      handle: (e) => real.handle(e),
      async suggestTopics(typed, limit) {
        if (hold) await hold;
        return real.suggestTopics!(typed, limit);
      },
    };
    fake = await FakeDiscord.start({ token: TOKEN, applicationId: APP, bot: BOT, guilds: [guild], heartbeatIntervalMs: 500 });
    adapter = createDiscordAdapter({ token: TOKEN, applicationId: APP, guildId: GUILD, apiUrl: fake.apiUrl, autocompleteBudgetMs: 300 });
    await adapter.start(core);
  });

  afterAll(async () => {
    await adapter?.stop();
    await fake?.close();
    await fixture?.close();
  });

  async function choices(opts: Parameters<FakeDiscord['autocomplete']>[0]) {
    const { id } = fake.autocomplete(opts);
    const cb = await fake.waitForRequest(isCallback(id));
    expect(cb.body.type).toBe(8);
    return cb.body.data.choices as { name: string; value: string }[];
  }

  it("offers the briefs' topics, then frequent headline words, for /brief topic", async () => {
    const all = await choices({ name: 'brief', focused: { name: 'topic', value: '' }, user: ALICE, guildId: GUILD, channelId: CHANNEL });
    // The briefs' topics first, then headline words by how many headlines carry them ("profit": Time Warner's
    // "profit" and BA's "profits", already offered as the topic "profits"), then alphabetically; 25 at most.
    expect(all.map((c) => c.value)).toEqual([
      'dollar', 'profits', 'Kenya', 'trade',
      'agreed', 'boost', 'buyer', 'claim', 'countries', 'diplomatic', 'faces', 'fuel', 'gains', 'greenspan', 'high',
      'hit', 'loan', 'malaysia', 'marked', 'partnership', 'prices', 'relations', 'sales', 'speech', 'strategic',
    ]);
    expect(all[0]).toEqual({ name: 'dollar', value: 'dollar' });

    expect(await choices({ name: 'brief', focused: { name: 'topic', value: 'pro' }, user: ALICE, guildId: GUILD, channelId: CHANNEL })).toEqual([
      { name: 'profits', value: 'profits' },
    ]);
    expect(await choices({ name: 'brief', focused: { name: 'topic', value: 'MA' }, user: ALICE, guildId: GUILD, channelId: CHANNEL })).toEqual([
      { name: 'malaysia', value: 'malaysia' },
      { name: 'marked', value: 'marked' },
      { name: 'diplomatic', value: 'diplomatic' },
    ]);
  });

  it('offers brief names for /briefbot subscribe and unsubscribe', async () => {
    expect(await choices({ name: 'briefbot', subcommand: 'subscribe', focused: { name: 'brief', value: 'm' }, user: ALICE, guildId: GUILD, channelId: CHANNEL })).toEqual([
      { name: 'morning', value: 'morning' },
      { name: 'markets', value: 'markets' },
    ]);
    expect(await choices({ name: 'briefbot', subcommand: 'unsubscribe', focused: { name: 'brief', value: 'AFR' }, user: ALICE, guildId: GUILD, channelId: CHANNEL })).toEqual([
      { name: 'africa', value: 'africa' },
    ]);
  });

  it('answers in time without the suggestions when they are slower than the budget', async () => {
    let release!: () => void;
    hold = new Promise((r) => (release = r));
    try {
      expect(await choices({ name: 'brief', focused: { name: 'topic', value: 'dol' }, user: ALICE, guildId: GUILD, channelId: CHANNEL })).toEqual([]);
    } finally {
      release();
      hold = undefined;
    }
    expect(await choices({ name: 'brief', focused: { name: 'topic', value: 'dol' }, user: ALICE, guildId: GUILD, channelId: CHANNEL })).toEqual([
      { name: 'dollar', value: 'dollar' },
    ]);
  });
});
