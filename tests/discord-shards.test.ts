import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slashCommands } from '../adapters/discord/commands.js';
import { sameCommands } from '../adapters/discord/register.js';
import { planShards, shardOf } from '../adapters/discord/shards.js';
import { ALL_TEXT_PERMISSIONS, FakeDiscord, type RecordedRequest } from './fakes/discord/fake-discord.js';
import type { FakeGuild, FakeUser } from './fakes/discord/payloads.js';
import { eventually, startBot, type BotProcess } from './helpers/bot-process.js';

const TOKEN = 'fake-shard-token.abc';
const APP = '111111111111111111';
const BOT: FakeUser = { id: '444444444444444444', username: 'briefbot', bot: true };
const ALICE: FakeUser = { id: '555555555555555551', username: 'alice' };

/** A guild id on the given shard of two: the shard is bits 22 and up of the id, modulo the count. */
const guildOnShard = (shard: number) => String((50_000_000_000n + BigInt(shard)) << 22n);
const GUILD_0 = guildOnShard(0);
const GUILD_1 = guildOnShard(1);
const channelOf = (guild: string) => String(BigInt(guild) + 1n);

function guild(id: string): FakeGuild {
  return {
    id,
    name: `guild-${id.slice(-4)}`,
    ownerId: '777777777777777777',
    everyonePermissions: ALL_TEXT_PERMISSIONS,
    roles: [],
    channels: [{ id: channelOf(id), name: 'general' }],
    members: [{ user: ALICE, roles: [] }],
    botRoles: [],
  };
}

describe('shard arithmetic', () => {
  it('puts a guild on (id >> 22) % count', () => {
    expect(shardOf(GUILD_0, 2)).toBe(0);
    expect(shardOf(GUILD_1, 2)).toBe(1);
    // Discord's documented example: guild 197038439483310086 with 1 shard is on shard 0.
    expect(shardOf('197038439483310086', 1)).toBe(0);
  });

  it('plans shards from the settings, asking Discord only for auto', async () => {
    const never = () => Promise.reject(new Error('not asked'));
    expect(await planShards({}, never)).toEqual({});
    expect(await planShards({ shardCount: 3 }, never)).toEqual({ shards: [0, 1, 2], shardCount: 3 });
    expect(await planShards({ shardCount: 4, shards: [1, 3] }, never)).toEqual({ shards: [1, 3], shardCount: 4 });
    expect(await planShards({ shardCount: 'auto', shards: [1] }, async () => 2)).toEqual({ shards: [1], shardCount: 2 });
    await expect(planShards({ shardCount: 'auto', shards: [2] }, async () => 2)).rejects.toThrow(
      'DISCORD_SHARDS names shard 2, but Discord recommends 2 shards (DISCORD_SHARD_COUNT=auto): ids run from 0 to 1.',
    );
  });

  it("compares commands by the fields briefbot sends, reading Discord's missing false flags as false", () => {
    const ours = slashCommands();
    const theirs = ours.map((c, i) => ({ ...c, id: String(i), version: '1', default_member_permissions: null, nsfw: false }));
    expect(sameCommands(ours, theirs)).toBe(true);
    const dropped = structuredClone(theirs);
    delete (dropped[0] as any).options[0].required; // our `required: false`, left out by Discord
    expect(sameCommands(ours, dropped)).toBe(true);
    const renamed = structuredClone(theirs);
    (renamed[1] as any).description = 'old text';
    expect(sameCommands(ours, renamed)).toBe(false);
    expect(sameCommands(ours, theirs.slice(1))).toBe(false);
  });
});

/**
 * Two bot processes, each running one of two shards, against one fake Discord and one
 * store: every interaction and DM reaches exactly one of them, and that one answers.
 */
describe('two shards in two processes (npm start against the fake Discord)', () => {
  let fake: FakeDiscord;
  let dir: string;
  let bots: BotProcess[] = [];

  beforeAll(async () => {
    fake = await FakeDiscord.start({ token: TOKEN, applicationId: APP, bot: BOT, guilds: [guild(GUILD_0), guild(GUILD_1)], recommendedShards: 2, heartbeatIntervalMs: 1000 });
    dir = mkdtempSync(join(tmpdir(), 'briefbot-shards-'));
    const common = {
      BRIEFBOT_DB: join(dir, 'bot.db'),
      BRIEFBOT_BRIEFS_DIR: join(dir, 'no-briefs'),
      DISCORD_TOKEN: TOKEN,
      DISCORD_APPLICATION_ID: APP,
      DISCORD_API_URL: fake.apiUrl,
    };
    // The shard-0 process loads the samples before its adapter starts; the other only reads them.
    bots = [
      startBot('shard-0', { ...common, DISCORD_SHARD_COUNT: '2', DISCORD_SHARDS: '0', BRIEFBOT_LOAD_SAMPLES: 'true' }),
      // `auto` takes the count Discord recommends (2 here), so both processes agree.
      startBot('shard-1', { ...common, DISCORD_SHARD_COUNT: 'auto', DISCORD_SHARDS: '1', BRIEFBOT_LOAD_SAMPLES: 'false' }),
    ];
    await Promise.all(bots.map((b) => b.waitForLog(/discord adapter started/, 90_000)));
  }, 120_000);

  afterAll(async () => {
    await Promise.all(bots.map((b) => b.kill()));
    await fake?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const callbacksFor = (id: string) => fake.requests.filter((r) => r.method === 'POST' && r.path.startsWith(`/v10/interactions/${id}/`));
  const answerText = (r: RecordedRequest) => JSON.stringify(r.body?.data ?? r.body);

  it('identifies each shard once, from the process that runs it, and registers the commands once', () => {
    expect(fake.liveShards().sort()).toEqual([
      [0, 2],
      [1, 2],
    ]);
    expect(fake.gatewayLog.filter((g) => g.op === 2).map((g) => g.d.shard).sort()).toEqual([
      [0, 2],
      [1, 2],
    ]);
    expect(bots[0].log()).toContain('discord ready on shard 0 of 2');
    expect(bots[1].log()).toContain('discord ready on shard 1 of 2');
    expect(bots[1].log()).toContain('left to the process holding shard 0');
    expect(fake.requestsTo('PUT', /commands$/)).toHaveLength(1);
    expect([...fake.commands.get('global')!.map((c) => c.name)]).toEqual(['brief', 'ask', 'briefbot']);
  });

  it('answers a slash command in each shard\'s guild, and a DM, exactly once each', async () => {
    const asks = [GUILD_1, GUILD_0].map((g) =>
      fake.slashCommand({ name: 'ask', options: [{ type: 3, name: 'question', value: 'what was the trade figure?' }], user: ALICE, guildId: g, channelId: channelOf(g) }),
    );
    fake.directMessage(ALICE, 'what was the trade figure?');
    const dm = fake.dmChannelFor(ALICE.id);
    const dmReplies = () => fake.requestsTo('POST', new RegExp(`^/v10/channels/${dm}/messages$`));
    for (const a of asks) await eventually('the slash command answer', () => (callbacksFor(a.id).length ? true : undefined));
    await eventually('the DM answer', () => (dmReplies().length ? true : undefined));

    // Stop both processes: after they have exited nothing more can arrive, so the counts are final.
    expect(await Promise.all(bots.map((b) => b.stop()))).toEqual([0, 0]);
    for (const a of asks) {
      const cbs = callbacksFor(a.id);
      expect(cbs).toHaveLength(1);
      // An answer slower than the defer budget is a "thinking…" callback plus an edit of the original.
      const edits = fake.requests.filter((r) => r.method === 'PATCH' && r.path.includes(a.token));
      expect([...cbs, ...edits].map(answerText).join('\n')).toContain('5.7 billion ringgit');
      expect(edits.length).toBeLessThanOrEqual(1);
    }
    expect(dmReplies()).toHaveLength(1);
    expect(answerText(dmReplies()[0])).toContain('5.7 billion ringgit');
    // Each event travelled on the shard Discord assigns: guild 1's on shard 1, guild 0's and the DM on shard 0.
    const carried = fake.delivered.filter((d) => d.t === 'INTERACTION_CREATE' || d.t === 'MESSAGE_CREATE').map((d) => `${d.t}@${d.shard}`);
    expect(carried).toEqual(['INTERACTION_CREATE@1', 'INTERACTION_CREATE@0', 'MESSAGE_CREATE@0']);
  }, 120_000);
});
