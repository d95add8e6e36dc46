import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BriefbotError, errorMessage } from '../errors.js';
import type { AddResult, ArticleAnalysis, ArticleBatchItem, ArticleInput, Store } from '../store/store.js';
import { mapOrdered } from '../workers/map-ordered.js';
import { sharedWorkers, tooSlow, type Workers } from '../workers/workers.js';
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
  /** Milliseconds one input may take to decode and extract, and one batch to analyse (BRIEFBOT_EXTRACT_TIMEOUT, default 5 s). */
  extractTimeoutMs?: number;
  /** Threads that extract and analyse (default: the process's shared pool). */
  workers?: Workers;
  /** Counts so far, after each batch is stored (progress for long runs). */
  onProgress?: (progress: IngestProgress) => void;
}

export interface IngestProgress {
  added: number;
  duplicates: number;
  errors: number;
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

/** The bytes of one file or page and what is known about it before it is decoded: what a worker thread extracts. */
export interface RawDocument {
  input: string;
  bytes: Uint8Array;
  /** Charset the server declared. */
  charset?: string;
  /** File extension, or one implied by the content type ('.html', '.xml', '.json', ''). */
  ext: string;
  fallback: Fallback;
}

const isUrl = (s: string) => /^https?:\/\//i.test(s);

export type Parsers = { extractHtml: typeof import('./html.js').extractHtml; parseFeed: typeof import('./feed.js').parseFeed };
// HTML extraction and feed parsing pull in large libraries; load them on first use so start-up stays fast.
let parsers: Promise<Parsers> | undefined;
export const loadParsers = (): Promise<Parsers> =>
  (parsers ??= Promise.all([import('./html.js'), import('./feed.js')]).then(([h, f]) => ({ extractHtml: h.extractHtml, parseFeed: f.parseFeed })));

/** A feed by its opening tag or JSON Feed version (kept here so recognising one loads no XML parser). */
export function looksLikeFeed(text: string): boolean {
  const head = text.slice(0, 2000).replace(/^\uFEFF/, '').trimStart();
  return (
    /^(?:<\?xml[^>]*>\s*)?(?:<!--[\s\S]*?-->\s*|<\?xml-stylesheet[^>]*>\s*)*<(?:rss|feed|rdf:RDF)\b/i.test(head) ||
    (head.startsWith('{') && /"version"\s*:\s*"https?:\/\/jsonfeed\.org\/version\//.test(head))
  );
}

/**
 * Reads every article from files, folders (recursively) and URLs, without storing
 * them. Files are read and pages fetched here; decoding and extraction run in worker
 * threads, each input within its time budget, so a hostile page cannot hold up the
 * thread that answers commands.
 */
export async function* readInputs(inputs: string[], options: IngestOptions = {}): AsyncGenerator<ReadResult> {
  const workers = options.workers ?? sharedWorkers();
  const budget = options.extractTimeoutMs ?? workers.budgetMs;
  const mode = options.fetchLinks ?? true;
  const linked = mode === true ? linkedFetcher(options) : undefined;
  const read = (raw: RawResult) => ('error' in raw ? [raw] : workers.read(raw.doc, budget));
  const source = (async function* (): AsyncGenerator<ReadResult> {
    for await (const results of mapOrdered(rawDocuments(inputs, options), read, workers.pool.size * 2)) yield* results;
  })();
  if (mode === 'defer') yield* source;
  else if (linked) yield* withLinkedArticles(source, linked, { ...options, workers });
  else for await (const r of source) yield 'teaser' in r && !r.article.body ? { input: r.input, error: linkFailure(r.article.title, 'not fetched') } : r;
}

type RawResult = { input: string; doc: RawDocument } | { input: string; error: BriefbotError };

async function* rawDocuments(inputs: string[], options: IngestOptions): AsyncGenerator<RawResult> {
  for (const input of inputs) {
    try {
      if (isUrl(input)) yield await readUrl(input, options);
      else yield* readPath(input, options);
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
export async function completeTeaser(
  r: { input: string; article: ArticleInput },
  linked: LinkedArticleFetcher,
  options: Pick<IngestOptions, 'now' | 'workers' | 'extractTimeoutMs'> = {},
): Promise<ReadResult> {
  const item = r.article;
  try {
    const page = await linked.get(item.url!);
    if (!/html/i.test(page.contentType ?? 'text/html')) throw new BriefbotError('not_html', `the link is ${page.contentType}, not a web page`);
    // The linked page is extracted in a worker, within the budget, like any other page.
    const workers = options.workers ?? sharedWorkers();
    const now = (options.now ?? (() => new Date()))();
    const doc: RawDocument = {
      input: page.url,
      bytes: page.bytes,
      charset: charsetFromContentType(page.contentType),
      ext: '.html',
      fallback: { source: siteOf(page.url), url: page.url, date: { publishedAt: now.toISOString(), publishedAtSource: 'ingest-time' } },
    };
    const [read] = await workers.read(doc, options.extractTimeoutMs ?? workers.budgetMs);
    if (!read || 'error' in read) throw read?.error ?? new BriefbotError('empty', 'the page holds no text');
    const fetched = read.article;
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

/**
 * storeArticle with the analysis done in a worker thread within the time budget: what the
 * running bot uses for source items, so a huge article never blocks the event loop.
 * Throws the item's error, like storeArticle.
 */
export async function storeArticleOffThread(store: Store, article: ArticleInput, input = article.url ?? article.title, options: Pick<IngestOptions, 'workers' | 'extractTimeoutMs'> = {}): Promise<IngestResult> {
  const workers = options.workers ?? sharedWorkers();
  const [r] = await analyseBatch(workers, [{ input, article }], options.extractTimeoutMs ?? workers.budgetMs);
  if ('error' in r) throw r.error;
  return asIngestResult(await store.articles.add(r.article, r.analysis), article, input);
}

function asIngestResult(result: AddResult, article: ArticleInput, input: string): IngestResult {
  return result.status === 'added'
    ? { input, status: 'added', id: result.id, title: article.title }
    : { input, status: 'duplicate', id: result.id, title: article.title, reason: result.reason };
}

/**
 * Articles committed together; a crash loses at most one batch, never part of an article.
 * The write blocks this thread, and with it the hand-over of the next task to a worker
 * that finishes meanwhile: short writes keep the workers busy. 64 rather than 200 costs
 * about 5 % more per row written (a commit per 64) and makes each wait a third as long
 * (docs/performance.md, ingest).
 */
const BATCH = 64;
/** Articles analysed per worker task: enough to make a message's cost small beside the work. */
const ANALYSIS_BATCH = 25;

export type Analysed = { input: string; article: ArticleInput; analysis: ArticleAnalysis; teaser?: true } | { input: string; error: BriefbotError };

/**
 * Reads, analyses and stores every article of the inputs. Extraction and analysis run
 * in worker threads (both cores); this thread only reads files and writes the store,
 * one transaction per batch.
 */
export async function ingestInputs(store: Store, inputs: string[], options: IngestOptions = {}): Promise<IngestReport> {
  const workers = options.workers ?? sharedWorkers();
  const budget = options.extractTimeoutMs ?? workers.budgetMs;
  const results: IngestResult[] = [];
  const counts: IngestProgress = { added: 0, duplicates: 0, errors: 0 };
  let pending: Analysed[] = [];
  const record = (r: IngestResult) => {
    results.push(r);
    if (r.status === 'added') counts.added++;
    else if (r.status === 'duplicate') counts.duplicates++;
    else counts.errors++;
  };
  const flush = async () => {
    const batch = pending;
    pending = [];
    const toAdd = batch.filter((r): r is Extract<Analysed, { article: ArticleInput }> => 'article' in r);
    let added: (AddResult | IngestResult)[];
    try {
      added = await store.articles.addMany(toAdd.map((r) => ({ input: r.article, analysis: r.analysis })));
    } catch {
      // The batch rolled back as a whole: add one by one, so the error lands on the article that caused it.
      added = [];
      for (const r of toAdd) added.push(await store.articles.add(r.article, r.analysis).catch((err: unknown) => failed(r.input, err)));
    }
    let next = 0;
    for (const r of batch) {
      if ('error' in r) {
        record({ input: r.input, status: 'error', code: r.error.code, error: r.error.message });
        continue;
      }
      const a = added[next++];
      record('input' in a ? a : asIngestResult(a, r.article, r.input));
    }
    options.onProgress?.({ ...counts });
  };
  // Feed items that are only a headline or a teaser: the linked story is fetched, extracted and analysed instead.
  const mode = options.fetchLinks ?? true;
  const linked = mode === true ? linkedFetcher(options) : undefined;
  const complete = (r: Analysed): Promise<Analysed> | Analysed => {
    if (!('article' in r) || !r.teaser || mode === 'defer') return r;
    if (!linked) return r.article.body ? r : { input: r.input, error: linkFailure(r.article.title, 'not fetched') };
    return completeTeaser(r, linked, { ...options, workers }).then(async (done) => {
      if ('error' in done) return done;
      // The feed's own text stood: its analysis stands too.
      if (done.article === r.article) return r;
      return (await analyseBatch(workers, [done], budget))[0];
    });
  };
  // Three groups per worker in flight: one running, one prefetched by the worker (src/workers/pool.ts),
  // and one in the pool's queue that is prefetched as soon as a worker's reply is read, so each worker
  // has two groups of work in hand (~30 ms) while this thread writes a batch.
  const jobs = mapOrdered(
    documentGroups(rawDocuments(inputs, options)),
    async (group) => Promise.all((await ingestGroup(workers, group, budget)).map(complete)),
    workers.pool.size * 3,
  );
  for await (const group of jobs) {
    pending.push(...group);
    if (pending.length >= BATCH) await flush();
  }
  await flush();
  return { results, ...counts };
}

/** Documents handed to a worker together: up to this many, or this many bytes. */
const GROUP_DOCS = 16;
const GROUP_BYTES = 1024 * 1024;

async function* documentGroups(raws: AsyncIterable<RawResult>): AsyncGenerator<RawResult[]> {
  let group: RawResult[] = [];
  let bytes = 0;
  for await (const raw of raws) {
    const size = 'doc' in raw ? raw.doc.bytes.byteLength : 0;
    if (group.length && (group.length >= GROUP_DOCS || bytes + size > GROUP_BYTES)) {
      yield group;
      group = [];
      bytes = 0;
    }
    group.push(raw);
    bytes += size;
  }
  if (group.length) yield group;
}

/**
 * Reads and analyses a group of documents in one worker task. A group over budget is
 * retried one document at a time; a single document over budget (a feed of thousands
 * of items) is read on its own budget and analysed in batches, each on its own.
 */
async function ingestGroup(workers: Workers, group: RawResult[], budgetMs: number): Promise<Analysed[]> {
  const docs = group.flatMap((r) => ('doc' in r ? [r.doc] : []));
  if (docs.length === 0) return group as Analysed[];
  let results: Analysed[][];
  try {
    results = await workers.ingest(docs, budgetMs);
  } catch (err) {
    if (!(err instanceof BriefbotError)) throw err;
    if (err.code !== 'timeout' && err.code !== 'too_large') return group.map((r) => ('doc' in r ? { input: r.input, error: err } : r));
    if (docs.length > 1) return (await Promise.all(group.map((r) => ingestGroup(workers, [r], budgetMs)))).flat();
    // One page over budget is refused; one feed may just hold many items, each quick to analyse.
    if (!isFeedDocument(docs[0])) return [{ input: docs[0].input, error: tooSlow('reading', budgetMs) }];
    const read = await workers.read(docs[0], budgetMs);
    const batches = [];
    for (let i = 0; i < read.length; i += ANALYSIS_BATCH) batches.push(analyseBatch(workers, read.slice(i, i + ANALYSIS_BATCH), budgetMs));
    return (await Promise.all(batches)).flat();
  }
  let i = 0;
  return group.flatMap((r) => ('doc' in r ? results[i++] : [r]));
}

function isFeedDocument(doc: RawDocument): boolean {
  return ['.xml', '.rss', '.atom', '.json'].includes(doc.ext) || looksLikeFeed(Buffer.from(doc.bytes.buffer, doc.bytes.byteOffset, Math.min(2000, doc.bytes.byteLength)).toString('latin1'));
}

/** Analysis of the batch's articles in a worker; a batch over budget is retried one article at a time, so only the slow one fails. */
async function analyseBatch(workers: Workers, batch: ReadResult[], budgetMs: number): Promise<Analysed[]> {
  const articles = batch.flatMap((r) => ('article' in r ? [r.article] : []));
  if (articles.length === 0) return batch as Analysed[];
  let analyses: ArticleAnalysis[];
  try {
    analyses = await workers.analyse(articles, budgetMs);
  } catch (err) {
    const timeout = err instanceof BriefbotError && err.code === 'timeout';
    if (timeout && articles.length > 1) return (await Promise.all(batch.map((r) => analyseBatch(workers, [r], budgetMs)))).flat();
    const e = timeout ? tooSlow('analysing', budgetMs) : asBriefbotError(err);
    return batch.map((r) => ('article' in r ? { input: r.input, error: e } : r));
  }
  let i = 0;
  return batch.map((r) => ('article' in r ? { ...r, analysis: analyses[i++] } : r));
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

async function* readPath(path: string, options: IngestOptions): AsyncGenerator<RawResult> {
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
  const bytes = await readFile(path);
  const fallback = {
    source: basename(path),
    url: pathToFileURL(resolve(path)).href,
    date: { publishedAt: info.mtime.toISOString(), publishedAtSource: 'file-mtime' as const },
  };
  yield { input: path, doc: { input: path, bytes, ext: extname(path).toLowerCase(), fallback } };
}

async function readUrl(url: string, options: IngestOptions): Promise<RawResult> {
  const fetcher = options.fetch ?? safeFetch;
  const page = await fetcher(url, { allowPrivate: options.allowPrivate, maxBytes: options.maxBytes ?? DEFAULT_MAX_BYTES });
  const now = (options.now ?? (() => new Date()))();
  const type = page.contentType ?? '';
  const ext = /json/.test(type) ? '.json' : /xml|rss|atom/.test(type) ? '.xml' : /html/.test(type) ? '.html' : '';
  const fallback = {
    source: siteOf(page.url),
    url: page.url,
    date: { publishedAt: now.toISOString(), publishedAtSource: 'ingest-time' as const },
  };
  return { input: url, doc: { input: url, bytes: page.bytes, charset: charsetFromContentType(page.contentType), ext, fallback } };
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

/** Decodes and extracts one document: one article, or one per feed item. Runs in a worker thread. */
export function parseRaw(doc: RawDocument, parsers: Parsers): ReadResult[] {
  try {
    return parseDocument(doc.input, decodeText(doc.bytes, doc.charset), doc.ext, doc.fallback, parsers);
  } catch (err) {
    return [{ input: doc.input, error: asBriefbotError(err) }];
  }
}

function parseDocument(input: string, text: string, ext: string, fallback: Fallback, { parseFeed, extractHtml }: Parsers): ReadResult[] {
  if (!text.trim()) throw new BriefbotError('empty', 'the input holds no text');
  const isFeed = ext === '.xml' || ext === '.rss' || ext === '.atom' || looksLikeFeed(text);
  const isHtml = !isFeed && (ext === '.html' || ext === '.htm' || /^\s*(?:<!doctype html|<html[\s>])/i.test(text));
  if (!isFeed && !isHtml) return [{ input, article: finish(parseTextArticle(text), fallback) }];
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
  if (!body) throw new BriefbotError('no_body', `"${shorten(title, 80)}" has a headline but no story text`);
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

/** Quoted input in a one-line message stays short, however long the input's line is. */
function shorten(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function formatMb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
