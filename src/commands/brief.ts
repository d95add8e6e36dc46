import type { CommandEvent, Reply } from '../adapter.js';
import { buildBrief } from '../briefing/build.js';
import { message } from '../messages/message.js';
import type { CommandDeps } from './deps.js';

export const ON_DEMAND_WINDOW_MS = 24 * 3_600_000;

/** `/brief [topic]`: the last day's stories, optionally about one topic, in the channel it was asked in. */
export async function handleBrief(event: CommandEvent, deps: CommandDeps): Promise<Reply> {
  const topic = event.text.trim();
  const until = deps.now();
  const since = new Date(until.getTime() - ON_DEMAND_WINDOW_MS);
  const brief = await buildBrief(deps.store, {
    since,
    until,
    topics: topic ? [topic] : undefined,
    title: topic ? `News brief: ${topic}` : 'News brief',
  });
  if (brief) return { message: brief };
  return {
    message: message([
      { type: 'paragraph', text: topic ? `No stories about “${topic}” in the last 24 hours.` : 'No stories in the last 24 hours.' },
      { type: 'context', text: topic ? 'Try a broader topic, or /brief for everything.' : 'Add sources with /briefbot sources add <feed url>.' },
    ]),
    ephemeral: true,
  };
}
