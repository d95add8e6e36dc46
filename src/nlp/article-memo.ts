/**
 * Results of pure functions of one sentence (its word tokens, its figures), kept while one
 * article is analysed: the summary, the answer kinds and the story signature each read
 * every sentence and would otherwise tokenise it and look for its figures again. Kept only
 * inside `withinOneArticle`, and dropped when it returns: nothing carries over between
 * articles, and outside it every call computes afresh.
 */
const memos: Map<string, unknown>[] = [];
let depth = 0;

/** A memoised form of `compute`, keyed by its string argument, active inside withinOneArticle. */
export function articleMemo<T>(compute: (key: string) => T): (key: string) => T {
  const map = new Map<string, T>();
  memos.push(map as Map<string, unknown>);
  return (key) => {
    if (depth === 0) return compute(key);
    let value = map.get(key);
    if (value === undefined) {
      value = compute(key);
      map.set(key, value);
    }
    return value;
  };
}

/** Runs `fn` (the analysis of one article) with the memos active. */
export function withinOneArticle<T>(fn: () => T): T {
  depth++;
  try {
    return fn();
  } finally {
    if (--depth === 0) for (const m of memos) m.clear();
  }
}
