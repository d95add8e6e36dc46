/**
 * Discord API objects as the real API sends them (v10, snake_case), just complete
 * enough for discord.js to build its structures from them.
 */

export interface FakeUser {
  id: string;
  username: string;
  bot?: boolean;
}

export interface FakeChannel {
  id: string;
  name: string;
  /** Permission overwrites as the API sends them (allow/deny bitfields as decimal strings). */
  overwrites?: { id: string; type: 0 | 1; allow: string; deny: string }[];
}

export interface FakeRole {
  id: string;
  name: string;
  permissions: bigint;
}

export interface FakeGuild {
  id: string;
  name: string;
  ownerId: string;
  /** The @everyone role's permissions (its id is the guild id). */
  everyonePermissions: bigint;
  roles: FakeRole[];
  channels: FakeChannel[];
  /** Members other than the bot; the bot's own member is added with `botRoles`. */
  members: { user: FakeUser; roles: string[] }[];
  botRoles: string[];
}

export function apiUser(u: FakeUser) {
  return { id: u.id, username: u.username, discriminator: '0', global_name: u.username, avatar: null, bot: u.bot ?? false, flags: 0 };
}

export function apiMember(user: FakeUser, roles: string[], permissions?: bigint) {
  return {
    user: apiUser(user),
    roles,
    joined_at: '2025-01-01T00:00:00.000Z',
    deaf: false,
    mute: false,
    flags: 0,
    pending: false,
    nick: null,
    avatar: null,
    ...(permissions !== undefined ? { permissions: permissions.toString() } : {}),
  };
}

export function apiChannel(c: FakeChannel, guildId: string, position = 0) {
  return {
    id: c.id,
    type: 0,
    guild_id: guildId,
    name: c.name,
    position,
    permission_overwrites: c.overwrites ?? [],
    nsfw: false,
    topic: null,
    last_message_id: null,
    rate_limit_per_user: 0,
    parent_id: null,
    flags: 0,
  };
}

export function apiGuild(g: FakeGuild, bot: FakeUser) {
  return {
    id: g.id,
    name: g.name,
    icon: null,
    splash: null,
    discovery_splash: null,
    owner_id: g.ownerId,
    afk_channel_id: null,
    afk_timeout: 300,
    verification_level: 0,
    default_message_notifications: 0,
    explicit_content_filter: 0,
    features: [],
    mfa_level: 0,
    application_id: null,
    system_channel_id: null,
    system_channel_flags: 0,
    rules_channel_id: null,
    vanity_url_code: null,
    description: null,
    banner: null,
    premium_tier: 0,
    preferred_locale: 'en-US',
    public_updates_channel_id: null,
    nsfw_level: 0,
    premium_progress_bar_enabled: false,
    roles: [
      { id: g.id, name: '@everyone', permissions: g.everyonePermissions.toString(), position: 0, color: 0, hoist: false, managed: false, mentionable: false, flags: 0, icon: null, unicode_emoji: null },
      ...g.roles.map((r, i) => ({
        id: r.id,
        name: r.name,
        permissions: r.permissions.toString(),
        position: i + 1,
        color: 0,
        hoist: false,
        managed: false,
        mentionable: false,
        flags: 0,
        icon: null,
        unicode_emoji: null,
      })),
    ],
    emojis: [],
    stickers: [],
    // GUILD_CREATE-only fields
    joined_at: '2025-01-01T00:00:00.000Z',
    large: false,
    unavailable: false,
    member_count: g.members.length + 1,
    voice_states: [],
    members: [apiMember(bot, g.botRoles), ...g.members.map((m) => apiMember(m.user, m.roles))],
    channels: g.channels.map((c, i) => apiChannel(c, g.id, i)),
    threads: [],
    presences: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  };
}

let counter = 0n;
/** Snowflake-shaped ids, increasing, unique within the process. */
export function snowflake(): string {
  counter += 1n;
  return ((BigInt(Date.now() - 1420070400000) << 22n) + counter).toString();
}

export function apiMessage(opts: {
  id?: string;
  channelId: string;
  author: FakeUser;
  content?: string;
  embeds?: unknown[];
  flags?: number;
  guildId?: string;
  mentions?: FakeUser[];
  webhookId?: string;
  applicationId?: string;
}) {
  return {
    id: opts.id ?? snowflake(),
    channel_id: opts.channelId,
    ...(opts.guildId ? { guild_id: opts.guildId } : {}),
    author: apiUser(opts.author),
    content: opts.content ?? '',
    timestamp: new Date().toISOString(),
    edited_timestamp: null,
    tts: false,
    mention_everyone: false,
    mentions: (opts.mentions ?? []).map(apiUser),
    mention_roles: [],
    attachments: [],
    embeds: opts.embeds ?? [],
    pinned: false,
    type: 0,
    flags: opts.flags ?? 0,
    components: [],
    ...(opts.webhookId ? { webhook_id: opts.webhookId } : {}),
    ...(opts.applicationId ? { application_id: opts.applicationId } : {}),
  };
}
