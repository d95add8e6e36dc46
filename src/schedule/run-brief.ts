import type { BriefOptions } from '../briefing/build.js';
import type { BriefDefinition } from '../briefing/definition.js';
import { formatInZone } from '../briefing/load-definitions.js';
import { message, type Message } from '../messages/message.js';
import type { Store } from '../store/store.js';
import { slotKey } from './slots.js';

/** buildBrief (src/briefing/build.ts), passed in so tests can count or fail builds: null when no story matches. */
export type BuildBrief = (store: Store, opts: BriefOptions) => Message | null | Promise<Message | null>;

export function titleOf(brief: BriefDefinition): string {
  return brief.title ?? brief.name.replace(/[-_]+/g, ' ').replace(/^./, (c) => c.toUpperCase());
}

export interface ComposedRun {
  /** What the run posts: the brief, a "no new stories" notice, or null (nothing is posted). */
  message: Message | null;
  options: BriefOptions;
}

/**
 * What a brief's run at `slot` posts: its window, topics, sources and limits, and the
 * notice when nothing matches. The scheduler and `briefbot preview` both call this, so
 * a preview is the next run, not an imitation of it.
 */
export async function composeRun(store: Store, brief: BriefDefinition, slot: Date, build: BuildBrief, windowStart?: Date): Promise<ComposedRun> {
  let since: Date;
  if (windowStart) since = windowStart;
  else if (brief.window.kind === 'duration') since = new Date(slot.getTime() - brief.window.ms);
  else {
    const prev = await store.deliveries.previousRun(brief.name, slotKey(slot));
    since = prev ? new Date(prev.slot) : new Date(slot.getTime() - brief.window.fallbackMs);
  }
  const title = titleOf(brief);
  const options: BriefOptions = { since, until: slot, topics: brief.topics, sources: brief.sources, maxStories: brief.maxStories, title };
  let msg = await build(store, options);
  if (!msg && brief.whenEmpty === 'notice') {
    msg = message([{ type: 'paragraph', text: `No new stories since ${formatInZone(since, brief.timezone)}.` }], title);
  }
  return { message: msg, options };
}
