import { BriefbotError, errorMessage } from '../errors.js';
import { DEFAULT_MAX_BYTES, HttpStatusError, safeFetch, type FetchedPage, type FetchOptions, type Fetcher } from './fetch.js';

/**
 * Feed items that carry only a headline or a teaser link to their story. Fetching
 * the linked page gives briefs and answers the story's body; these limits keep that
 * polite to the sites: at most PER_HOST requests at a time to one host, and a
 * `Retry-After` from a host holds every request to it until then.
 */
export const LINKED = {
  perHost: 2,
  /** Retry-After longer than this is not waited for: the feed's own text is used instead. */
  maxRetryAfterMs: 60_000,
  /** Times one page is asked for again after a 429 or 503 with Retry-After. */
  retries: 2,
  timeoutMs: 15_000,
};

/**
 * A feed item's text is a teaser, not the story: nothing, under a line (100
 * characters, which also measures scripts written without spaces), or a paragraph
 * cut off with an ellipsis or a "read more" link text.
 */
export function isTeaser(body: string): boolean {
  const text = body.trim();
  if (text.length < 100) return true;
  return text.length < 800 && /(?:\.{3}|…|\[…\]|\[\.\.\.\]|\b(?:continue reading|read more|leia mais|weiterlesen|lire la suite|leer más)\W*)$/iu.test(text);
}

interface HostState {
  active: number;
  /** Epoch ms before which no request goes to the host (its last Retry-After). */
  notBefore: number;
  waiting: (() => void)[];
}

/**
 * One process's requests for linked articles, limited per host. State is per
 * process: it paces this process's requests and holds nothing anyone else needs.
 */
export class LinkedArticleFetcher {
  private readonly hosts = new Map<string, HostState>();
  constructor(
    private readonly fetch: Fetcher = safeFetch,
    private readonly options: FetchOptions & { sleep?: (ms: number) => Promise<void> } = {},
  ) {}

  /** The page at `url`, fetched within the host's limits, or the error that stopped it. */
  async get(url: string): Promise<FetchedPage> {
    const host = new URL(url).host;
    for (let attempt = 0; ; attempt++) {
      const release = await this.acquire(host);
      try {
        return await this.fetch(url, {
          allowPrivate: this.options.allowPrivate,
          maxBytes: this.options.maxBytes ?? DEFAULT_MAX_BYTES,
          timeoutMs: this.options.timeoutMs ?? LINKED.timeoutMs,
          headers: { accept: 'text/html, application/xhtml+xml;q=0.9, */*;q=0.5' },
        });
      } catch (err) {
        const wait = err instanceof HttpStatusError ? err.retryAfterMs : undefined;
        if (wait === undefined || wait > LINKED.maxRetryAfterMs || attempt >= LINKED.retries) throw err;
        const state = this.state(host);
        state.notBefore = Math.max(state.notBefore, Date.now() + wait);
      } finally {
        release();
      }
    }
  }

  private state(host: string): HostState {
    let s = this.hosts.get(host);
    if (!s) {
      s = { active: 0, notBefore: 0, waiting: [] };
      this.hosts.set(host, s);
    }
    return s;
  }

  private async acquire(host: string): Promise<() => void> {
    const s = this.state(host);
    for (;;) {
      if (s.active < LINKED.perHost) {
        const delay = s.notBefore - Date.now();
        if (delay <= 0) break;
        await (this.options.sleep ?? sleep)(delay);
        continue;
      }
      await new Promise<void>((resolve) => s.waiting.push(resolve));
    }
    s.active++;
    return () => {
      s.active--;
      s.waiting.shift()?.();
      if (s.active === 0 && s.waiting.length === 0 && s.notBefore <= Date.now()) this.hosts.delete(host);
    };
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Why a linked page could not replace the feed's text, for the item's error or log line. */
export function linkFailure(title: string, err: unknown): BriefbotError {
  const reason = err instanceof BriefbotError ? err.message : errorMessage(err);
  return new BriefbotError('no_body', `"${title}" has a headline but no story text, and its link could not be read (${reason})`);
}
