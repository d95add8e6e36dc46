import type { Analysed, ReadResult, RawDocument } from '../articles/ingest.js';
import type { AskResult } from '../ask/answer.js';
import { BriefbotError } from '../errors.js';
import type { StoreLocation } from '../store/open.js';
import type { ArticleAnalysis, ArticleInput } from '../store/store.js';
import { workerEntry } from './bundle.js';
import { WorkerPool, poolSize } from './pool.js';
import type { IngestReply, ReadReply } from './tasks.js';

/** What the bot hands to worker threads: extraction, ingest analysis and answering. */
export interface Workers {
  readonly pool: WorkerPool;
  /** Milliseconds one input may take to extract, or one batch to analyse, unless a caller says otherwise. */
  readonly budgetMs: number;
  /** Decodes and extracts one document; past `budgetMs` the worker is terminated and the input refused. */
  read(doc: RawDocument, budgetMs: number): Promise<ReadResult[]>;
  /** Reads and analyses several documents in one task; past `budgetMs` for all of them the task fails with code 'timeout'. */
  ingest(docs: RawDocument[], budgetMs: number): Promise<Analysed[][]>;
  /** Analysis of each article, in order; past `budgetMs` for the batch the task fails with code 'timeout'. */
  analyse(articles: ArticleInput[], budgetMs?: number): Promise<ArticleAnalysis[]>;
  /** An answer from the store at `location`, read through the worker's own connection. */
  ask(location: StoreLocation, question: string, now: Date, context?: number): Promise<{ result: AskResult; storedArticles: number }>;
  /** One worker's own heap and buffers, in bytes (for the memory figures), and its thread id. */
  memory(): Promise<{ heapTotal: number; heapUsed: number; external: number; heapLimit: number; threadId: number }>;
  /** Lets queued and running tasks finish, then ends the threads. */
  close(): Promise<void>;
}

export const DEFAULT_EXTRACT_TIMEOUT_MS = 5000;

/**
 * A worker may hold one hostile document's DOM at a time; past this heap it is ended
 * and the input refused, instead of the process running out of memory.
 */
const WORKER_HEAP_MB = 512;
/**
 * V8's default young generation (up to 16 MB semi-spaces) is sized for one busy main
 * thread, and every worker would keep it resident: 8 MB took ~15 MB off each worker's
 * heap during a burst of questions, whose rows and token arrays die young anyway.
 */
const WORKER_YOUNG_MB = 8;

export interface WorkersOptions {
  /** Threads (default: the machine's cores). */
  size?: number;
  /** BRIEFBOT_EXTRACT_TIMEOUT (default 5 s). */
  extractTimeoutMs?: number;
}

export function createWorkers(options: WorkersOptions = {}): Workers {
  const pool = new WorkerPool({
    entry: workerEntry,
    size: options.size ?? poolSize(),
    resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB, maxYoungGenerationSizeMb: WORKER_YOUNG_MB },
  });
  return {
    pool,
    budgetMs: options.extractTimeoutMs ?? DEFAULT_EXTRACT_TIMEOUT_MS,
    async read(doc, budgetMs) {
      // A copy of exactly the document's bytes, moved (not cloned) to the worker.
      const bytes = new Uint8Array(doc.bytes);
      let reply: ReadReply;
      try {
        reply = await pool.run<ReadReply>('read', { ...doc, bytes }, { deadlineMs: budgetMs, transfer: [bytes.buffer] });
      } catch (err) {
        if (err instanceof BriefbotError && err.code === 'timeout') return [{ input: doc.input, error: tooSlow('reading', budgetMs) }];
        if (err instanceof BriefbotError) return [{ input: doc.input, error: err }];
        throw err;
      }
      return reply.map((r) => ('error' in r ? { input: r.input, error: new BriefbotError(r.error.code, r.error.message) } : r));
    },
    async ingest(docs, budgetMs) {
      const moved = docs.map((d) => ({ ...d, bytes: new Uint8Array(d.bytes) }));
      const reply = await pool.run<IngestReply>('ingest', moved, { deadlineMs: budgetMs, transfer: moved.map((d) => d.bytes.buffer) });
      return reply.map((doc) => doc.map((r) => ('error' in r ? { input: r.input, error: new BriefbotError(r.error.code, r.error.message) } : r)));
    },
    analyse(articles, budgetMs) {
      return pool.run<ArticleAnalysis[]>('analyse', articles, { deadlineMs: budgetMs });
    },
    ask(location, question, now, context) {
      return pool.run('ask', { location, question, now, context }, { priority: 'interactive' });
    },
    memory: () => pool.run('memory', undefined, { priority: 'interactive' }),
    close: () => pool.close(),
  };
}

let shared: Workers | undefined;
let sharedOptions: WorkersOptions = {};

/** Settings for the process's pool (from the config, at start-up), before its first use. */
export function configureSharedWorkers(options: WorkersOptions): void {
  sharedOptions = options;
}

/** The process's pool, made on first use: threads start only when there is work for them. */
export function sharedWorkers(): Workers {
  shared ??= createWorkers(sharedOptions);
  return shared;
}

/** Drains and ends the process's pool, if one was made (SIGTERM). */
export async function closeSharedWorkers(): Promise<void> {
  const w = shared;
  shared = undefined;
  await w?.close();
}

/** The one line a user sees when an input ran over its budget. */
export function tooSlow(what: 'reading' | 'analysing', budgetMs: number): BriefbotError {
  return new BriefbotError('too_slow', `${what} it took longer than ${seconds(budgetMs)} (BRIEFBOT_EXTRACT_TIMEOUT), so it was refused`);
}

function seconds(ms: number): string {
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : s.toFixed(1)} s`;
}
