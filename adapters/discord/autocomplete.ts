import type { Core, Logger } from '../../src/index.js';
import { truncate } from '../../src/index.js';
import { briefChoices } from './commands.js';

/** Discord drops an autocomplete answered after 3 s; what is not ready by then is left out. */
export const AUTOCOMPLETE_BUDGET_MS = 2000;
/** Discord shows at most 25 choices, names and values of 1 to 100 characters. */
const MAX_CHOICES = 25;

export type Choice = { name: string; value: string };

/**
 * Choices for the focused option: brief names for `brief` (/briefbot subscribe and
 * unsubscribe), the core's topic suggestions for `topic` (/brief). Suggestions that
 * miss the budget give way to an empty list, so Discord always gets its answer (type 8).
 */
export async function autocompleteChoices(core: Core, focused: { name: string; value: unknown }, opts: { budgetMs?: number; log: Logger }): Promise<Choice[]> {
  const typed = String(focused.value ?? '');
  if (focused.name === 'brief') return briefChoices(core.briefNames(), typed);
  if (focused.name !== 'topic' || !core.suggestTopics) return [];
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), opts.budgetMs ?? AUTOCOMPLETE_BUDGET_MS);
  });
  try {
    const topics = await Promise.race([core.suggestTopics(typed, MAX_CHOICES), late]);
    if (topics === 'late') {
      opts.log.warn({ typed }, 'topic suggestions too slow for autocomplete; answered with none');
      return [];
    }
    return topics
      .map((t) => t.trim())
      .filter((t) => t.length > 0)
      .slice(0, MAX_CHOICES)
      .map((t) => ({ name: truncate(t, 100), value: t.slice(0, 100) }));
  } catch (err) {
    opts.log.error({ err, typed }, 'topic suggestions failed');
    return [];
  } finally {
    clearTimeout(timer);
  }
}
