import type { StoryFeatures } from '../briefing/story-features.js';
import type { Summary } from '../summarize/summary.js';
import type { SubscriptionStore, DeliveryLedger, SourceStore, RunCoordinatorStore } from './schedule-types.js';

/** Where an article's date came from: the page or feed said so, or we fell back. */
export type DateSource = 'page' | 'feed' | 'file-mtime' | 'ingest-time';

export interface ArticleInput {
  title: string;
  /** Site or publication name ("BBC News", "example.com"). */
  source: string;
  url?: string;
  /** ISO 8601. */
  publishedAt: string;
  publishedAtSource: DateSource;
  language?: string;
  /** Cleaned body, one paragraph per line. */
  body: string;
}

export interface Article extends ArticleInput {
  id: number;
  ingestedAt: string;
}

/** Per-sentence analysis computed once at ingest, so answers and briefs don't redo it. */
export interface AnalysedSentence {
  text: string;
  /** Bitmask of AnswerKind flags (src/nlp/kinds.ts) the sentence can answer. */
  kinds: number;
}

export interface ArticleAnalysis {
  sentences: AnalysedSentence[];
  summary: Summary;
}

export type AddResult = { status: 'added'; id: number } | { status: 'duplicate'; id: number; reason: 'url' | 'body' };

export interface ArticleWithSummary extends Article {
  summary: Summary;
  /** What briefs group and rank it by, as stored at ingest; absent on rows stored before the `story` column (the brief computes them). */
  storyFeatures?: StoryFeatures;
}

/**
 * An article as a brief groups and ranks it: what the story column holds, without the body
 * or the summary's text (read afterwards for the few stories a brief keeps, withSummaries).
 */
export interface StoryCandidate {
  id: number;
  title: string;
  source: string;
  url?: string;
  publishedAt: string;
  /** As stored at ingest; computed from the summary for rows stored before the story column. */
  storyFeatures: StoryFeatures;
}

export interface SentenceRow {
  articleId: number;
  index: number;
  text: string;
  kinds: number;
}

export interface ArticleBatchItem {
  input: ArticleInput;
  analysis: ArticleAnalysis;
  /** When it was first ingested (copying from another store); now by default. */
  ingestedAt?: string;
}

export interface ArticleStore {
  /** Adds one article and its sentences atomically, or reports the duplicate it matched. */
  add(input: ArticleInput, analysis: ArticleAnalysis): Promise<AddResult>;
  /**
   * Adds articles in one transaction (bulk ingest pays for one commit per batch, not per
   * article). Each article stays all or nothing; results come back in input order, a
   * duplicate of an article earlier in the same batch reported like any other duplicate.
   */
  addMany(items: ArticleBatchItem[]): Promise<AddResult[]>;
  get(id: number): Promise<Article | undefined>;
  count(): Promise<number>;
  /** Articles published in [since, until), newest first, with their stored summaries. */
  inWindow(since: Date, until: Date, limit?: number): Promise<ArticleWithSummary[]>;
  /**
   * Articles of the window about any of the topics, newest first. A topic is a list of
   * words as typed; an article is about it when its headline or text holds every word,
   * matched on the stems the sentence index stored at ingest (so "elections" finds
   * "election"). Filtering happens in the store: nothing outside the matches is read.
   */
  inWindowAbout(since: Date, until: Date, topics: string[][], limit?: number): Promise<ArticleWithSummary[]>;
  /**
   * The window's articles as briefs group and rank them (newest first, then highest id), all
   * of them or, given topics, those inWindowAbout finds: the story column and a few short
   * fields per row, so a brief over thousands of articles reads no body and parses no summary.
   */
  storyCandidates(since: Date, until: Date, topics?: string[][], limit?: number): Promise<StoryCandidate[]>;
  /** Articles with their summaries by id, the ids that exist, newest first. */
  withSummaries(ids: number[]): Promise<ArticleWithSummary[]>;
  /** Sentences of an article in order. */
  sentences(articleId: number): Promise<SentenceRow[]>;
  /** Articles with their sentences in order, by id, for the ids that exist: one round trip for many on a networked store. */
  readArticles(ids: number[]): Promise<Map<number, { article: Article; sentences: SentenceRow[] }>>;
  /** Number of stored sentences containing each word (after the index's stemming): the document frequency used to weigh words. */
  termFrequencies(words: string[]): Promise<Map<string, number>>;
  totalSentences(): Promise<number>;
  /**
   * Candidate sentences holding any of the words, best BM25 first. Words are lowercased
   * words as typed (the index stems them), never query syntax: the store quotes them.
   */
  searchSentences(words: string[], limit: number): Promise<(SentenceRow & { rank: number })[]>;
  /** The naive baseline the benchmarks compare against: every word OR-ed, BM25 top-k over all sentences. */
  searchSentencesNaive(words: string[], limit: number): Promise<(SentenceRow & { rank: number })[]>;
  /** The most frequent topic words in the latest headlines (src/store/headline-words.ts), most frequent first: topic suggestions. */
  frequentHeadlineWords(limit: number): Promise<{ word: string; count: number }[]>;
}

/**
 * The story each conversation (a DM, a Slack thread, a Discord reply chain, a console
 * session) was last answered from, so a follow-up question ("what did they sign?") is
 * answered from it whichever process receives it.
 */
export interface ConversationStore {
  /** The article last answered in the conversation `key`, if that was at or after `since`. */
  lastArticle(key: string, since: Date): Promise<number | undefined>;
  /** Records that the conversation `key` was answered from `articleId` at `at`. */
  remember(key: string, articleId: number, at: Date): Promise<void>;
  /** Drops conversations last answered before `before`. */
  forget(before: Date): Promise<void>;
}

/**
 * Answers offered with a "Share to channel" button, kept until they expire, so the click is
 * handled by whichever process it reaches. The payload is opaque to the store.
 */
export interface ShareStore {
  /** Keeps `payload` under `key` until `expiresAt`; entries expired at `now` are dropped on the way (nothing else sweeps them). */
  put(key: string, payload: string, now: Date, expiresAt: Date): Promise<void>;
  /** The entry under `key`, unless it is unknown or has expired at `now`; `sharedAt` once someone has shared it. */
  get(key: string, now: Date): Promise<{ payload: string; sharedAt?: string } | undefined>;
  /** Marks the entry shared at `now`: true for exactly one caller across all connections; false when already shared, expired or unknown. */
  markShared(key: string, now: Date): Promise<boolean>;
  /** Undoes markShared (the post failed), so it can be shared again. */
  unmarkShared(key: string): Promise<void>;
}

export interface Store {
  readonly articles: ArticleStore;
  readonly conversations: ConversationStore;
  readonly shares: ShareStore;
  readonly subscriptions: SubscriptionStore;
  readonly deliveries: DeliveryLedger;
  readonly sources: SourceStore;
  readonly coordination: RunCoordinatorStore;
  /** True when the store answers a trivial query (health checks); never throws. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
