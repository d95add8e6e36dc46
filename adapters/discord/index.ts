import {
  Client,
  Events,
  GatewayIntentBits,
  GuildMember,
  MessageFlags,
  Partials,
  PermissionFlagsBits,
  Routes,
  Status,
  type AutocompleteInteraction,
  type ChatInputCommandInteraction,
  type Interaction,
  type Message as DiscordMessage,
} from 'discord.js';
import { createHash } from 'node:crypto';
import {
  BriefbotError,
  DeliveryError,
  errorMessage,
  message,
  type Adapter,
  type CommandEvent,
  type Core,
  type DeliveryRef,
  type Logger,
  type Message,
  type PostResult,
  type Reply,
} from '../../src/index.js';
import { autocompleteChoices } from './autocomplete.js';
import { parseCommand, slashCommands, type ParsedCommand } from './commands.js';
import { DEFAULT_DEFER_AFTER_MS, validateDiscordConfig, type DiscordAdapterConfig } from './config.js';
import { discordCode, toDeliveryError } from './errors.js';
import { globalPacer } from './pace.js';
import { registerCommands } from './register.js';
import { planShards, recommendedShards } from './shards.js';
import { canManageChannel, describeMissing, missingBotPermissions } from './permissions.js';
import { renderMessage, renderPlainText, type DiscordPayload } from './render.js';

export { validateDiscordConfig, type DiscordAdapterConfig } from './config.js';
export { renderMessage, DISCORD_LIMITS } from './render.js';
export { slashCommands } from './commands.js';
export { shardOf } from './shards.js';

/**
 * The gateway intents briefbot needs, and no more (see docs/discord.md):
 * Guilds for the guild, channel and role caches (permissions, role names);
 * GuildMessages to see mentions of the bot; DirectMessages to see DMs.
 * Not MessageContent: Discord delivers the content of messages that mention
 * the bot, and of DMs, without that privileged intent.
 */
export const DISCORD_INTENTS = [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.DirectMessages];

/** Discord does not ping anyone named in what the bot sends, whatever the text says. */
const NO_MENTIONS = { parse: [] as never[] };

const noopLogger: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => noopLogger };

type Outcome = { ok: true; reply: Reply } | { ok: false; err: unknown };

export function createDiscordAdapter(config: DiscordAdapterConfig): Adapter {
  const problems = validateDiscordConfig(config);
  if (problems.length > 0) throw new BriefbotError('config_invalid', `Discord configuration: ${problems.join(' ')}`);
  const deferAfterMs = config.deferAfterMs ?? DEFAULT_DEFER_AFTER_MS;
  const admins = config.admins ?? [];
  let client: Client | undefined;
  let core: Core | undefined;
  let log: Logger = config.logger ?? noopLogger;
  /** A scheduled brief goes to many channels as one Message: render it once. */
  const renders = new WeakMap<Message, DiscordPayload[]>();
  function rendered(msg: Message): DiscordPayload[] {
    let out = renders.get(msg);
    if (!out) renders.set(msg, (out = renderMessage(msg)));
    return out;
  }
  /** user id → DM channel id, so a personal brief opens the DM once. */
  const dmChannels = new Map<string, string>();

  function requireClient(): Client {
    if (!client) throw new DeliveryError('discord_not_started', 'The Discord adapter is not started.', { retryable: true });
    return client;
  }

  async function sendPayloads(channelId: string, payloads: DiscordPayload[], replyTo?: string, delivery?: DeliveryRef): Promise<string[]> {
    const rest = requireClient().rest;
    const ids: string[] = [];
    for (let i = delivery?.fromPart ?? 0; i < payloads.length; i++) {
      const body: Record<string, unknown> = { ...payloads[i], allowed_mentions: NO_MENTIONS };
      if (i === 0 && replyTo) body.message_reference = { message_id: replyTo, fail_if_not_exists: false };
      // The same part of the same delivery always carries the same nonce: a repeat after a
      // crash (within Discord's window of a few minutes) returns the first message instead.
      if (delivery) Object.assign(body, { nonce: deliveryNonce(delivery.key, i), enforce_nonce: true });
      const sent = (await rest.post(Routes.channelMessages(channelId), { body })) as { id: string };
      ids.push(sent.id);
      delivery?.onPosted?.(i, sent.id);
    }
    return ids;
  }

  async function openDm(userId: string): Promise<string> {
    const known = dmChannels.get(userId);
    if (known) return known;
    const channel = (await requireClient().rest.post(Routes.userChannels(), { body: { recipient_id: userId } })) as { id: string };
    dmChannels.set(userId, channel.id);
    return channel.id;
  }

  async function channelOf(target: string): Promise<string> {
    const user = /^discord:user:(\d{1,20})$/.exec(target);
    if (user) return openDm(user[1]);
    const channel = /^discord:(\d{1,20})$/.exec(target);
    if (channel) return channel[1];
    throw new DeliveryError('discord_bad_target', `"${target}" is not a Discord target (discord:<channel id> or discord:user:<user id>).`, {
      permanent: true,
    });
  }

  function errorReply(err: unknown, what: string, ref: string): Reply {
    const reason =
      err instanceof BriefbotError ? err.message : `an unexpected error on my side (logged as ${ref}); please try again later`;
    return { message: message([{ type: 'paragraph', text: `Sorry, ${what} failed: ${reason}` }]), ephemeral: true };
  }

  async function handleSafely(event: CommandEvent, what: string, ref: string): Promise<Reply> {
    try {
      return await requireCore().handle(event);
    } catch (err) {
      log.error({ err, command: event.command, ref }, 'command failed');
      return errorReply(err, what, ref);
    }
  }

  function requireCore(): Core {
    if (!core) throw new BriefbotError('discord_not_started', 'The Discord adapter is not started.');
    return core;
  }

  // ---- slash commands -------------------------------------------------------

  function interactionEvent(i: ChatInputCommandInteraction, parsed: ParsedCommand): CommandEvent {
    const isDirect = !i.inGuild();
    const event: CommandEvent = {
      platform: 'discord',
      command: parsed.command,
      text: parsed.text,
      user: `discord:${i.user.id}`,
      channel: i.channelId,
      isDirect,
      target: `discord:${i.channelId}`,
      userTarget: `discord:user:${i.user.id}`,
    };
    if (isDirect) {
      event.canManageChannel = true;
      event.conversation = `discord:${i.channelId}`;
    } else {
      const member = i.member;
      const roles =
        member instanceof GuildMember
          ? member.roles.cache.map((r) => ({ id: r.id, name: r.name }))
          : (member?.roles ?? []).map((id) => ({ id, name: i.guild?.roles.cache.get(id)?.name ?? '' }));
      const check = canManageChannel({ userId: i.user.id, permissions: i.memberPermissions, roles, subscribeRole: config.subscribeRole, admins });
      event.canManageChannel = check.ok;
      if (!check.ok) event.permissionHint = check.hint;
    }
    return event;
  }

  const replyOptions = (p: DiscordPayload, ephemeral: boolean) => ({
    content: p.content,
    embeds: p.embeds,
    allowedMentions: NO_MENTIONS,
    ...(ephemeral ? { flags: MessageFlags.Ephemeral as const } : {}),
  });

  /** Sends a reply the interaction has not shown yet: as the reply itself, or into the deferred "thinking…" message. */
  async function deliver(i: ChatInputCommandInteraction, reply: Reply): Promise<void> {
    const [first, ...rest] = renderMessage(reply.message);
    const ephemeral = reply.ephemeral === true;
    if (!i.deferred && !i.replied) {
      await i.reply(replyOptions(first, ephemeral));
    } else if (Boolean(i.ephemeral) === ephemeral) {
      await i.editReply({ content: first.content, embeds: first.embeds, allowedMentions: NO_MENTIONS });
    } else {
      // A deferral fixes visibility; when the answer wants the other one, replace the placeholder.
      await i.followUp(replyOptions(first, ephemeral));
      await i.deleteReply().catch((err: unknown) => log.warn({ err }, 'could not delete the deferred reply'));
    }
    for (const p of rest) await i.followUp(replyOptions(p, ephemeral));
  }

  async function answerCommand(i: ChatInputCommandInteraction, parsed: ParsedCommand): Promise<void> {
    const what = `/${i.commandName}${parsed.subcommand ? ` ${parsed.subcommand}` : ''}`;
    if (parsed.subcommand === 'subscribe' && i.inGuild()) {
      const missing = missingBotPermissions(i.appPermissions);
      if (missing.length > 0) {
        await i.reply({ content: describeMissing(missing), flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS });
        return;
      }
    }
    const event = interactionEvent(i, parsed);
    // Discord drops an interaction not answered within 3 s: answer directly when the
    // core is quick, otherwise show "thinking…" and edit the answer in later.
    const outcome: Promise<Outcome> = requireCore()
      .handle(event)
      .then(
        (reply) => ({ ok: true as const, reply }),
        (err: unknown) => ({ ok: false as const, err }),
      );
    let timer: NodeJS.Timeout | undefined;
    const deferNow = new Promise<'defer'>((resolve) => {
      timer = setTimeout(() => resolve('defer'), deferAfterMs);
    });
    const first = await Promise.race([outcome, deferNow]);
    clearTimeout(timer);
    if (first === 'defer') {
      // Discord fixes visibility at deferral, so guess what the core will say: admin answers and
      // answers to questions asked in a server are for the asker only (shareable by asking in public).
      const ephemeral = parsed.command === 'briefbot' || (parsed.command === 'ask' && i.inGuild());
      await i.deferReply(ephemeral ? { flags: MessageFlags.Ephemeral } : {});
    }
    const result = first === 'defer' ? await outcome : first;
    if (!result.ok) log.error({ err: result.err, command: what, ref: i.id }, 'command failed');
    const reply = result.ok ? result.reply : errorReply(result.err, what, i.id);
    try {
      await deliver(i, reply);
    } catch (err) {
      // The answer itself was refused (e.g. Discord rejected a payload): say so rather than stay silent.
      log.error({ err, command: what, ref: i.id }, 'could not send the reply');
      const text = `Sorry, I couldn't send the answer to ${what}: ${errorMessage(err)}`.slice(0, 2000);
      const fallback = { content: text, allowedMentions: NO_MENTIONS, flags: MessageFlags.Ephemeral as const };
      await (i.deferred || i.replied ? i.followUp(fallback) : i.reply(fallback)).catch((e: unknown) =>
        log.error({ err: e, ref: i.id }, 'could not send the failure notice either'),
      );
    }
  }

  async function autocomplete(i: AutocompleteInteraction): Promise<void> {
    const choices = await autocompleteChoices(requireCore(), i.options.getFocused(true), { budgetMs: config.autocompleteBudgetMs, log });
    await i.respond(choices);
  }

  async function onInteraction(i: Interaction): Promise<void> {
    if (i.isAutocomplete()) return autocomplete(i);
    if (!i.isChatInputCommand()) return;
    const parsed = parseCommand(i);
    if (!parsed) return;
    await answerCommand(i, parsed);
  }

  // ---- DMs and mentions -------------------------------------------------------

  async function tellUser(userId: string, text: string): Promise<void> {
    try {
      await sendPayloads(await openDm(userId), [{ content: text, embeds: [] }]);
    } catch (err) {
      log.warn({ err, user: userId }, 'could not DM the user either');
    }
  }

  async function onMessage(m: DiscordMessage): Promise<void> {
    const me = client?.user;
    if (!me || m.author.bot || m.system) return;
    const isDirect = !m.inGuild();
    if (!isDirect && !m.mentions.users.has(me.id)) return;
    const text = m.content.replace(new RegExp(`<@!?${me.id}>`, 'g'), ' ').replace(/\s+/g, ' ').trim();
    if (isDirect && text === '') return;
    const event: CommandEvent = {
      platform: 'discord',
      command: 'message',
      text,
      user: `discord:${m.author.id}`,
      channel: m.channelId,
      isDirect,
      target: `discord:${m.channelId}`,
      userTarget: `discord:user:${m.author.id}`,
      // A DM is one conversation; in a server, each person's exchange with the bot in a channel
      // or thread (their reply chain) is one, so two people asking side by side do not mix.
      conversation: isDirect ? `discord:${m.channelId}` : `discord:${m.channelId}:user:${m.author.id}`,
    };
    let plainText = false;
    // Discord requires Read Message History to send a reply (message_reference); without it, just post.
    let asReply = !isDirect;
    if (isDirect) {
      event.canManageChannel = true;
    } else if (m.inGuild()) {
      const member = m.member;
      const check = canManageChannel({
        userId: m.author.id,
        permissions: member ? safePermissions(() => m.channel.permissionsFor(member)) : undefined,
        roles: member ? member.roles.cache.map((r) => ({ id: r.id, name: r.name })) : [],
        subscribeRole: config.subscribeRole,
        admins,
      });
      event.canManageChannel = check.ok;
      if (!check.ok) event.permissionHint = check.hint;
      const self = m.guild.members.me;
      const mine = self ? safePermissions(() => m.channel.permissionsFor(self)) : undefined;
      const missing = missingBotPermissions(mine);
      if (missing.includes('View Channel') || missing.includes('Send Messages')) {
        await tellUser(m.author.id, `You mentioned me in <#${m.channelId}>, but ${describeMissing(missing.filter((n) => n !== 'Embed Links'))}`);
        return;
      }
      plainText = missing.includes('Embed Links');
      if (mine && !mine.has(PermissionFlagsBits.ReadMessageHistory)) asReply = false;
    }
    // "briefbot is typing…" while the core works; purely cosmetic, so failures are ignored.
    requireClient().rest.post(Routes.channelTyping(m.channelId)).catch(() => undefined);
    const reply = await handleSafely(event, isDirect ? 'your message' : 'your question', m.id);
    const payloads: DiscordPayload[] = plainText
      ? renderPlainText(reply.message).map((content) => ({ content, embeds: [] }))
      : renderMessage(reply.message);
    try {
      await sendPayloads(m.channelId, payloads, asReply ? m.id : undefined);
    } catch (err) {
      const code = discordCode(err);
      log.error({ err, channel: m.channelId, code }, 'could not answer a message');
      if (!isDirect && (code === 50013 || code === 50001)) {
        await tellUser(m.author.id, `You mentioned me in <#${m.channelId}>, but ${describeMissing(['View Channel', 'Send Messages', 'Embed Links'])}`);
      }
    }
  }

  return {
    platform: 'discord',

    async start(c: Core): Promise<void> {
      if (client) throw new BriefbotError('discord_already_started', 'The Discord adapter is already started.');
      core = c;
      log = (config.logger ?? c.log).child({ adapter: 'discord' });
      let plan;
      try {
        plan = await planShards(config, () => recommendedShards(config.token, config.apiUrl));
      } catch (err) {
        core = undefined;
        throw new BriefbotError('discord_start_failed', startFailure(err, config), { cause: err });
      }
      const cl = new Client({
        intents: DISCORD_INTENTS,
        ...plan,
        // DM channels are not cached before their first message; without this their messages are dropped.
        partials: [Partials.Channel],
        rest: {
          ...(config.apiUrl ? { api: config.apiUrl } : {}),
          // The global limit is paced by globalPacer (a sliding second); discord.js's own
          // fixed-window count is switched off so the two do not fight. Route buckets and a
          // global 429 are still discord.js's, from Discord's headers.
          makeRequest: globalPacer({ perSecond: config.globalRequestsPerSecond }),
          globalRequestsPerSecond: Number.MAX_SAFE_INTEGER,
        },
        allowedMentions: NO_MENTIONS,
      });
      client = cl;
      cl.on(Events.InteractionCreate, (i) => {
        onInteraction(i).catch((err: unknown) => log.error({ err, interaction: i.id }, 'interaction failed'));
      });
      cl.on(Events.MessageCreate, (m) => {
        onMessage(m).catch((err: unknown) => log.error({ err, message: m.id }, 'message handling failed'));
      });
      cl.on(Events.Error, (err) => log.error({ err }, 'discord client error'));
      cl.on(Events.Warn, (w) => log.warn(w));
      cl.on(Events.ShardDisconnect, (ev, shard) => log.warn({ shard, code: ev.code }, 'gateway disconnected'));
      cl.on(Events.ShardResume, (shard, replayed) => log.info({ shard, replayed }, 'gateway session resumed'));
      const ready = new Promise<void>((resolve) => cl.once(Events.ClientReady, () => resolve()));
      try {
        await cl.login(config.token);
        await ready;
        const shards = (cl.options.shards as number[] | undefined) ?? [0];
        const shardCount = cl.options.shardCount ?? 1;
        // One process per deployment holds shard 0 (it also gets the DMs): it alone registers the commands.
        const commands = shards.includes(0)
          ? await registerCommands(cl.rest, { applicationId: config.applicationId, guildId: config.guildId }, slashCommands())
          : 'left to the process holding shard 0';
        log.info({ user: cl.user?.tag, guild: config.guildId ?? 'global', shards, shardCount, commands }, `discord ready on shard ${shards.join(',')} of ${shardCount}`);
      } catch (err) {
        await cl.destroy();
        client = undefined;
        throw new BriefbotError('discord_start_failed', startFailure(err, config), { cause: err });
      }
    },

    async post(target: string, msg: Message, delivery?: DeliveryRef): Promise<PostResult> {
      requireClient();
      try {
        const channelId = await channelOf(target);
        return { ids: await sendPayloads(channelId, rendered(msg), undefined, delivery) };
      } catch (err) {
        throw toDeliveryError(err, target);
      }
    },

    async stop(): Promise<void> {
      const cl = client;
      client = undefined;
      await cl?.destroy();
    },

    isConnected(): boolean {
      return client?.isReady() === true && client.ws.status === Status.Ready;
    },
  };
}

/** A part's nonce: at most 25 characters (Discord's limit), from the delivery key and the part. */
export function deliveryNonce(key: string, part: number): string {
  return createHash('sha256').update(`${key}\u0000${part}`).digest('base64url').slice(0, 25);
}

function safePermissions<T>(f: () => T | null): T | undefined {
  try {
    return f() ?? undefined;
  } catch {
    return undefined;
  }
}

function startFailure(err: unknown, config: DiscordAdapterConfig): string {
  const msg = errorMessage(err);
  const code = discordCode(err);
  if (/TokenInvalid|invalid token|401|Unauthorized/i.test(msg)) return `Discord rejected DISCORD_TOKEN (${msg}). Reset the token in the Developer Portal and set it again.`;
  if (/disallowed intents/i.test(msg)) return `Discord refused the gateway intents (${msg}).`;
  if (code === 50001 && config.guildId) {
    return `Could not register commands in DISCORD_GUILD_ID ${config.guildId}: Missing Access. Invite the bot to that server with the applications.commands scope.`;
  }
  return `Discord start failed: ${msg}`;
}
