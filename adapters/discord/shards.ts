import { REST, Routes } from 'discord.js';

/**
 * Which gateway shards this process runs. Discord routes a guild's events to shard
 * (guild_id >> 22) % shard_count and DMs to shard 0, so each process answers what
 * arrives on its own shards; posts go through REST and need no shard at all.
 */
export interface ShardPlan {
  /** The shard ids this process IDENTIFYs; undefined: discord.js's default (one shard, or all of them). */
  shards?: number[];
  shardCount?: number;
}

/** The shard a guild's events arrive on. */
export function shardOf(guildId: string, shardCount: number): number {
  return Number((BigInt(guildId) >> 22n) % BigInt(shardCount));
}

export interface ShardSettings {
  shardCount?: number | 'auto';
  shards?: number[];
}

/**
 * Turns DISCORD_SHARD_COUNT/DISCORD_SHARDS into client options. 'auto' asks Discord for
 * its recommended count (GET /gateway/bot) so every process of the deployment agrees on it.
 */
export async function planShards(settings: ShardSettings, recommended: () => Promise<number>): Promise<ShardPlan> {
  if (settings.shardCount === undefined) return {};
  const count = settings.shardCount === 'auto' ? await recommended() : settings.shardCount;
  const shards = settings.shards ?? Array.from({ length: count }, (_, i) => i);
  const beyond = shards.filter((id) => id >= count);
  if (beyond.length > 0) {
    const why = settings.shardCount === 'auto' ? `Discord recommends ${count} shard${count === 1 ? '' : 's'} (DISCORD_SHARD_COUNT=auto)` : `DISCORD_SHARD_COUNT is ${count}`;
    throw new Error(`DISCORD_SHARDS names shard ${beyond.join(', ')}, but ${why}: ids run from 0 to ${count - 1}.`);
  }
  return { shards, shardCount: count };
}

/** Discord's recommended shard count for this bot. */
export async function recommendedShards(token: string, apiUrl?: string): Promise<number> {
  const rest = new REST(apiUrl ? { api: apiUrl } : {}).setToken(token);
  const info = (await rest.get(Routes.gatewayBot())) as { shards?: number };
  const n = Number(info.shards);
  if (!Number.isInteger(n) || n < 1) throw new Error(`Discord's GET /gateway/bot answered no usable shard count (${String(info.shards)}).`);
  return n;
}
