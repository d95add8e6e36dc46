/**
 * What Slack sends to a bot, built the way Slack builds it: slash commands and
 * button presses as signed form posts, events as signed JSON, or the same payloads
 * as Socket Mode envelopes.
 */
import { createHmac, randomUUID } from 'node:crypto';

/** `v0=HMAC-SHA256(secret, "v0:" + ts + ":" + rawBody)`, Slack's request signature. */
export function slackSignature(secret: string, timestamp: number, rawBody: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${rawBody}`).digest('hex')}`;
}

export interface SignedPostOptions {
  secret: string;
  /** Seconds since the epoch; Slack rejects requests older than five minutes. */
  timestamp?: number;
  /** Replaces the computed signature (bad-signature tests). */
  signature?: string;
  retryNum?: number;
  retryReason?: string;
}

export async function signedPost(url: string, body: string, contentType: string, opts: SignedPostOptions): Promise<Response> {
  const ts = opts.timestamp ?? Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = {
    'content-type': contentType,
    'x-slack-request-timestamp': String(ts),
    'x-slack-signature': opts.signature ?? slackSignature(opts.secret, ts, body),
  };
  if (opts.retryNum !== undefined) {
    headers['x-slack-retry-num'] = String(opts.retryNum);
    headers['x-slack-retry-reason'] = opts.retryReason ?? 'http_timeout';
  }
  return fetch(url, { method: 'POST', headers, body });
}

export interface SlashCommandOptions {
  command: string;
  text: string;
  userId: string;
  channelId: string;
  channelName?: string;
  responseUrl: string;
  triggerId?: string;
  teamId?: string;
}

export function slashCommand(o: SlashCommandOptions): Record<string, string> {
  return {
    token: 'deprecated-verification-token',
    team_id: o.teamId ?? 'T0001',
    team_domain: 'fake',
    channel_id: o.channelId,
    channel_name: o.channelName ?? (o.channelId.startsWith('D') ? 'directmessage' : 'general'),
    user_id: o.userId,
    user_name: o.userId.toLowerCase(),
    command: o.command,
    text: o.text,
    api_app_id: 'A0001',
    is_enterprise_install: 'false',
    response_url: o.responseUrl,
    trigger_id: o.triggerId ?? `${Date.now()}.${randomUUID()}`,
  };
}

export function eventCallback(event: Record<string, unknown>, eventId: string = `Ev${randomUUID().slice(0, 10).toUpperCase()}`, teamId = 'T0001') {
  return {
    token: 'deprecated-verification-token',
    team_id: teamId,
    api_app_id: 'A0001',
    event,
    type: 'event_callback',
    event_id: eventId,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ team_id: teamId, user_id: 'UBOT', is_bot: true, is_enterprise_install: false }],
    is_ext_shared_channel: false,
  };
}

export interface BlockActionOptions {
  actionId: string;
  value: string;
  userId: string;
  channelId: string;
  responseUrl: string;
  triggerId?: string;
}

export function blockAction(o: BlockActionOptions): Record<string, unknown> {
  return {
    type: 'block_actions',
    team: { id: 'T0001', domain: 'fake' },
    user: { id: o.userId, username: o.userId.toLowerCase(), team_id: 'T0001' },
    api_app_id: 'A0001',
    token: 'deprecated-verification-token',
    container: { type: 'message', message_ts: '1700000000.000100', channel_id: o.channelId, is_ephemeral: true },
    trigger_id: o.triggerId ?? `${Date.now()}.${randomUUID()}`,
    channel: { id: o.channelId, name: 'general' },
    response_url: o.responseUrl,
    actions: [{ type: 'button', action_id: o.actionId, block_id: 'briefbot_share', value: o.value, action_ts: String(Date.now() / 1000) }],
  };
}

/** The app_home_opened event Slack sends when someone opens the app's Home tab. */
export function homeOpened(userId: string, privateMetadata?: string): Record<string, unknown> {
  return {
    type: 'app_home_opened',
    user: userId,
    channel: `D${userId.slice(1)}`,
    tab: 'home',
    event_ts: String(Date.now() / 1000),
    ...(privateMetadata !== undefined ? { view: { id: `V${userId}`, type: 'home', private_metadata: privateMetadata } } : {}),
  };
}

/**
 * A block action in the Home tab: a channel picked in a conversations_select, or a
 * button pressed while `selectedChannel` is picked (Slack sends the view's state along).
 */
export function homeAction(o: { userId: string; actionId: string; blockId: string; value?: string; selectedChannel?: string; pickBlockId?: string; pickActionId?: string }): Record<string, unknown> {
  const picking = o.value === undefined;
  const action = picking
    ? { type: 'conversations_select', action_id: o.actionId, block_id: o.blockId, selected_conversation: o.selectedChannel ?? null, action_ts: String(Date.now() / 1000) }
    : { type: 'button', action_id: o.actionId, block_id: o.blockId, value: o.value, action_ts: String(Date.now() / 1000) };
  const values =
    o.pickBlockId && o.pickActionId ? { [o.pickBlockId]: { [o.pickActionId]: { type: 'conversations_select', selected_conversation: o.selectedChannel ?? null } } } : {};
  return {
    type: 'block_actions',
    team: { id: 'T0001', domain: 'fake' },
    user: { id: o.userId, username: o.userId.toLowerCase(), team_id: 'T0001' },
    api_app_id: 'A0001',
    token: 'deprecated-verification-token',
    container: { type: 'view', view_id: `V${o.userId}` },
    trigger_id: `${Date.now()}.${randomUUID()}`,
    view: { id: `V${o.userId}`, type: 'home', team_id: 'T0001', private_metadata: '', state: { values }, hash: randomUUID() },
    actions: [action],
  };
}
