/**
 * The work done in worker threads. Each handler is a plain function of plain data
 * (structured-clone safe both ways), so the same code runs inline in tests.
 */
import { getHeapStatistics } from 'node:v8';
import { threadId } from 'node:worker_threads';
import { analyseArticle } from '../articles/analyse.js';
import { loadParsers, parseRaw, type Parsers, type ReadResult, type RawDocument } from '../articles/ingest.js';
import { BriefbotError } from '../errors.js';
import type { StoreLocation } from '../store/open.js';
import type { ArticleAnalysis, ArticleInput, Store } from '../store/store.js';
import type { Pause } from './serve.js';

let parsers: Parsers | undefined;

/**
 * The HTML and feed parsers load on a thread's first document that needs them. Loading
 * them is not the input's doing, so the task's budget is paused meanwhile (`pause`).
 */
async function parse(doc: RawDocument, pause: Pause): Promise<ReadResult[]> {
  if (!parsers && !isPlainText(doc)) parsers = await pause(loadParsers);
  return parseRaw(doc, parsers ?? textOnly);
}

/** A .txt or .md file that does not open like markup or JSON (which parseRaw would read as HTML or a feed). */
function isPlainText(doc: RawDocument): boolean {
  if (!['.txt', '.md', '.markdown'].includes(doc.ext)) return false;
  const head = Buffer.from(doc.bytes.buffer, doc.bytes.byteOffset, Math.min(256, doc.bytes.byteLength)).toString('latin1');
  return /^(?:\xef\xbb\xbf)?\s*[^\s<{\xfe\xff]/.test(head);
}
const NOT_LOADED = () => {
  throw new BriefbotError('failed', 'this text file looks like HTML or a feed; read it with a .html or .xml name');
};
const textOnly: Parsers = { extractHtml: NOT_LOADED, parseFeed: NOT_LOADED };

// Loaded on the first question, then kept: every import() goes through tsx's resolve and load
// hooks on their own thread again, even for a module already loaded (0.3–0.5 ms per question).
let answerCode: Promise<[typeof import('../ask/answer.js'), typeof import('../store/open.js')]> | undefined;
const answering = () => {
  if (!answerCode) {
    answerCode = Promise.all([import('../ask/answer.js'), import('../store/open.js')]);
    // A load that failed is tried again by the next question rather than kept.
    answerCode.catch(() => (answerCode = undefined));
  }
  return answerCode;
};

type WireError = { code: string; message: string };
/** A read result as it crosses threads: errors as their code and message. */
export type ReadReply = ({ input: string; article: ArticleInput } | { input: string; error: WireError })[];
/** Each document's articles with their analysis, in order. */
export type IngestReply = ({ input: string; article: ArticleInput; analysis: ArticleAnalysis } | { input: string; error: WireError })[][];

const wire = (err: unknown): WireError =>
  err instanceof BriefbotError ? { code: err.code, message: err.message } : { code: 'failed', message: err instanceof Error ? err.message : String(err) };

export function taskHandlers() {
  /** One connection (or small pool) per store, opened on the first question about it. */
  const stores = new Map<string, Promise<Store>>();
  return {
    async read(doc: RawDocument, pause: Pause): Promise<ReadReply> {
      return (await parse(doc, pause)).map((r) => ('error' in r ? { input: r.input, error: wire(r.error) } : r));
    },
    /** Read and analyse in one go: one message per few documents instead of two per article. */
    async ingest(docs: RawDocument[], pause: Pause): Promise<IngestReply> {
      const read = [];
      for (const doc of docs) read.push(await parse(doc, pause));
      return read.map((results) =>
        results.map((r) => {
          if ('error' in r) return { input: r.input, error: wire(r.error) };
          try {
            return { ...r, analysis: analyseArticle(r.article) };
          } catch (err) {
            return { input: r.input, error: wire(err) };
          }
        }),
      );
    },
    /** This thread's own memory: its V8 heap (each worker has one) and buffers outside it; and which thread it is. */
    memory() {
      const m = process.memoryUsage();
      return { heapTotal: m.heapTotal, heapUsed: m.heapUsed, external: m.external, heapLimit: getHeapStatistics().heap_size_limit, threadId };
    },
    analyse(articles: ArticleInput[]) {
      return articles.map(analyseArticle);
    },
    async ask({ location, question, now, context }: { location: StoreLocation; question: string; now: Date; context?: number }) {
      const [{ ask }, { openStore }] = await answering();
      const key = JSON.stringify(location);
      let store = stores.get(key);
      if (!store) {
        store = openStore(location);
        stores.set(key, store);
        // An open that failed (the database was away) is not kept: the next question tries again.
        store.catch(() => stores.delete(key));
      }
      const s = await store;
      const result = await ask(s, question, { now, context });
      // The count only appears in the no-answer reply.
      return { result, storedArticles: result.answer ? 0 : await s.articles.count() };
    },
  };
}
