import type { BriefDefinition } from '../briefing/definition.js';
import { formatInZone, nextRunTimes } from '../briefing/load-definitions.js';
import type { CommandDeps } from './deps.js';

/** What a platform's home screen (Slack's Home tab) shows a person, platform-neutral: the adapter draws it. */
export interface HomeView {
  about: string;
  briefs: HomeBrief[];
  /** The conversation the person picked to change, as a target ('slack:C0123'), if any. */
  channel?: string;
}

export interface HomeDestination {
  target: string;
  /** A channel, or one person's DM (personal subscription). */
  kind: 'channel' | 'person';
  /** Listed in the brief's file, or subscribed from chat. */
  via: 'file' | 'subscription';
  /** The viewer's own DM. */
  mine: boolean;
}

export interface HomeBrief {
  name: string;
  title: string;
  schedule: string;
  timezone: string;
  /** The next run in the brief's own time zone ("Tue 1 Dec 2026 08:00 GMT") and as an instant. */
  nextRun: string;
  nextRunAt: string;
  topics: string[];
  sources: string[];
  /** Where this platform gets the brief. */
  destinations: HomeDestination[];
  /** The picked conversation's standing for this brief: what a button there would change. */
  channelStatus?: 'file' | 'subscribed' | 'disabled' | 'none';
}

export const HOME_ABOUT =
  'briefbot posts short news briefs to channels on a schedule, and answers questions with the sentence from a stored article that states the answer, with its source. Ask with /ask, get a brief now with /brief, manage subscriptions with /briefbot or here.';

function title(b: BriefDefinition): string {
  return b.title ?? b.name;
}

/**
 * The briefs this platform's workspace gets and where, each next run in the brief's
 * zone, and (when the viewer picked a channel) whether that channel gets each brief.
 * Personal subscriptions of other people are counted by the adapter, never named.
 */
export async function homeView(deps: CommandDeps, req: { platform: string; userTarget: string; channel?: string }): Promise<HomeView> {
  const prefix = `${req.platform}:`;
  const now = deps.now();
  const subs = await deps.store.subscriptions.list();
  const briefs: HomeBrief[] = [];
  for (const b of deps.briefs()) {
    const next = nextRunTimes(b, now)[0];
    const destinations: HomeDestination[] = [];
    const add = (target: string, via: HomeDestination['via']) => {
      if (!target.startsWith(prefix) || destinations.some((d) => d.target === target)) return;
      const person = target.startsWith(`${prefix}user:`) || /^slack:[UW][A-Z0-9]+$/.test(target);
      destinations.push({ target, kind: person ? 'person' : 'channel', via, mine: target === req.userTarget });
    };
    for (const t of b.targets) add(t, 'file');
    for (const s of subs) if (s.brief === b.name && !s.disabledAt) add(s.target, 'subscription');
    let channelStatus: HomeBrief['channelStatus'];
    if (req.channel) {
      const sub = subs.find((s) => s.brief === b.name && s.target === req.channel);
      channelStatus = b.targets.includes(req.channel) ? 'file' : sub && !sub.disabledAt ? 'subscribed' : sub ? 'disabled' : 'none';
    }
    briefs.push({
      name: b.name,
      title: title(b),
      schedule: b.schedule,
      timezone: b.timezone,
      nextRun: formatInZone(next, b.timezone),
      nextRunAt: next.toISOString(),
      topics: b.topics,
      sources: b.sources,
      destinations,
      channelStatus,
    });
  }
  return { about: HOME_ABOUT, briefs, channel: req.channel };
}
