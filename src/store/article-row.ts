import { decodeStoryFeatures, encodeStoryFeatures, storyFeatures, summaryWithoutStory } from '../briefing/story-features.js';
import type { Summary } from '../summarize/summary.js';
import type { Article, ArticleWithSummary, StoryCandidate } from './store.js';

/** An `articles` row as both stores return it (PostgreSQL hands a bigint id back as a string). */
export interface ArticleRow {
  id: number | string;
  title: string;
  source: string;
  url: string | null;
  published_at: string;
  published_at_source: Article['publishedAtSource'];
  language: string | null;
  body: string;
  ingested_at: string;
  summary_json: string;
  /** src/briefing/story-features.ts's encoding; null on rows stored before the column existed. */
  story: string | null;
}

export function toArticle(r: ArticleRow): Article {
  return {
    id: Number(r.id),
    title: r.title,
    source: r.source,
    url: r.url ?? undefined,
    publishedAt: r.published_at,
    publishedAtSource: r.published_at_source,
    language: r.language ?? undefined,
    body: r.body,
    ingestedAt: r.ingested_at,
  };
}

export function toArticleWithSummary(r: ArticleRow): ArticleWithSummary {
  const article: ArticleWithSummary = { ...toArticle(r), summary: JSON.parse(r.summary_json) };
  if (r.story !== null && r.story !== undefined) article.storyFeatures = decodeStoryFeatures(r.story);
  return article;
}

/** The columns storyCandidates reads: summary_json only where the story column is still NULL. */
export const CANDIDATE_COLUMNS = 'id, title, source, url, published_at, story, CASE WHEN story IS NULL THEN summary_json END AS summary_json';

export type CandidateRow = Pick<ArticleRow, 'id' | 'title' | 'source' | 'url' | 'published_at' | 'story'> & { summary_json: string | null };

export function toStoryCandidate(r: CandidateRow): StoryCandidate {
  return {
    id: Number(r.id),
    title: r.title,
    source: r.source,
    url: r.url ?? undefined,
    publishedAt: r.published_at,
    // Rows stored before the column: from the summary, as briefs always did.
    storyFeatures: r.story !== null ? decodeStoryFeatures(r.story) : storyFeatures(r.title, JSON.parse(r.summary_json!) as Summary),
  };
}

/**
 * The summary_json and story columns of a new row: the story features are computed here, once,
 * and the signature is kept only in `story` (as JSON it was most of what reading a window parsed).
 */
export function summaryColumns(title: string, summary: Summary): { summaryJson: string; story: string } {
  return { summaryJson: JSON.stringify(summaryWithoutStory(summary)), story: encodeStoryFeatures(storyFeatures(title, summary)) };
}
