import type { Store } from '../store/store.js';
import type { BriefDefinition } from '../briefing/definition.js';
import type { Logger } from '../logger.js';
import type { AskResult } from '../ask/answer.js';

/** What every command handler gets. Passed in, never imported, so tests hand in real stores and fixed clocks. */
export interface CommandDeps {
  store: Store;
  briefs: () => BriefDefinition[];
  now: () => Date;
  log: Logger;
  /** Users allowed to add sources and to subscribe any channel (platform-prefixed ids, e.g. 'slack:U0123'). */
  admins: string[];
  /** Adds a feed source on behalf of a user (validated and fetched safely); absent where sources can't be added. */
  /**
   * Answers a question away from the thread that reads the sockets (a worker thread with
   * its own store connection); absent, questions are answered inline from `store`.
   */
  answer?: (question: string, now: Date, context?: number) => Promise<{ result: AskResult; storedArticles: number }>;
  addSource?: (url: string, addedBy: string) => Promise<{ ok: true; message: string } | { ok: false; message: string }>;
}
