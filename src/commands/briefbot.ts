import type { CommandEvent, Reply } from '../adapter.js';
import type { BriefDefinition } from '../briefing/definition.js';
import { formatInZone, nextRunTimes } from '../briefing/load-definitions.js';
import { errorMessage } from '../errors.js';
import { message, type Block } from '../messages/message.js';
import type { SourceRecord } from '../store/schedule-types.js';
import type { CommandDeps } from './deps.js';

/**
 * `/briefbot …`: subscribe, unsubscribe, list, sources, sources add, help. Refusals
 * (unknown brief, not allowed) are replies, never exceptions.
 */
export async function handleBriefbotCommand(event: CommandEvent, deps: CommandDeps): Promise<Reply> {
  const words = event.text.trim().split(/\s+/).filter(Boolean);
  const sub = (words[0] ?? 'help').toLowerCase();
  try {
    switch (sub) {
      case 'subscribe':
        return await subscribe(event, deps, words[1]);
      case 'unsubscribe':
        return await unsubscribe(event, deps, words[1]);
      case 'list':
      case 'briefs':
        return await list(event, deps);
      case 'sources':
        if ((words[1] ?? '').toLowerCase() === 'add') return await addSource(event, deps, words[2]);
        return await sources(deps);
      case 'help':
        return help(deps);
      default:
        return refuse(`"${words[0]}" is not a briefbot command.`, helpBlocks(deps));
    }
  } catch (err) {
    deps.log.error({ command: 'briefbot', text: event.text, err: errorMessage(err) }, 'briefbot command failed');
    return refuse('Something went wrong on my side; it has been logged. Please try again later.');
  }
}

function reply(blocks: Block[], title?: string, ephemeral = true): Reply {
  return { message: message(blocks, title), ephemeral };
}

function refuse(text: string, more: Block[] = []): Reply {
  return reply([{ type: 'paragraph', text }, ...more]);
}

/** The user as 'platform:id' (Discord's adapter already names users that way, Slack's does not). */
function userId(event: CommandEvent): string {
  return event.user.startsWith(`${event.platform}:`) ? event.user : `${event.platform}:${event.user}`;
}

function isAdmin(event: CommandEvent, deps: CommandDeps): boolean {
  return deps.admins.includes(userId(event));
}

function titleOf(b: BriefDefinition): string {
  return b.title ?? b.name;
}

/** "weekdays 08:00"-style wording is guesswork; the cron text and the next run in the brief's zone are exact. */
function when(b: BriefDefinition, now: Date): string {
  return `"${b.schedule}" in ${b.timezone}, next ${formatInZone(nextRunTimes(b, now)[0], b.timezone)}`;
}

function findBrief(deps: CommandDeps, name: string | undefined): { brief: BriefDefinition } | { refusal: Reply } {
  const briefs = deps.briefs();
  const names = briefs.map((b) => b.name);
  const available = names.length ? `Briefs you can choose: ${names.join(', ')}.` : 'No briefs are defined yet (add one to the briefs/ folder).';
  if (!name) return { refusal: refuse(`Which brief? ${available}`) };
  const brief = briefs.find((b) => b.name.toLowerCase() === name.toLowerCase());
  if (!brief) return { refusal: refuse(`There is no brief called "${name}". ${available}`) };
  return { brief };
}

/** Where a subscription from this conversation goes: the channel, or in a DM the user personally. */
function destination(event: CommandEvent, deps: CommandDeps): { target: string; here: string } | { refusal: Reply } {
  if (event.isDirect) return { target: event.userTarget, here: 'You' };
  if (event.canManageChannel !== true && !isAdmin(event, deps)) {
    return { refusal: refuse(event.permissionHint ?? 'You are not allowed to change the briefs of this channel.') };
  }
  return { target: event.target, here: 'This channel' };
}

async function subscribe(event: CommandEvent, deps: CommandDeps, name: string | undefined): Promise<Reply> {
  const found = findBrief(deps, name);
  if ('refusal' in found) return found.refusal;
  const dest = destination(event, deps);
  if ('refusal' in dest) return dest.refusal;
  const { brief } = found;
  if (brief.targets.includes(dest.target)) {
    return refuse(`${dest.here} already get${dest.here === 'You' ? '' : 's'} ${titleOf(brief)}: ${brief.file} lists it as a target.`);
  }
  const result = await deps.store.subscriptions.add({ brief: brief.name, target: dest.target, subscribedBy: event.userTarget, now: deps.now() });
  if (result === 'exists') return refuse(`${dest.here} ${dest.here === 'You' ? 'are' : 'is'} already subscribed to ${titleOf(brief)} (${brief.name}).`);
  deps.log.info({ brief: brief.name, target: dest.target, by: event.userTarget }, 'subscribed');
  return reply(
    [{ type: 'paragraph', text: `${dest.here} ${dest.here === 'You' ? 'are' : 'is'} now subscribed to ${titleOf(brief)} (${brief.name}): ${when(brief, deps.now())}.` }],
    undefined,
    event.isDirect,
  );
}

async function unsubscribe(event: CommandEvent, deps: CommandDeps, name: string | undefined): Promise<Reply> {
  const found = findBrief(deps, name);
  if ('refusal' in found) return found.refusal;
  const dest = destination(event, deps);
  if ('refusal' in dest) return dest.refusal;
  const { brief } = found;
  if (await deps.store.subscriptions.remove(brief.name, dest.target)) {
    deps.log.info({ brief: brief.name, target: dest.target, by: event.userTarget }, 'unsubscribed');
    return reply([{ type: 'paragraph', text: `${dest.here} will no longer get ${titleOf(brief)} (${brief.name}).` }], undefined, event.isDirect);
  }
  if (brief.targets.includes(dest.target)) {
    return refuse(`${dest.here} get${dest.here === 'You' ? '' : 's'} ${titleOf(brief)} because ${brief.file} lists it; remove it from that file to stop it.`);
  }
  return refuse(`${dest.here} ${dest.here === 'You' ? 'are' : 'is'} not subscribed to ${titleOf(brief)} (${brief.name}).`);
}

async function list(event: CommandEvent, deps: CommandDeps): Promise<Reply> {
  const briefs = deps.briefs();
  if (!briefs.length) return refuse('No briefs are defined yet (add one to the briefs/ folder).');
  const target = event.isDirect ? event.userTarget : event.target;
  const now = deps.now();
  const subs = await deps.store.subscriptions.list({ target });
  const items = briefs.map((b) => {
    const sub = subs.find((s) => s.brief === b.name);
    const status = b.targets.includes(target)
      ? 'delivered here (listed in its file)'
      : sub && !sub.disabledAt
        ? 'subscribed here'
        : sub?.disabledAt
          ? `subscription disabled: ${sub.disabledReason ?? 'delivery failed'}`
          : 'not subscribed here';
    return `${b.name} (${titleOf(b)}): ${when(b, now)}; ${status}`;
  });
  return reply(
    [
      { type: 'bullets', items },
      { type: 'context', text: `Subscribe with "/briefbot subscribe <brief>"${event.isDirect ? ' (here in a DM it is a personal subscription)' : ''}.` },
    ],
    'Briefs',
  );
}

function sourceLine(s: SourceRecord): string {
  const parts = [`${s.url} (${s.kind})`, `last success: ${s.lastSuccessAt ?? 'never'}`];
  if (s.lastError) parts.push(`last error: ${s.lastErrorAt ?? '?'}, ${s.lastError}`);
  if (s.failures > 0) parts.push(`${s.failures} failure${s.failures === 1 ? '' : 's'} in a row`);
  parts.push(`${s.articles} article${s.articles === 1 ? '' : 's'}`);
  return parts.join('; ');
}

async function sources(deps: CommandDeps): Promise<Reply> {
  const all = await deps.store.sources.list();
  if (!all.length) return refuse('No sources are polled yet. An admin can add a feed with "/briefbot sources add <url>".');
  return reply([{ type: 'bullets', items: all.map(sourceLine) }], 'Sources');
}

async function addSource(event: CommandEvent, deps: CommandDeps, url: string | undefined): Promise<Reply> {
  if (!isAdmin(event, deps)) return refuse('Only briefbot admins can add sources (see BRIEFBOT_ADMINS).');
  if (!deps.addSource) return refuse('Adding sources is not available on this briefbot.');
  if (!url) return refuse('Which feed? Use "/briefbot sources add https://example.com/feed.xml".');
  // Slack wraps links as <https://…> or <https://…|label>.
  const clean = url.replace(/^<([^|>]+)(?:\|[^>]*)?>$/, '$1');
  const result = await deps.addSource(clean, userId(event));
  return refuse(result.message);
}

function helpBlocks(deps: CommandDeps): Block[] {
  const names = deps.briefs().map((b) => b.name);
  return [
    {
      type: 'bullets',
      items: [
        '/briefbot list: the briefs, when they run, and what this channel gets',
        '/briefbot subscribe <brief>: post a brief to this channel (in a DM: to you)',
        '/briefbot unsubscribe <brief>: stop it',
        '/briefbot sources: the feeds polled and their health',
        '/briefbot sources add <url>: poll a new feed (admins)',
      ],
    },
    { type: 'context', text: names.length ? `Briefs: ${names.join(', ')}` : 'No briefs are defined yet.' },
  ];
}

function help(deps: CommandDeps): Reply {
  return reply(helpBlocks(deps), 'briefbot commands');
}
