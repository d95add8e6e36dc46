import type { Logger } from '../../src/index.js';

/** What the Discord adapter needs; src/config.ts maps the environment onto it. */
export interface DiscordAdapterConfig {
  /** DISCORD_TOKEN: the bot token. */
  token: string;
  /** DISCORD_APPLICATION_ID: the application (client) id, for registering slash commands. */
  applicationId: string;
  /** DISCORD_GUILD_ID: register commands in this guild only (instant; for development). Otherwise global. */
  guildId?: string;
  /** DISCORD_API_URL: REST base, e.g. a REST proxy shared by shards; discord.js appends /v10/... */
  apiUrl?: string;
  /** DISCORD_SUBSCRIBE_ROLE: members with a role of this name (or id) may subscribe channels. */
  subscribeRole?: string;
  /** BRIEFBOT_ADMINS: users who may subscribe any channel ('discord:<id>', 'discord:user:<id>' or a bare id). */
  admins?: string[];
  /** DISCORD_SHARD_COUNT: shards across all processes, or 'auto' (Discord's recommendation). Unset: one shard. */
  shardCount?: number | 'auto';
  /** DISCORD_SHARDS: the shard ids this process runs. Unset: all of them. */
  shards?: number[];
  logger?: Logger;
  /** How long an interaction may wait for the core before it is deferred. Discord allows 3 s in all. */
  deferAfterMs?: number;
  /** Discord's global request limit for this bot (default 50 per second; large bots get more from Discord). */
  globalRequestsPerSecond?: number;
  /** How long topic suggestions may take before autocomplete answers without them (default 2 s; Discord allows 3). */
  autocompleteBudgetMs?: number;
}

export const DEFAULT_DEFER_AFTER_MS = 1500;

const SNOWFLAKE = /^\d{17,20}$/;

/** Everything wrong with a config, each naming the environment variable to fix. Empty when usable. */
export function validateDiscordConfig(cfg: Partial<DiscordAdapterConfig>): string[] {
  const problems: string[] = [];
  if (!cfg.token || cfg.token.trim() === '') problems.push('DISCORD_TOKEN is not set: copy the bot token from the Developer Portal (Bot → Reset Token).');
  else if (/\s/.test(cfg.token)) problems.push('DISCORD_TOKEN contains whitespace: paste the token alone, without "Bot " or quotes.');
  if (!cfg.applicationId) problems.push('DISCORD_APPLICATION_ID is not set: copy the Application ID from the Developer Portal (General Information).');
  else if (!SNOWFLAKE.test(cfg.applicationId)) problems.push(`DISCORD_APPLICATION_ID must be a numeric Discord id (17–20 digits), got "${cfg.applicationId}".`);
  if (cfg.guildId !== undefined && cfg.guildId !== '' && !SNOWFLAKE.test(cfg.guildId)) {
    problems.push(`DISCORD_GUILD_ID must be a numeric Discord id (17–20 digits), got "${cfg.guildId}".`);
  }
  if (cfg.apiUrl !== undefined && cfg.apiUrl !== '') {
    let ok = false;
    try {
      const u = new URL(cfg.apiUrl);
      ok = u.protocol === 'http:' || u.protocol === 'https:';
    } catch {
      ok = false;
    }
    if (!ok) problems.push(`DISCORD_API_URL must be an http(s) URL such as https://discord.com/api, got "${cfg.apiUrl}".`);
  }
  if (cfg.deferAfterMs !== undefined && !(Number.isFinite(cfg.deferAfterMs) && cfg.deferAfterMs >= 0 && cfg.deferAfterMs <= 2500)) {
    problems.push('deferAfterMs must be between 0 and 2500 ms: Discord drops interactions not answered within 3 s.');
  }
  if (cfg.shardCount !== undefined && cfg.shardCount !== 'auto' && !(Number.isInteger(cfg.shardCount) && cfg.shardCount >= 1)) {
    problems.push(`DISCORD_SHARD_COUNT must be a whole number of shards (1 or more) or auto, got "${String(cfg.shardCount)}".`);
  }
  if (cfg.shards !== undefined) {
    if (cfg.shardCount === undefined) problems.push('DISCORD_SHARDS needs DISCORD_SHARD_COUNT: the total number of shards across all processes (or auto).');
    if (cfg.shards.length === 0 || cfg.shards.some((id) => !Number.isInteger(id) || id < 0)) {
      problems.push(`DISCORD_SHARDS must list shard ids (whole numbers from 0), e.g. 0,1; got "${cfg.shards.join(',')}".`);
    } else if (typeof cfg.shardCount === 'number' && cfg.shards.some((id) => id >= (cfg.shardCount as number))) {
      problems.push(`DISCORD_SHARDS ids run from 0 to ${cfg.shardCount - 1} with DISCORD_SHARD_COUNT=${cfg.shardCount}, got "${cfg.shards.join(',')}".`);
    }
  }
  for (const a of cfg.admins ?? []) {
    if (a.startsWith('discord:') && adminUserId(a) === undefined) problems.push(`BRIEFBOT_ADMINS entry "${a}" is not a Discord user id (discord:<id>).`);
  }
  return problems;
}

/** The Discord user id named by an admins entry, or undefined for other platforms' entries. */
export function adminUserId(entry: string): string | undefined {
  const m = /^(?:discord:(?:user:)?)?(\d{17,20})$/.exec(entry.trim());
  return m ? m[1] : undefined;
}
