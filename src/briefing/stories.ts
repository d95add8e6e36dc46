import { STOPWORDS, stem, terms } from '../nlp/tokens.js';

/**
 * Same-story grouping: which articles of a window report the same event. Outlets
 * word one event differently ("upgraded their relationship to a strategic
 * partnership" / "raised ties to a strategic partnership"), and two events on one
 * topic share much of their vocabulary (the Fed and the ECB both "hold rates"):
 * - TF-IDF cosine over the headline and lead (sublinear counts, idf over the
 *   window): words many stories use weigh little;
 * - two leads that each name people, places or organisations (capitalised words
 *   inside a sentence) but none in common keep only part of their similarity:
 *   same-event reports name the same actors, same-topic stories name different ones.
 * Groups are built by average link, so one chance resemblance cannot chain two
 * stories together the way single link does.
 */

/** What an article contributes to grouping, computed once at ingest and stored with its summary. */
export interface StorySignature {
  /** Stemmed content words of the headline and the first lead sentences, repeated as often as they occur. */
  terms: string[];
  /** Lowercased names the headline and lead mention. */
  names: string[];
}

export interface StoryParams {
  /** Lead sentences read besides the headline. */
  leadSentences: number;
  /** A group joins another when their mean pair similarity reaches this. */
  threshold: number;
  /** Articles further apart than this many days are never one story. */
  maxDays: number;
  /** A pair that both name someone or somewhere, but nobody in common, keeps this share of its similarity. */
  strangers: number;
}

/** Chosen by grouped cross-validation on the AllSides dev stories (`npm run eval -- stories`, docs/quality.md). */
export const STORY_PARAMS: StoryParams = { leadSentences: 2, threshold: 0.25, strangers: 0.7, maxDays: 4 };

// A capitalised word that is not a sentence's first word; runs of them ("Kuala Lumpur") count word by word.
const NAME = /(?<=[\p{L}\p{N},;:)"”'’] )\p{Lu}[\p{L}\p{N}'’.-]*/gu;
const ACRONYM = /\b\p{Lu}{2,}\b/gu;
// Capitalised, but a date, not an actor: every story of a day names the same weekday.
const CALENDAR = new Set(
  'monday tuesday wednesday thursday friday saturday sunday january february march april may june july august september october november december jan feb mar apr jun jul aug sep sept oct nov dec'.split(' '),
);

export function storySignature(title: string, bodySentences: string[], params: Pick<StoryParams, 'leadSentences'> = STORY_PARAMS): StorySignature {
  const lead = bodySentences.slice(0, params.leadSentences);
  const names = new Set<string>();
  const addName = (w: string) => {
    const lower = w.replace(/['’]s$/u, '').replace(/[.'’-]+$/u, '').toLowerCase();
    if (lower.length > 1 && !STOPWORDS.has(lower) && !CALENDAR.has(lower)) names.add(stem(lower));
  };
  for (const s of lead) for (const m of s.matchAll(NAME)) addName(m[0]);
  // A Title Case headline capitalises every word; only its acronyms are surely names.
  const titleWords = title.split(/\s+/).filter((w) => /\p{L}/u.test(w));
  const titleCase = titleWords.filter((w) => /^\p{Lu}/u.test(w)).length > titleWords.length * 0.6;
  if (titleCase) for (const m of title.matchAll(ACRONYM)) addName(m[0]);
  else for (const m of title.matchAll(NAME)) addName(m[0]);
  return { terms: terms(`${title}\n${lead.join('\n')}`), names: [...names] };
}

export interface StoryItem {
  signature: StorySignature;
  /** ISO date or date-time, when known. */
  publishedAt?: string;
}

/**
 * Groups the items: returns one group number per item (items of one group report
 * the same event). Candidate pairs come from an inverted index over the window's
 * less common terms, so a window of thousands is not compared pair by pair.
 */
export function groupStories(items: StoryItem[], params: StoryParams = STORY_PARAMS): number[] {
  const n = items.length;
  const df = new Map<string, number>();
  const tfs = items.map((it) => {
    const tf = new Map<string, number>();
    for (const t of it.signature.terms) tf.set(t, (tf.get(t) ?? 0) + 1);
    for (const t of tf.keys()) df.set(t, (df.get(t) ?? 0) + 1);
    return tf;
  });
  const vectors = tfs.map((tf) => {
    const v = new Map<string, number>();
    let norm = 0;
    for (const [t, c] of tf) {
      // Sublinear counts: a word a lead repeats is not worth twice one it says once.
      const w = (1 + Math.log(c)) * (Math.log((1 + n) / (1 + df.get(t)!)) + 1);
      v.set(t, w);
      norm += w * w;
    }
    norm = Math.sqrt(norm) || 1;
    for (const [t, w] of v) v.set(t, w / norm);
    return v;
  });
  const names = items.map((it) => new Set(it.signature.names));
  const days = items.map((it) => (it.publishedAt ? Date.parse(it.publishedAt) / 86_400_000 : Number.NaN));

  // Pairs sharing a term that at most a few percent of the window uses.
  const common = Math.max(8, n * 0.05);
  const byTerm = new Map<string, number[]>();
  vectors.forEach((v, i) => {
    for (const t of v.keys()) {
      if (df.get(t)! > common) continue;
      const list = byTerm.get(t);
      if (list) list.push(i);
      else byTerm.set(t, [i]);
    }
  });
  const sims = new Map<number, number>();
  const edges: { a: number; b: number; sim: number }[] = [];
  for (const list of byTerm.values()) {
    for (let x = 0; x < list.length; x++) {
      for (let y = x + 1; y < list.length; y++) {
        const a = list[x];
        const b = list[y];
        const key = a * n + b;
        if (sims.has(key)) continue;
        const sim = similarity(a, b);
        sims.set(key, sim);
        if (sim >= params.threshold) edges.push({ a, b, sim });
      }
    }
  }

  function similarity(a: number, b: number): number {
    if (Math.abs(days[a] - days[b]) > params.maxDays) return 0;
    const [small, large] = vectors[a].size <= vectors[b].size ? [vectors[a], vectors[b]] : [vectors[b], vectors[a]];
    let cos = 0;
    for (const [t, w] of small) {
      const o = large.get(t);
      if (o !== undefined) cos += w * o;
    }
    const na = names[a];
    const nb = names[b];
    if (na.size === 0 || nb.size === 0) return cos;
    for (const x of na) if (nb.has(x)) return cos;
    return cos * params.strangers;
  }
  const pairSim = (a: number, b: number) => sims.get(a < b ? a * n + b : b * n + a) ?? 0;

  // Average link, strongest pairs first: two groups merge when their members are similar on average.
  const group = Array.from({ length: n }, (_, i) => i);
  const members = Array.from({ length: n }, (_, i) => [i]);
  edges.sort((x, y) => y.sim - x.sim || x.a - y.a || x.b - y.b);
  for (const { a, b } of edges) {
    const ga = group[a];
    const gb = group[b];
    if (ga === gb) continue;
    let total = 0;
    for (const i of members[ga]) for (const j of members[gb]) total += pairSim(i, j);
    if (total / (members[ga].length * members[gb].length) < params.threshold) continue;
    const [keep, drop] = members[ga].length >= members[gb].length ? [ga, gb] : [gb, ga];
    for (const i of members[drop]) group[i] = keep;
    members[keep].push(...members[drop]);
    members[drop] = [];
  }
  return group;
}
