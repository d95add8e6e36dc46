import type { CommandEvent } from '../../src/index.js';

/** Ids Slack uses for conversations (C public, G private/legacy, D DM) and users (U, W enterprise). */
const CONVERSATION_ID = /^[CGD][A-Z0-9]+$/;
const USER_ID = /^[UW][A-Z0-9]+$/;

/** `slack:C0123` → `C0123`; undefined when the target is not a Slack conversation or user. */
export function parseTarget(target: string): string | undefined {
  if (!target.startsWith('slack:')) return undefined;
  const id = target.slice('slack:'.length);
  return CONVERSATION_ID.test(id) || USER_ID.test(id) ? id : undefined;
}

export function isUserId(id: string): boolean {
  return USER_ID.test(id);
}

/**
 * Slack sends message text with `&`, `<`, `>` escaped and links, channels and
 * users wrapped in angle brackets. The core wants what the person typed.
 */
export function normaliseIncoming(text: string, botUserId?: string): string {
  let out = text;
  if (botUserId) out = out.replace(new RegExp(`<@${botUserId}(\\|[^>]*)?>`, 'g'), ' ');
  out = out
    .replace(/<((?:https?|mailto):[^|>]+)(?:\|[^>]*)?>/g, '$1')
    .replace(/<#[CG][A-Z0-9]+\|([^>]*)>/g, '#$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
  return out.replace(/\s+/g, ' ').trim();
}

/** Which free-text and admin commands change what a channel receives, and so need a permission check. */
export function needsChannelPermission(command: CommandEvent['command'], text: string): boolean {
  const words = text.trim().toLowerCase().split(/\s+/);
  if (command === 'briefbot' || command === 'message') {
    return words[0] === 'subscribe' || words[0] === 'unsubscribe' || (words[0] === 'sources' && words[1] === 'add');
  }
  return false;
}

export interface EventBase {
  command: CommandEvent['command'];
  text: string;
  user: string;
  channel: string;
  isDirect: boolean;
  /** The DM, or the thread the answer goes to: follow-ups there refer to the last answer. */
  conversation?: string;
}

export function toCommandEvent(base: EventBase): CommandEvent {
  return {
    platform: 'slack',
    command: base.command,
    text: base.text,
    user: base.user,
    channel: base.channel,
    isDirect: base.isDirect,
    target: `slack:${base.channel}`,
    userTarget: `slack:${base.user}`,
    ...(base.conversation ? { conversation: base.conversation } : {}),
  };
}

/** The conversation key of a DM (its thread, when in one) or of a channel thread. */
export function conversationKey(channel: string, threadTs?: string): string {
  return threadTs ? `slack:${channel}:${threadTs}` : `slack:${channel}`;
}

/** DMs (D…) and the slash-command pseudo-channel "directmessage" count as direct. */
export function isDirectChannel(channelId: string, channelName?: string): boolean {
  return channelId.startsWith('D') || channelName === 'directmessage';
}
