/**
 * The work done in worker threads. Each handler is a plain function of plain data
 * (structured-clone safe both ways), so the same code runs inline in tests.
 */
import { analyseArticle } from '../articles/analyse.js';
import { loadParsers, parseRaw, type Parsers, type ReadResult, type RawDocument } from '../articles/ingest.js';
import { BriefbotError } from '../errors.js';
import type { StoreLocation } from '../store/open.js';
import type { ArticleAnalysis, ArticleInput, Store } from '../store/store.js';

/**
 * Loads what the budgeted tasks use before the thread says it is ready: a task's time
 * budget is for its input, never for loading parsers (seconds on a loaded machine).
 */
export async function preload(): Promise<void> {
  parsers = await loadParsers();
}
let parsers: Parsers | undefined;

async function parse(doc: RawDocument): Promise<ReadResult[]> {
  parsers ??= await loadParsers();
  return parseRaw(doc, parsers);
}

const answering = () => Promise.all([import('../ask/answer.js'), import('../store/open.js')]);

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
    async read(doc: RawDocument): Promise<ReadReply> {
      return (await parse(doc)).map((r) => ('error' in r ? { input: r.input, error: wire(r.error) } : r));
    },
    /** Read and analyse in one go: one message per few documents instead of two per article. */
    async ingest(docs: RawDocument[]): Promise<IngestReply> {
      const read = [];
      for (const doc of docs) read.push(await parse(doc));
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
    analyse(articles: ArticleInput[]) {
      return articles.map(analyseArticle);
    },
    async ask({ location, question, now, context }: { location: StoreLocation; question: string; now: Date; context?: number }) {
      const [{ ask }, { openStore }] = await answering();
      const key = JSON.stringify(location);
      let store = stores.get(key);
      if (!store) stores.set(key, (store = openStore(location)));
      const s = await store;
      const result = await ask(s, question, { now, context });
      // The count only appears in the no-answer reply.
      return { result, storedArticles: result.answer ? 0 : await s.articles.count() };
    },
  };
}
