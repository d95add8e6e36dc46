import { stem } from '../nlp/tokens.js';
import type { CommandDeps } from './deps.js';

/** How many headline words are considered; suggestions are then filtered by what was typed. */
const HEADLINE_CANDIDATES = 200;

/**
 * Topics to offer while someone types one: the briefs' own topics first (they are what
 * the briefs are about), then the store's frequent headline words; what starts with the
 * typed text before what merely contains it.
 */
export async function suggestTopics(deps: CommandDeps, typed: string, limit: number): Promise<string[]> {
  const q = typed.trim().toLowerCase();
  const briefTopics = deps.briefs().flatMap((b) => b.topics);
  const headline = (await deps.store.articles.frequentHeadlineWords(HEADLINE_CANDIDATES)).map((w) => w.word);
  const seen = new Set<string>();
  const all = [...briefTopics, ...headline].filter((t) => {
    // One entry per word, whatever its form: "profits" (a brief's topic) hides "profit" (a headline's).
    const key = t.trim().toLowerCase().split(/\s+/).map(stem).join(' ');
    if (!key || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const starts = all.filter((t) => t.toLowerCase().startsWith(q));
  const contains = all.filter((t) => !t.toLowerCase().startsWith(q) && t.toLowerCase().includes(q));
  return [...starts, ...contains].slice(0, Math.max(0, limit));
}
