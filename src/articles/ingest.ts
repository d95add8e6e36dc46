import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BriefbotError, errorMessage } from '../errors.js';
import type { AddResult, ArticleBatchItem, ArticleInput, Store } from '../store/store.js';
import { analyseArticle } from './analyse.js';
import { cleanLines, isCreditLine } from './clean.js';
import { charsetFromContentType, decodeText } from './decode.js';
import { DEFAULT_MAX_BYTES, safeFetch, type Fetcher } from './fetch.js';
import { isTeaser, LinkedArticleFetcher, linkFailure } from './linked.js';
import type { ParsedArticle } from './parsed.js';
import { parseTextArticle } from './text.js';
import { guessLanguage } from '../nlp/language.js';

export interface IngestOptions {
  /** Largest file or page read, in bytes (default 5 MB). */
  maxBytes?: number;
  /** Let URLs reach private and loopback addresses (local testing only). */
  allowPrivate?: boolean;
  fetch?: Fetcher;
  now?: () => Date;
  /**
   * Feed items that carry only a headline or a teaser: fetch the linked story (true, the
   * default), leave them as read with `teaser` set for the caller to complete ('defer';
   * the feed poller does, for new items only), or never fetch (false: a headline alone
   * is refused as before, a teaser kept as it is).
   */
  fetchLinks?: boolean | 'defer';
}

/** One article read from an input, or why it could not be read. */
export type ReadResult = { input: string; article: ArticleInput; teaser?: true } | { input: string; error: BriefbotError };

export type IngestResult =
  | { input: string; status: 'added'; id: number; title: string }
  | { input: string; status: 'duplicate'; id: number; title: string; reason: 'url' | 'body' }
  | { input: string; status: 'error'; code: string; error: string };

export interface IngestReport {
  results: IngestResult[];
  added: number;
  duplicates: number;
  errors: number;
}

const isUrl = (s: string) => /^https?:\/\//i.test(s);

// HTML extraction and feed parsing pull in large libraries; load them on first use so start-up stays fast.
let parsers: Promise<{ extractHtml: typeof import('./html.js').extractHtml; parseFeed: typeof import('./feed.js').parseFeed }> | undefined;
const loadParsers = () =>
  (parsers ??= Promise.all([import('./html.js'), import('./feed.js')]).then(([h, f]) => ({ extractHtml: h.extractHtml, parseFeed: f.parseFeed })));

/** A feed by its opening tag or JSON Feed version (kept here so recognising one loads no XML parser). */
export function looksLikeFeed(text: string): boolean {
  const head = text.slice(0, 2000).replace(/^\uFEFF/, '').trimStart();
  return (
    /^(?:<\?xml[^>]*>\s*)?(?:<!--[\s\S]*?-->\s*|<\?xml-stylesheet[^>]*>\s*)*<(?:rss|feed|rdf:RDF)\b/i.test(head) ||
    (head.startsWith('{') && /"version"\s*:\s*"https?:\/\/jsonfeed\.org\/version\//.test(head))
  );
}

/** Reads every article from files, folders (recursively) and URLs, without storing them. */
export async function* readInputs(inputs: string[], options: IngestOptions = {}): AsyncGenerator<ReadResult> {
  const mode = options.fetchLinks ?? true;
  const linked = mode === true ? linkedFetcher(options) : undefined;
  for (const input of inputs) {
    try {
      const source = isUrl(input) ? readUrl(input, options) : readPath(input, options);
      if (mode === 'defer') yield* source;
      else if (linked) yield* withLinkedArticles(source, linked, options);
      else for await (const r of source) yield 'teaser' in r && !r.article.body ? { input: r.input, error: linkFailure(r.article.title, 'not fetched') } : r;
    } catch (err) {
      yield { input, error: asBriefbotError(err) };
    }
  }
}

// One fetcher per process for the real network, so the per-host limit holds across concurrent reads and polls.
const sharedLinked = new Map<boolean, LinkedArticleFetcher>();
export function linkedFetcher(options: Pick<IngestOptions, 'fetch' | 'allowPrivate' | 'maxBytes'>): LinkedArticleFetcher {
  const allowPrivate = options.allowPrivate ?? false;
  if (options.fetch && options.fetch !== safeFetch) return new LinkedArticleFetcher(options.fetch, { allowPrivate, maxBytes: options.maxBytes });
  let f = sharedLinked.get(allowPrivate);
  if (!f) sharedLinked.set(allowPrivate, (f = new LinkedArticleFetcher(safeFetch, { allowPrivate })));
  return f;
}

/** A document's items in order, teasers completed from their links (fetched concurrently, within each host's limit). */
async function* withLinkedArticles(source: AsyncGenerator<ReadResult>, linked: LinkedArticleFetcher, options: IngestOptions): AsyncGenerator<ReadResult> {
  // A bounded window of items in flight: links are fetched concurrently, results come out in order, memory stays flat.
  const window: Promise<ReadResult>[] = [];
  for await (const r of source) {
    window.push('teaser' in r ? completeTeaser(r, linked, options) : Promise.resolve(r));
    if (window.length >= 64) yield await window.shift()!;
  }
  while (window.length) yield await window.shift()!;
}

/**
 * The story behind a headline-only or teaser item: its linked page's main text, with
 * the feed's headline, source and date kept. When the page cannot be read or holds
 * less than the feed said, the feed's own text stands; a headline alone is refused.
 */
export async function completeTeaser(r: { input: string; article: ArticleInput }, linked: LinkedArticleFetcher, options: Pick<IngestOptions, 'now'> = {}): Promise<ReadResult> {
  const item = r.article;
  try {
    const page = await linked.get(item.url!);
    if (!/html/i.test(page.contentType ?? 'text/html')) throw new BriefbotError('not_html', `the link is ${page.contentType}, not a web page`);
    const fetched = await articleFromHtml(decodeText(page.bytes, charsetFromContentType(page.contentType)), page.url, (options.now ?? (() => new Date()))());
    if (fetched.body.length <= item.body.length) throw new BriefbotError('no_more_text', 'the page says no more than the feed');
    return {
      input: r.input,
      article: { ...item, body: fetched.body, language: item.language ?? fetched.language },
    };
  } catch (err) {
    return item.body ? { input: r.input, article: item } : { input: r.input, error: linkFailure(item.title, err) };
  }
}

/** Stores one already-read article (analysis included), or reports the duplicate it matches. */
export async function storeArticle(store: Store, article: ArticleInput, input = article.url ?? article.title): Promise<IngestResult> {
  return asIngestResult(await store.articles.add(article, analyseArticle(article)), article, input);
}

function asIngestResult(result: AddResult, article: ArticleInput, input: string): IngestResult {
  return result.status === 'added'
    ? { input, status: 'added', id: result.id, title: article.title }
    : { input, status: 'duplicate', id: result.id, title: article.title, reason: result.reason };
}

/** Articles committed together; a crash loses at most one batch, never part of an article. */
const BATCH = 200;

export async function ingestInputs(store: Store, inputs: string[], options: IngestOptions = {}): Promise<IngestReport> {
  const results: IngestResult[] = [];
  let pending: ReadResult[] = [];
  const flush = async () => {
    const batch = pending;
    pending = [];
    // Analysis errors belong to their item; the rest go to the store together.
    const slots: (IngestResult | { input: string; item: ArticleBatchItem })[] = batch.map((r) => {
      if ('error' in r) return { input: r.input, status: 'error', code: r.error.code, error: r.error.message };
      try {
        return { input: r.input, item: { input: r.article, analysis: analyseArticle(r.article) } };
      } catch (err) {
        return failed(r.input, err);
      }
    });
    const toAdd = slots.filter((s): s is { input: string; item: ArticleBatchItem } => 'item' in s);
    let added: (AddResult | IngestResult)[];
    try {
      added = await store.articles.addMany(toAdd.map((s) => s.item));
    } catch {
      // The batch rolled back as a whole: add one by one, so the error lands on the article that caused it.
      added = [];
      for (const s of toAdd) added.push(await store.articles.add(s.item.input, s.item.analysis).catch((err: unknown) => failed(s.input, err)));
    }
    let next = 0;
    for (const s of slots) {
      if (!('item' in s)) {
        results.push(s);
        continue;
      }
      const r = added[next++];
      results.push('input' in r ? r : asIngestResult(r, s.item.input, s.input));
    }
  };
  for await (const r of readInputs(inputs, options)) {
    pending.push(r);
    if (pending.length >= BATCH) await flush();
  }
  await flush();
  return summarise(results);
}

function failed(input: string, err: unknown): IngestResult {
  const e = asBriefbotError(err);
  return { input, status: 'error', code: e.code, error: e.message };
}

export function summarise(results: IngestResult[]): IngestReport {
  return {
    results,
    added: results.filter((r) => r.status === 'added').length,
    duplicates: results.filter((r) => r.status === 'duplicate').length,
    errors: results.filter((r) => r.status === 'error').length,
  };
}

async function* readPath(path: string, options: IngestOptions): AsyncGenerator<ReadResult> {
  let info;
  try {
    info = await stat(path);
  } catch {
    throw new BriefbotError('not_found', 'no such file or folder');
  }
  if (info.isDirectory()) {
    const entries = (await readdir(path, { withFileTypes: true })).filter((e) => !e.name.startsWith('.')).sort((a, b) => a.name.localeCompare(b.name));
    for (const e of entries) {
      const child = join(path, e.name);
      try {
        yield* readPath(child, options);
      } catch (err) {
        yield { input: child, error: asBriefbotError(err) };
      }
    }
    return;
  }
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  if (info.size > maxBytes) throw new BriefbotError('too_large', `${formatMb(info.size)} is over the ${formatMb(maxBytes)} limit`);
  const text = decodeText(await readFile(path));
  const fallback = {
    source: basename(path),
    url: pathToFileURL(resolve(path)).href,
    date: { publishedAt: info.mtime.toISOString(), publishedAtSource: 'file-mtime' as const },
  };
  yield* await parseDocument(path, text, extname(path).toLowerCase(), fallback);
}

async function* readUrl(url: string, options: IngestOptions): AsyncGenerator<ReadResult> {
  const fetcher = options.fetch ?? safeFetch;
  const page = await fetcher(url, { allowPrivate: options.allowPrivate, maxBytes: options.maxBytes ?? DEFAULT_MAX_BYTES });
  const text = decodeText(page.bytes, charsetFromContentType(page.contentType));
  const now = (options.now ?? (() => new Date()))();
  const kind = /json/.test(page.contentType ?? '') ? '.json' : /xml|rss|atom/.test(page.contentType ?? '') ? '.xml' : /html/.test(page.contentType ?? '') ? '.html' : '';
  yield* await parseDocument(url, text, kind, {
    source: siteOf(page.url),
    url: page.url,
    date: { publishedAt: now.toISOString(), publishedAtSource: 'ingest-time' as const },
  });
}

/** A page's site as a source name when the page names none: its host without "www.". */
function siteOf(url: string): string {
  return new URL(url).hostname.replace(/^www\./, '');
}

interface Fallback {
  source: string;
  url: string;
  date: Pick<ArticleInput, 'publishedAt' | 'publishedAtSource'>;
}

async function parseDocument(input: string, text: string, ext: string, fallback: Fallback): Promise<ReadResult[]> {
  if (!text.trim()) throw new BriefbotError('empty', 'the input holds no text');
  const isFeed = ext === '.xml' || ext === '.rss' || ext === '.atom' || looksLikeFeed(text);
  const isHtml = !isFeed && (ext === '.html' || ext === '.htm' || /^\s*(?:<!doctype html|<html[\s>])/i.test(text));
  if (!isFeed && !isHtml) return [{ input, article: finish(parseTextArticle(text), fallback) }];
  const { parseFeed, extractHtml } = await loadParsers();
  if (isHtml) return [{ input, article: finish(fromHtml(extractHtml, text, fallback.url), fallback) }];
  const feed = parseFeed(text);
  if (feed.items.length === 0) throw new BriefbotError('empty_feed', 'the feed has no items');
  return feed.items.map((item, i): ReadResult => {
    const label = item.url ?? `${input}#${i + 1}`;
    try {
      // Feed items without a date fall back to the fetch or file time, never to another item's.
      const linked = !!item.url && /^https?:\/\//i.test(item.url);
      const article = finish(item, { ...fallback, url: '' }, linked);
      return linked && isTeaser(article.body) ? { input: label, article, teaser: true } : { input: label, article };
    } catch (err) {
      return { input: label, error: asBriefbotError(err) };
    }
  });
}

/**
 * An HTML page as `briefbot extract` and ingest see it: main text extracted, page
 * noise cleaned, metadata filled in. Used directly by the extraction evaluation.
 */
export async function articleFromHtml(html: string, url: string, now = new Date()): Promise<ArticleInput> {
  const { extractHtml } = await loadParsers();
  return finish(fromHtml(extractHtml, html, url), {
    source: /^https?:/.test(url) ? siteOf(url) : basename(url),
    url,
    date: { publishedAt: now.toISOString(), publishedAtSource: 'ingest-time' },
  });
}

function fromHtml(extractHtml: typeof import('./html.js').extractHtml, html: string, url: string): ParsedArticle {
  const page = extractHtml(html, url);
  const lines = page.body.split('\n');
  const title = page.title ?? lines.shift() ?? '';
  const date = page.publishedAt ? new Date(page.publishedAt) : undefined;
  const valid = date && !Number.isNaN(date.getTime());
  return {
    title,
    body: lines.join('\n'),
    source: page.siteName,
    publishedAt: valid ? date.toISOString() : undefined,
    publishedAtSource: valid ? 'page' : undefined,
    language: page.lang,
  };
}

/** Cleans page noise and fills what the input did not say (source, URL, date, language). */
function finish(parsed: ParsedArticle, fallback: Fallback, bodyMayFollow = false): ArticleInput {
  const body = cleanLines(parsed.body.split('\n')).join('\n');
  const title = parsed.title.replace(/\s+/g, ' ').trim();
  if (!body && !title) throw new BriefbotError('empty', 'no article text left after removing page noise');
  // A feed item's headline with a link: the story is fetched from the link (completeTeaser).
  if (!body && bodyMayFollow) {
    // Page-noise cleaning drops lines cut off with "…" as teasers of other stories; in a feed item that
    // line is the item's own teaser, kept as the text to fall back on (a byline alone is not).
    const own = parsed.body.replace(/\s+/g, ' ').trim();
    const teaser = own && !isCreditLine(own) ? own : '';
    return {
      title,
      source: parsed.source || fallback.source,
      url: parsed.url,
      publishedAt: parsed.publishedAt ?? fallback.date.publishedAt,
      publishedAtSource: parsed.publishedAtSource ?? fallback.date.publishedAtSource,
      language: parsed.language?.toLowerCase().split(/[-_]/)[0] || (teaser ? guessLanguage(teaser) : undefined),
      body: teaser,
    };
  }
  if (!body) throw new BriefbotError('no_body', `"${title}" has a headline but no story text`);
  return {
    title: title || body.split('\n')[0],
    source: parsed.source || fallback.source,
    url: parsed.url || fallback.url || undefined,
    publishedAt: parsed.publishedAt ?? fallback.date.publishedAt,
    publishedAtSource: parsed.publishedAtSource ?? fallback.date.publishedAtSource,
    language: parsed.language?.toLowerCase().split(/[-_]/)[0] ?? guessLanguage(body),
    body,
  };
}

function asBriefbotError(err: unknown): BriefbotError {
  if (err instanceof BriefbotError) return err;
  const code = (err as { code?: string }).code;
  if (code === 'EACCES') return new BriefbotError('unreadable', 'permission denied');
  if (code === 'EISDIR' || code === 'ENOENT') return new BriefbotError('not_found', 'no such file');
  return new BriefbotError('failed', errorMessage(err));
}

function formatMb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
