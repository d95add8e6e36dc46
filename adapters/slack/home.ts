import type { App, webApi } from '@slack/bolt';
import type { HomeBrief, HomeView } from '../../src/index.js';
import { escapeMrkdwn } from './escape.js';
import { parseTarget, toCommandEvent } from './incoming.js';
import type { ListenerContext } from './listeners.js';

export const HOME_CHANNEL_ACTION = 'briefbot_home_channel';
export const HOME_SUBSCRIBE_ACTION = 'briefbot_home_subscribe';
export const HOME_UNSUBSCRIBE_ACTION = 'briefbot_home_unsubscribe';
const PICK_BLOCK = 'briefbot_home_pick';
/** Slack allows 100 blocks in a view; each brief takes up to three. */
const MAX_BRIEFS = 28;

type Permission = (client: webApi.WebClient, ctx: ListenerContext, user: string, channel: string) => Promise<{ canManageChannel: boolean; permissionHint?: string }>;

const mrkdwn = (text: string) => ({ type: 'mrkdwn' as const, text, verbatim: true });

/** A channel id we can mention safely: only ids matching Slack's own shape become `<#C…>`. */
function channelMention(target: string): string | undefined {
  const id = parseTarget(target);
  return id && /^[CG]/.test(id) ? `<#${id}>` : undefined;
}

function whereText(b: HomeBrief): string {
  const places: string[] = [];
  let others = 0;
  for (const d of b.destinations) {
    if (d.kind === 'person') {
      if (d.mine) places.push('you (DM)');
      else others += 1;
      continue;
    }
    const mention = channelMention(d.target);
    if (mention) places.push(d.via === 'file' ? `${mention} (in its file)` : mention);
  }
  // Other people's personal subscriptions are theirs: counted, never named.
  if (others > 0) places.push(`${others} ${others === 1 ? 'person' : 'people'} by DM`);
  return places.length ? places.join(', ') : 'no channel in this workspace yet';
}

function briefBlocks(b: HomeBrief, channel: string | undefined): object[] {
  const lines = [
    `*${escapeMrkdwn(b.title)}*  \`${escapeMrkdwn(b.name)}\``,
    `Next run: *${escapeMrkdwn(b.nextRun)}* (\`${escapeMrkdwn(b.schedule)}\` in ${escapeMrkdwn(b.timezone)})`,
    `Topics: ${escapeMrkdwn(b.topics.length ? b.topics.join(', ') : 'every topic')} · Sources: ${escapeMrkdwn(b.sources.length ? b.sources.join(', ') : 'every source')}`,
    `Posted to: ${whereText(b)}`,
  ];
  const blocks: object[] = [{ type: 'section', block_id: `brief_${b.name}`.slice(0, 255), text: mrkdwn(lines.join('\n')) }];
  const mention = channel ? channelMention(channel) : undefined;
  if (!mention || !b.channelStatus) return blocks;
  if (b.channelStatus === 'file') {
    blocks.push({ type: 'context', elements: [mrkdwn(`${mention} gets this brief because its definition file lists it; change the file to stop it.`)] });
    return blocks;
  }
  const subscribed = b.channelStatus === 'subscribed';
  blocks.push({
    type: 'actions',
    block_id: `act_${b.name}`.slice(0, 255),
    elements: [
      {
        type: 'button',
        action_id: subscribed ? HOME_UNSUBSCRIBE_ACTION : HOME_SUBSCRIBE_ACTION,
        text: { type: 'plain_text', text: subscribed ? `Unsubscribe the channel` : b.channelStatus === 'disabled' ? 'Subscribe again' : 'Subscribe the channel', emoji: false },
        value: b.name,
        ...(subscribed ? {} : { style: 'primary' }),
      },
    ],
  });
  return blocks;
}

/** The Home tab as Block Kit: what briefbot is, the briefs and where they go, and subscribe buttons for a picked channel. */
export function homeBlocks(view: HomeView, note?: string): object[] {
  const channelId = view.channel ? parseTarget(view.channel) : undefined;
  const blocks: object[] = [
    { type: 'header', text: { type: 'plain_text', text: 'briefbot', emoji: false } },
    { type: 'section', text: mrkdwn(escapeMrkdwn(view.about)) },
  ];
  if (note) blocks.push({ type: 'context', elements: [mrkdwn(note)] });
  blocks.push(
    { type: 'divider' },
    {
      type: 'section',
      block_id: PICK_BLOCK,
      text: mrkdwn('*Change a channel’s briefs.* Pick a channel you are in; the buttons below then subscribe it or unsubscribe it.'),
      accessory: {
        type: 'conversations_select',
        action_id: HOME_CHANNEL_ACTION,
        placeholder: { type: 'plain_text', text: 'Pick a channel', emoji: false },
        filter: { include: ['public', 'private'], exclude_bot_users: true },
        ...(channelId ? { initial_conversation: channelId } : {}),
      },
    },
    { type: 'divider' },
    { type: 'header', text: { type: 'plain_text', text: 'Briefs in this workspace', emoji: false } },
  );
  if (view.briefs.length === 0) blocks.push({ type: 'section', text: mrkdwn('No briefs are defined yet: add one to the briefs/ folder.') });
  for (const b of view.briefs.slice(0, MAX_BRIEFS)) blocks.push(...briefBlocks(b, view.channel));
  if (view.briefs.length > MAX_BRIEFS) blocks.push({ type: 'context', elements: [mrkdwn(`…and ${view.briefs.length - MAX_BRIEFS} more: /briefbot list shows them all.`)] });
  return blocks;
}

interface ViewState {
  private_metadata?: string;
  state?: { values?: Record<string, Record<string, { selected_conversation?: string | null }>> };
}

/**
 * The Home tab (app_home_opened → views.publish) and its buttons. Subscribing here is
 * `/briefbot subscribe <brief>` typed in the picked channel: the same permission check
 * (a member of the channel, or an admin) and the same core handler.
 */
export function registerHome(app: App, ctx: ListenerContext, permission: Permission): void {
  async function publish(client: webApi.WebClient, user: string, channel?: string, note?: string): Promise<void> {
    const core = ctx.core();
    if (!core.home) return;
    const view = await core.home({ platform: 'slack', userTarget: `slack:${user}`, channel: channel ? `slack:${channel}` : undefined });
    try {
      await client.views.publish({ user_id: user, view: { type: 'home', private_metadata: channel ?? '', blocks: homeBlocks(view, note) as never } });
    } catch (err) {
      ctx.log.error({ err: (err as Error).message, user }, 'could not publish the Home tab');
    }
  }

  app.event('app_home_opened', async ({ event, client }) => {
    if (event.tab !== 'home') return;
    const meta = (event as { view?: ViewState }).view?.private_metadata;
    await ctx.track(publish(client, event.user, meta && parseTarget(`slack:${meta}`) ? meta : undefined));
  });

  app.action(HOME_CHANNEL_ACTION, async ({ ack, body, action, client }) => {
    await ack();
    const picked = (action as { selected_conversation?: string | null }).selected_conversation ?? undefined;
    const channel = picked && parseTarget(`slack:${picked}`) ? picked : undefined;
    await ctx.track(publish(client, body.user.id, channel));
  });

  for (const [actionId, verb] of [
    [HOME_SUBSCRIBE_ACTION, 'subscribe'],
    [HOME_UNSUBSCRIBE_ACTION, 'unsubscribe'],
  ] as const) {
    app.action(actionId, async ({ ack, body, action, client }) => {
      await ack();
      const user = body.user.id;
      const view = (body as { view?: ViewState }).view;
      const picked = view?.state?.values?.[PICK_BLOCK]?.[HOME_CHANNEL_ACTION]?.selected_conversation ?? view?.private_metadata ?? undefined;
      const channel = picked && /^[CG][A-Z0-9]+$/.test(picked) ? picked : undefined;
      const brief = 'value' in action ? String(action.value) : '';
      await ctx.track(
        (async () => {
          if (!channel) return publish(client, user, undefined, 'Pick a channel first.');
          const base = toCommandEvent({ command: 'briefbot', text: `${verb} ${brief}`, user, channel, isDirect: false });
          const event = { ...base, ...(await permission(client, ctx, user, channel)) };
          let note: string;
          try {
            const reply = await ctx.core().handle(event);
            note = `<#${channel}>: ${escapeMrkdwn(reply.message.text)}`;
          } catch (err) {
            ctx.log.error({ err: (err as Error).message, user, channel }, 'Home tab subscription failed');
            note = 'Something went wrong on my side; please try again in a minute.';
          }
          await publish(client, user, channel, note);
        })(),
      );
    });
  }
}
