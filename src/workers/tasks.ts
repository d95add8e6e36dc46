/**
 * The work done in worker threads. Each handler is a plain function of plain data
 * (structured-clone safe both ways), so the same code runs inline in tests.
 */
import { analyseArticle } from '../articles/analyse.js';
import { extractHtml } from '../articles/html.js';
import { parseFeed } from '../articles/feed.js';
import { parseRaw, type RawDocument } from '../articles/ingest.js';
import { ask } from '../ask/answer.js';
import { openStore, type StoreLocation } from '../store/open.js';
import { BriefbotError } from '../errors.js';
import type { ArticleAnalysis, ArticleInput, Store } from '../store/store.js';

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
    read(doc: RawDocument): ReadReply {
      return parseRaw(doc, { extractHtml, parseFeed }).map((r) => ('error' in r ? { input: r.input, error: wire(r.error) } : r));
    },
    /** Read and analyse in one go: one message per few documents instead of two per article. */
    ingest(docs: RawDocument[]): IngestReply {
      return docs.map((doc) =>
        parseRaw(doc, { extractHtml, parseFeed }).map((r) => {
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
    async ask({ location, question, now }: { location: StoreLocation; question: string; now: Date }) {
      const key = JSON.stringify(location);
      let store = stores.get(key);
      if (!store) stores.set(key, (store = openStore(location)));
      const s = await store;
      const result = await ask(s, question, { now });
      // The count only appears in the no-answer reply.
      return { result, storedArticles: result.answer ? 0 : await s.articles.count() };
    },
  };
}
