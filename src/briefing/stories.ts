import { STOPWORDS, stem, terms } from '../nlp/tokens.js';
import { allMatches } from '../nlp/matches.js';

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

const HAS_LETTER = /\p{L}/u;
const CAPITALISED = /^\p{Lu}/u;

function addName(names: Set<string>, w: string): void {
  const lower = w.replace(/['’]s$/u, '').replace(/[.'’-]+$/u, '').toLowerCase();
  if (lower.length > 1 && !STOPWORDS.has(lower) && !CALENDAR.has(lower)) names.add(stem(lower));
}

// Runs for every article at ingest: no closures made per call (each fresh one was optimised anew).
export function storySignature(title: string, bodySentences: string[], params: Pick<StoryParams, 'leadSentences'> = STORY_PARAMS): StorySignature {
  const lead = bodySentences.slice(0, params.leadSentences);
  const names = new Set<string>();
  for (const s of lead) for (const m of allMatches(NAME, s)) addName(names, m[0]);
  // A Title Case headline capitalises every word; only its acronyms are surely names.
  let titleWords = 0;
  let capitalised = 0;
  for (const w of title.split(/\s+/)) {
    if (!HAS_LETTER.test(w)) continue;
    titleWords++;
    if (CAPITALISED.test(w)) capitalised++;
  }
  const titleCase = capitalised > titleWords * 0.6;
  if (titleCase) for (const m of allMatches(ACRONYM, title)) addName(names, m[0]);
  else for (const m of allMatches(NAME, title)) addName(names, m[0]);
  // The terms of the headline and lead read as one text are each line's terms in turn (no word spans a
  // line break), and each line's tokens are already at hand from the summary's features.
  const all = terms(title);
  for (const s of lead) for (const t of terms(s)) all.push(t);
  return { terms: all, names: [...names] };
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
  // Terms as integer ids (in order of first use) and each article as a sorted sparse vector, all
  // articles' vectors in flat typed arrays (article i's entries at vecStart[i]..vecStart[i+1]):
  // a pair's cosine is one merge of two short runs, and a window makes a handful of allocations.
  const ids = new Map<string, number>();
  let df: Int32Array = new Int32Array(1024);
  let tfOf: Int32Array = new Int32Array(1024);
  const vecStart = new Int32Array(n + 1);
  let total = 0;
  for (const it of items) total += it.signature.terms.length;
  const vecTerm = new Int32Array(total);
  const vecTf = new Int32Array(total);
  for (let i = 0, e = 0; i < n; i++) {
    const from = e;
    for (const t of items[i].signature.terms) {
      let id = ids.get(t);
      if (id === undefined) {
        ids.set(t, (id = ids.size));
        if (id >= df.length) {
          df = grow(df);
          tfOf = grow(tfOf);
        }
      }
      if (tfOf[id]++ === 0) vecTerm[e++] = id;
    }
    const distinct = vecTerm.subarray(from, e).sort();
    for (let k = 0; k < distinct.length; k++) {
      const id = distinct[k];
      vecTf[from + k] = tfOf[id];
      tfOf[id] = 0;
      df[id]++;
    }
    vecStart[i + 1] = e;
  }
  const terms = ids.size;
  const idf = new Float64Array(terms);
  for (let id = 0; id < terms; id++) idf[id] = Math.log((1 + n) / (1 + df[id])) + 1;
  const vecWeight = new Float64Array(vecStart[n]);
  for (let i = 0; i < n; i++) {
    let norm = 0;
    for (let k = vecStart[i]; k < vecStart[i + 1]; k++) {
      // Sublinear counts: a word a lead repeats is not worth twice one it says once.
      const w = (1 + Math.log(vecTf[k])) * idf[vecTerm[k]];
      vecWeight[k] = w;
      norm += w * w;
    }
    norm = Math.sqrt(norm) || 1;
    for (let k = vecStart[i]; k < vecStart[i + 1]; k++) vecWeight[k] /= norm;
  }
  const names: (Set<string> | undefined)[] = new Array(n);
  const namesOf = (i: number) => (names[i] ??= new Set(items[i].signature.names));
  const days = items.map((it) => (it.publishedAt ? Date.parse(it.publishedAt) / 86_400_000 : Number.NaN));

  // Candidate pairs share terms that at most 5% of the window uses; their weight products are summed
  // per pair, and only pairs whose rare words alone reach a quarter of the threshold are compared in full
  // (half lost same-story pairs in cross-validation; every pair would make a 2,000-article window slow).
  const common = Math.max(8, n * 0.05);
  // Posting lists of the rarer terms as flat typed arrays (article, weight), in article order.
  const starts = new Int32Array(terms + 1);
  for (let id = 0; id < terms; id++) starts[id + 1] = starts[id] + (df[id] <= common ? df[id] : 0);
  const postArticle = new Int32Array(starts[terms]);
  const postWeight = new Float64Array(starts[terms]);
  const fill = starts.slice(0, terms);
  // Where each article's own entry sits in each of its terms' lists: the pairs it forms are with the entries after it.
  const own = new Int32Array(vecStart[n]).fill(-1);
  for (let i = 0; i < n; i++) {
    for (let k = vecStart[i]; k < vecStart[i + 1]; k++) {
      const id = vecTerm[k];
      if (df[id] > common) continue;
      own[k] = fill[id];
      postArticle[fill[id]] = i;
      postWeight[fill[id]++] = vecWeight[k];
    }
  }
  const links = Array.from({ length: n }, () => new Map<number, number>());
  const edges: { a: number; b: number; sim: number }[] = [];
  const vectors: Vectors = { start: vecStart, term: vecTerm, weight: vecWeight };
  const postings: Postings = { start: starts, own, article: postArticle, weight: postWeight };
  const touched = new Int32Array(n);
  const acc = new Float64Array(n);
  for (let a = 0; a < n; a++) {
    const count = candidates(a, vectors, postings, params.threshold / 4, acc, touched);
    for (let t = 0; t < count; t++) {
      const b = touched[t];
      const sim = similarity(a, b);
      links[a].set(b, sim);
      links[b].set(a, sim);
      if (sim >= params.threshold) edges.push({ a, b, sim });
    }
  }

  function similarity(a: number, b: number): number {
    if (Math.abs(days[a] - days[b]) > params.maxDays) return 0;
    const cos = cosine(vectors, a, b);
    const na = namesOf(a);
    const nb = namesOf(b);
    if (na.size === 0 || nb.size === 0) return cos;
    for (const x of na) if (nb.has(x)) return cos;
    return cos * params.strangers;
  }

  // Average link, strongest pairs first: two groups merge when their members are similar on average
  // (pairs never compared count as 0). Sums between groups are merged with the groups, so a check costs
  // one lookup however large the groups grow.
  const group = Array.from({ length: n }, (_, i) => i);
  const members = Array.from({ length: n }, (_, i) => [i]);
  edges.sort((x, y) => y.sim - x.sim || x.a - y.a || x.b - y.b);
  for (const { a, b } of edges) {
    const ga = group[a];
    const gb = group[b];
    if (ga === gb) continue;
    const total = links[ga].get(gb) ?? 0;
    if (total / (members[ga].length * members[gb].length) < params.threshold) continue;
    const [keep, drop] = members[ga].length >= members[gb].length ? [ga, gb] : [gb, ga];
    for (const [h, v] of links[drop]) {
      links[h].delete(drop);
      if (h === keep) continue;
      const sum = (links[keep].get(h) ?? 0) + v;
      links[keep].set(h, sum);
      links[h].set(keep, sum);
    }
    links[keep].delete(drop);
    links[drop].clear();
    for (const i of members[drop]) group[i] = keep;
    members[keep].push(...members[drop]);
    members[drop] = [];
  }
  return group;
}

function grow(a: Int32Array): Int32Array {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}

/** Every article's sparse vector: article i's term ids (ascending) and weights at start[i]..start[i+1]. */
interface Vectors {
  start: Int32Array;
  term: Int32Array;
  weight: Float64Array;
}

/** Posting lists of the rarer terms (article, weight) at start[t]..start[t+1]; own[k]: where vector entry k sits in its list, or -1. */
interface Postings {
  start: Int32Array;
  own: Int32Array;
  article: Int32Array;
  weight: Float64Array;
}

/**
 * The articles after `a` whose shared rare terms sum to at least `min` in weight products,
 * written to `out` (in the order first met); returns how many. `acc` is all zeros before and after.
 */
function candidates(a: number, v: Vectors, p: Postings, min: number, acc: Float64Array, out: Int32Array): number {
  let touched = 0;
  for (let k = v.start[a], end = v.start[a + 1]; k < end; k++) {
    const from = p.own[k];
    if (from < 0) continue;
    const w = v.weight[k];
    for (let q = from + 1, last = p.start[v.term[k] + 1]; q < last; q++) {
      const b = p.article[q];
      if (acc[b] === 0) out[touched++] = b;
      acc[b] += w * p.weight[q];
    }
  }
  let kept = 0;
  for (let t = 0; t < touched; t++) {
    const b = out[t];
    if (acc[b] >= min) out[kept++] = b;
    acc[b] = 0;
  }
  return kept;
}

function cosine(v: Vectors, a: number, b: number): number {
  let cos = 0;
  for (let i = v.start[a], j = v.start[b], ea = v.start[a + 1], eb = v.start[b + 1]; i < ea && j < eb; ) {
    if (v.term[i] === v.term[j]) cos += v.weight[i++] * v.weight[j++];
    else if (v.term[i] < v.term[j]) i++;
    else j++;
  }
  return cos;
}
