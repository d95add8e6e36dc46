import { BriefbotError, errorMessage } from '../errors.js';
import { completeTeaser, linkedFetcher, readInputs, storeArticleOffThread, type ReadResult } from '../articles/ingest.js';
import type { FetchedPage, Fetcher } from '../articles/fetch.js';
import type { SourceRecord } from '../store/schedule-types.js';
import type { ArticleInput, Store } from '../store/store.js';

export interface PollResult {
  status: 'not-modified' | 'ok' | 'error';
  /** Articles stored by this poll. */
  added: number;
  /** Items recorded as seen without storing them (the back catalogue, on a source's first poll). */
  primed: number;
  error?: string;
  retryable?: boolean;
  /** Items that could not be stored (they are tried again next poll). */
  itemErrors?: string[];
}

export interface FeedPollDeps {
  store: Store;
  fetch: Fetcher;
  allowPrivate?: boolean;
  now: () => Date;
  timeoutMs?: number;
}

/** The key an item is remembered by: its link, or failing that its headline. */
export function itemKey(a: Pick<ArticleInput, 'url' | 'title'>): string {
  return a.url ? `url:${a.url}` : `title:${a.title}`;
}

/**
 * Polls one feed: a conditional GET (ETag / Last-Modified → 304), then each item not
 * seen before is cleaned, analysed and stored by the ingest pipeline. The first
 * successful poll only records the items already there: a new source's back
 * catalogue is never stored, so it can never flood a brief.
 */
export async function pollFeed(deps: FeedPollDeps, source: SourceRecord): Promise<PollResult> {
  const headers: Record<string, string> = { accept: 'application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, */*;q=0.5' };
  if (source.etag) headers['if-none-match'] = source.etag;
  if (source.lastModified) headers['if-modified-since'] = source.lastModified;
  let page: FetchedPage;
  try {
    page = await deps.fetch(source.url, { allowPrivate: deps.allowPrivate, headers, timeoutMs: deps.timeoutMs ?? 20_000 });
  } catch (err) {
    return failure(err);
  }
  if (page.status === 304) return { status: 'not-modified', added: 0, primed: 0 };

  const articles: { article: ArticleInput; teaser?: true }[] = [];
  let docError: BriefbotError | undefined;
  // readInputs parses what we already fetched: hand it a fetcher that returns this page.
  // Headline-only and teaser items come back as they are; only the new ones have their links fetched, below.
  for await (const r of readInputs([source.url], { fetch: async () => page, allowPrivate: deps.allowPrivate, now: deps.now, fetchLinks: 'defer' })) {
    if ('article' in r) articles.push(r);
    else if (r.input === source.url) docError = r.error;
  }
  if (!articles.length && docError) return failure(docError);

  let added = 0;
  let primed = 0;
  const itemErrors: string[] = [];
  const now = deps.now();
  const fresh: typeof articles = [];
  for (const r of articles) if ((await deps.store.sources.seen(source.url, itemKey(r.article))) === undefined) fresh.push(r);
  // New teaser items' stories, fetched concurrently within each host's limit (the feed's text when a page fails).
  const linked = source.primed ? linkedFetcher({ fetch: deps.fetch, allowPrivate: deps.allowPrivate }) : undefined;
  const completed: ReadResult[] = await Promise.all(
    fresh.map((r) => (linked && r.teaser ? completeTeaser({ input: itemKey(r.article), article: r.article }, linked, { now: deps.now }) : Promise.resolve({ input: itemKey(r.article), article: r.article }))),
  );
  for (const [i, r] of completed.entries()) {
    const article = fresh[i].article;
    const key = itemKey(article);
    if (!source.primed) {
      primed += 1;
    } else {
      try {
        if ('error' in r) throw r.error;
        const result = await storeArticleOffThread(deps.store, r.article);
        if (result.status === 'added') added += 1;
      } catch (err) {
        // Not marked as seen: the next poll tries this item again.
        itemErrors.push(`${key}: ${errorMessage(err)}`);
        continue;
      }
    }
    await deps.store.sources.markSeen(source.url, key, article.publishedAt, now);
  }
  const etag = page.etag ?? source.etag;
  const lastModified = page.lastModified ?? source.lastModified;
  await deps.store.sources.update(source.url, { etag, lastModified, primed: true });
  return { status: 'ok', added, primed, itemErrors: itemErrors.length ? itemErrors : undefined };
}

function failure(err: unknown): PollResult {
  const retryable = err instanceof BriefbotError ? err.retryable : true;
  const text = err instanceof BriefbotError ? `${err.code}: ${err.message}` : errorMessage(err);
  return { status: 'error', added: 0, primed: 0, error: text, retryable };
}
