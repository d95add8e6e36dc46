import { randomUUID } from 'node:crypto';
import type { App, RespondFn, SlashCommand, types, webApi } from '@slack/bolt';
import {
  BriefbotError,
  message,
  type CommandEvent,
  type Core,
  type Logger,
  type Message,
  type PostResult,
  type Reply,
  type Shares,
} from '../../src/index.js';
import { registerHome } from './home.js';
import { platformErrorCode, slackHint } from './errors.js';
import { conversationKey, isDirectChannel, isUserId, needsChannelPermission, normaliseIncoming, toCommandEvent } from './incoming.js';
import { escapeMrkdwn } from './escape.js';
import { postArgs, renderMessage, type SlackBlock, type SlackPayload } from './render.js';

export interface ListenerContext {
  log: Logger;
  admins: Set<string>;
  configuredBotUserId?: string;
  core(): Core;
  /** Registers work the adapter must finish before stop() resolves. */
  track<T>(p: Promise<T>): Promise<T>;
  post(target: string, msg: Message, extra?: { firstPartContext?: string }): Promise<PostResult>;
}

/** The slash commands the bot answers; manifest.yaml declares the same three. */
export const SLASH_COMMANDS = ['brief', 'ask', 'briefbot'] as const;
type SlashName = (typeof SLASH_COMMANDS)[number];

/**
 * Who sees a slash command's answer. Everything typed as a slash command is answered
 * to the asker only: a question or an on-demand brief is the asker's business until
 * they press "Share to channel", and /briefbot output (subscriptions, sources, help)
 * is admin chatter. The core may make a reply more private, never more public.
 */
const SLASH_EPHEMERAL: Record<SlashName, boolean> = { brief: true, ask: true, briefbot: true };
/** Answers worth showing others get a "Share to channel" button. */
const SLASH_SHAREABLE: Record<SlashName, boolean> = { brief: true, ask: true, briefbot: false };

export const SHARE_ACTION = 'briefbot_share';

/** Slack retries an event three times within about five minutes; an hour is well clear of that. */
const REDELIVERY_WINDOW_MS = 3600_000;

/** Our own error replies: never offered for sharing. */
const failures = new WeakSet<Reply>();

/** What the bot says when the core fails: what went wrong and what to try, never silence. */
export function failureReply(err: unknown, log: Logger, event: CommandEvent): Reply {
  const ref = randomUUID().slice(0, 8);
  log.error({ err: err instanceof Error ? err.message : String(err), ref, command: event.command }, 'the core failed to handle a Slack command');
  const known = err instanceof BriefbotError;
  const what = known ? err.message : 'Something went wrong on my side while working on that.';
  const next = known && !err.retryable ? 'Check the command and try again.' : 'Please try again in a minute.';
  const reply: Reply = {
    message: message([
      { type: 'paragraph', text: `${what} ${next}` },
      { type: 'context', text: `If it keeps happening, ask whoever runs briefbot to look for reference ${ref} in its logs. Type /briefbot help to see what I can do.` },
    ]),
    ephemeral: true,
  };
  failures.add(reply);
  return reply;
}

async function handleSafely(ctx: ListenerContext, event: CommandEvent): Promise<Reply> {
  try {
    return await ctx.core().handle(event);
  } catch (err) {
    return failureReply(err, ctx.log, event);
  }
}

/**
 * Whether the user may change what a channel receives: a member of it, or an admin.
 * conversations.members is the one call that answers "is U in C" with the bot's
 * own scopes (channels:read / groups:read) for public and private channels alike.
 */
export async function channelPermission(
  client: webApi.WebClient,
  ctx: ListenerContext,
  user: string,
  channel: string,
): Promise<{ canManageChannel: boolean; permissionHint?: string }> {
  if (ctx.admins.has(user)) return { canManageChannel: true };
  try {
    let cursor: string | undefined;
    for (let page = 0; page < 50; page++) {
      const res = await client.conversations.members({ channel, limit: 1000, cursor });
      if (res.members?.includes(user)) return { canManageChannel: true };
      cursor = res.response_metadata?.next_cursor || undefined;
      if (!cursor) break;
    }
    return {
      canManageChannel: false,
      permissionHint: 'Only members of this channel (or a briefbot admin) can change what it receives. Join the channel first, or ask an admin.',
    };
  } catch (err) {
    const code = platformErrorCode(err);
    ctx.log.warn({ channel, code }, 'could not list channel members');
    const hint =
      code === 'channel_not_found' || code === 'not_in_channel'
        ? 'I cannot see who is in this channel. Invite me first with /invite @briefbot, then try again.'
        : `I could not check this channel's members (Slack said: ${code ?? 'no answer'}). Try again in a minute.`;
    return { canManageChannel: false, permissionHint: hint };
  }
}

async function withPermission(client: webApi.WebClient, ctx: ListenerContext, event: CommandEvent): Promise<CommandEvent> {
  if (!needsChannelPermission(event.command, event.text)) return event;
  if (event.isDirect) return { ...event, canManageChannel: true };
  return { ...event, ...(await channelPermission(client, ctx, event.user, event.channel)) };
}

function shareButton(key: string): SlackBlock {
  return {
    type: 'actions',
    block_id: 'briefbot_share',
    elements: [{ type: 'button', action_id: SHARE_ACTION, text: { type: 'plain_text', text: 'Share to channel', emoji: false }, value: key }],
  };
}

function respondArgs(payload: SlackPayload, ephemeral: boolean) {
  return {
    response_type: ephemeral ? ('ephemeral' as const) : ('in_channel' as const),
    replace_original: false,
    text: payload.text,
    blocks: payload.blocks as unknown as types.KnownBlock[],
  };
}

interface MessageEventLike {
  type: string;
  subtype?: string;
  channel: string;
  channel_type?: string;
  user?: string;
  bot_id?: string;
  text?: string;
  ts: string;
  thread_ts?: string;
}

export function registerListeners(app: App, ctx: ListenerContext): void {
  /**
   * Slack redelivers what it thinks we missed (same event_id; a re-sent command or click has
   * the same trigger_id), possibly to another process's connection: the claim is in the shared
   * store, so each is answered once across all processes. Payloads without an id cannot be
   * recognised as repeats and are always handled; so is everything when the store cannot be
   * asked, since answering twice beats never answering.
   */
  async function firstTime(kind: string, id: string | undefined): Promise<boolean> {
    if (!id) return true;
    try {
      return await ctx.core().claimOnce(`slack:${kind}:${id}`, REDELIVERY_WINDOW_MS);
    } catch (err) {
      ctx.log.warn({ err: (err as Error).message, kind, id }, 'could not check for a Slack redelivery; handling it');
      return true;
    }
  }

  /** Keeps the answer in the store for a later Share click, which any process may receive. No store, no button. */
  async function offerShare(msg: Message, channel: string, command: SlashName): Promise<string | undefined> {
    const shares = ctx.core().shares;
    if (!shares) return undefined;
    try {
      return await shares.offer({ message: msg, channel, command });
    } catch (err) {
      // The answer matters more than the button: it goes out without one.
      ctx.log.warn({ err: (err as Error).message, channel }, 'could not keep the answer for sharing; answering without a Share button');
      return undefined;
    }
  }

  async function answerSlash(name: SlashName, command: SlashCommand, respond: RespondFn, client: webApi.WebClient): Promise<void> {
    const isDirect = isDirectChannel(command.channel_id, command.channel_name);
    const base = toCommandEvent({
      command: name,
      text: normaliseIncoming(command.text ?? ''),
      user: command.user_id,
      channel: command.channel_id,
      isDirect,
      conversation: isDirect ? conversationKey(command.channel_id) : undefined,
    });
    const event = await withPermission(client, ctx, base);
    const reply = await handleSafely(ctx, event);
    // Slash commands also work in DMs between two people, where "in_channel" would show
    // the answer to the other person: only the policy table can make an answer public.
    const ephemeral = reply.ephemeral === true || SLASH_EPHEMERAL[name];
    const shareable = ephemeral && !isDirect && SLASH_SHAREABLE[name] && !failures.has(reply);
    const shareKey = shareable ? await offerShare(reply.message, command.channel_id, name) : undefined;
    const payloads = renderMessage(reply.message, shareKey ? 1 : 0);
    if (shareKey) payloads[payloads.length - 1].blocks.push(shareButton(shareKey));
    await deliverResponses(client, respond, payloads, ephemeral, command.channel_id, command.user_id);
  }

  const slash = (name: SlashName) => {
    app.command(`/${name}`, async ({ command, ack, respond, client }) => {
      // Slack gives three seconds: acknowledge first, answer through response_url.
      await ack();
      // A burst of commands arrives together: every envelope read so far is acknowledged
      // before any of them is worked on (the redelivery claim and the routing are writes and CPU).
      await new Promise((resolve) => setImmediate(resolve));
      if (!(await firstTime('command', command.trigger_id))) {
        ctx.log.debug({ trigger: command.trigger_id }, 'repeated slash command ignored');
        return;
      }
      await ctx.track(
        answerSlash(name, command, respond, client).catch(async (err) => {
          // Our own bug (rendering, an unexpected Slack failure): the user still hears back.
          const event = toCommandEvent({ command: name, text: '', user: command.user_id, channel: command.channel_id, isDirect: false });
          const [payload] = renderMessage(failureReply(err, ctx.log, event).message);
          await respond(respondArgs(payload, true)).catch(() => {});
        }),
      );
    });
  };
  for (const name of SLASH_COMMANDS) slash(name);
  registerHome(app, ctx, channelPermission);

  /** response_url first (works in channels the bot is not in); the Web API when it has expired or been used up. */
  async function deliverResponses(
    client: webApi.WebClient,
    respond: RespondFn,
    payloads: SlackPayload[],
    ephemeral: boolean,
    channel: string,
    user: string,
  ): Promise<void> {
    for (const payload of payloads) {
      try {
        await respond(respondArgs(payload, ephemeral));
      } catch (err) {
        ctx.log.warn({ err: (err as Error).message, channel }, 'response_url failed; answering through the Web API');
        try {
          if (ephemeral) await client.chat.postEphemeral({ ...postArgs(channel, payload), user });
          else await client.chat.postMessage(postArgs(channel, payload));
        } catch (err2) {
          ctx.log.error({ err: (err2 as Error).message, channel, code: platformErrorCode(err2) }, 'could not deliver a slash command answer');
          return;
        }
      }
    }
  }

  /**
   * Answers a DM or a mention in the conversation (and thread) it came from.
   * Someone who asks in public gets a public answer in the thread, whatever the
   * core's ephemeral flag says (it is set on every answer, for /ask); only the
   * adapter's own failure notes stay private to the asker.
   */
  async function answerInConversation(
    client: webApi.WebClient,
    event: CommandEvent,
    reply: Reply,
    threadTs: string | undefined,
  ): Promise<void> {
    const payloads = renderMessage(reply.message);
    const privately = failures.has(reply) && !event.isDirect;
    for (const payload of payloads) {
      try {
        if (privately) {
          await client.chat.postEphemeral({ ...postArgs(event.channel, payload, threadTs), user: event.user });
        } else {
          await client.chat.postMessage(postArgs(event.channel, payload, threadTs));
        }
      } catch (err) {
        ctx.log.error({ err: (err as Error).message, code: platformErrorCode(err), channel: event.channel }, 'could not answer in the conversation');
        return;
      }
    }
  }

  app.event('app_mention', async ({ event, body, client, context }) => {
    if (!(await firstTime('event', body.event_id))) {
      ctx.log.debug({ eventId: body.event_id }, 'redelivered mention ignored');
      return;
    }
    // A mention inside a DM also arrives as message.im; answer that one only.
    if (!event.user || event.channel.startsWith('D')) return;
    const user = event.user;
    await ctx.track(
      (async () => {
        const botUserId = context.botUserId ?? ctx.configuredBotUserId;
        const base = toCommandEvent({
          command: 'message',
          text: normaliseIncoming(event.text ?? '', botUserId),
          user,
          channel: event.channel,
          isDirect: false,
          // The answer goes to the thread of the mention, so that thread is the conversation.
          conversation: conversationKey(event.channel, event.thread_ts ?? event.ts),
        });
        const ce = await withPermission(client, ctx, base);
        const reply = await handleSafely(ctx, ce);
        await answerInConversation(client, ce, reply, event.thread_ts ?? event.ts);
      })(),
    );
  });

  app.event('message', async ({ event, body, client, context }) => {
    const m = event as unknown as MessageEventLike;
    // Only people writing to the bot in its DM: no edits, joins, other bots or our own posts.
    if (m.channel_type !== 'im' || m.subtype || m.bot_id || !m.user) return;
    if (m.user === (context.botUserId ?? ctx.configuredBotUserId)) return;
    if (!(await firstTime('event', body.event_id))) {
      ctx.log.debug({ eventId: body.event_id }, 'redelivered message ignored');
      return;
    }
    const user = m.user;
    await ctx.track(
      (async () => {
        const base = toCommandEvent({ command: 'message', text: normaliseIncoming(m.text ?? ''), user, channel: m.channel, isDirect: true, conversation: conversationKey(m.channel, m.thread_ts) });
        const ce = await withPermission(client, ctx, base);
        const reply = await handleSafely(ctx, ce);
        await answerInConversation(client, ce, reply, m.thread_ts);
      })(),
    );
  });

  app.action(SHARE_ACTION, async ({ ack, body, action, respond, client }) => {
    await ack();
    const trigger = 'trigger_id' in body ? String(body.trigger_id) : undefined;
    if (!(await firstTime('action', trigger))) return;
    const say = (text: string) => respond({ response_type: 'ephemeral', replace_original: false, text }).catch(() => {});
    await ctx.track(
      (async () => {
        const key = 'value' in action ? String(action.value) : '';
        const shares = ctx.core().shares;
        const user = body.user.id;
        let entry: Awaited<ReturnType<Shares['get']>>;
        try {
          entry = key && shares ? await shares.get(key) : undefined;
        } catch (err) {
          ctx.log.warn({ err: (err as Error).message }, 'could not look up an answer to share');
          await say('I could not look that answer up just now. Try again in a minute.');
          return;
        }
        if (!shares || !entry) {
          await say('That answer is no longer available to share (answers can be shared for 24 hours). Run the command again and share the new answer.');
          return;
        }
        if (entry.shared) {
          await say('Already shared to the channel.');
          return;
        }
        // The bot can post where a person may not (chat:write.public, read-only channels): only members share.
        const may = await channelPermission(client, ctx, user, entry.channel);
        if (!may.canManageChannel) {
          const why = may.permissionHint?.replace('change what it receives', 'share answers to it') ?? '';
          await say(`I did not share this. ${why}`);
          return;
        }
        // Two presses at once, on one process or two: the store lets one of them post.
        let mine: boolean;
        try {
          mine = await shares.claim(key);
        } catch (err) {
          ctx.log.warn({ err: (err as Error).message }, 'could not mark an answer as shared');
          await say('I could not share that just now. Try again in a minute.');
          return;
        }
        if (!mine) {
          await say('Already shared to the channel.');
          return;
        }
        // The sharer is named with a mention built from Slack's own user id, never from content.
        const byline = isUserId(user) ? `Shared by <@${user}> with /${entry.command}` : `Shared with /${entry.command}`;
        try {
          await ctx.post(`slack:${entry.channel}`, entry.message, { firstPartContext: byline });
          await say('Shared to the channel.');
        } catch (err) {
          await shares.release(key).catch((e) => ctx.log.warn({ err: (e as Error).message }, 'could not release a failed share; it reads as shared'));
          const code = (err as { code?: string }).code?.replace(/^slack_/, '') ?? '';
          const hint = slackHint(code) ?? (err as Error).message;
          await say(`I could not share this here: ${escapeMrkdwn(hint)}.`);
        }
      })(),
    );
  });
}
