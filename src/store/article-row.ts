import type { Article, ArticleWithSummary } from './store.js';

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
  return { ...toArticle(r), summary: JSON.parse(r.summary_json) };
}
