import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import type { Agent } from 'undici';
import { BriefbotError } from '../errors.js';

export interface FetchOptions {
  /** Let URLs reach private, loopback and link-local addresses (local testing only). */
  allowPrivate?: boolean;
  maxBytes?: number;
  timeoutMs?: number;
  maxRedirects?: number;
  headers?: Record<string, string>;
  /** Resolves host names (the system resolver by default). Tests inject one to point names at chosen addresses. */
  resolve?: Resolver;
  /**
   * Host names that may resolve to private addresses (an intranet feed server). Only
   * these names: a redirect from one of them to any other private host is still refused.
   */
  privateHosts?: string[];
}

/** Every address a host name resolves to. */
export type Resolver = (hostname: string) => Promise<LookupAddress[]>;

const systemResolver: Resolver = (hostname) =>
  new Promise((resolve, reject) => dnsLookup(hostname, { all: true }, (err, list) => (err ? reject(err) : resolve(list))));

export interface FetchedPage {
  url: string;
  status: number;
  contentType?: string;
  etag?: string;
  lastModified?: string;
  bytes: Uint8Array;
}

/** A fetcher the ingest and source pollers call; tests pass one bound to a local server. */
export type Fetcher = (url: string, options?: FetchOptions) => Promise<FetchedPage>;

export const DEFAULT_MAX_BYTES = 5 * 1024 * 1024;

/** True for addresses a fetched URL must never reach: anything that is not public unicast. */
export function isPrivateAddress(address: string): boolean {
  let addr = ipaddr.parse(address);
  if (addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress()) addr = (addr as ipaddr.IPv6).toIPv4Address();
  return addr.range() !== 'unicast';
}

const agents = new Map<boolean, Agent>();
// undici is only needed once something is fetched; loading it lazily keeps start-up fast.
const loadUndici = () => import('undici');

/**
 * The connection-time check is what stops DNS rebinding: the address is checked
 * after resolution, on the socket actually opened, not on a separate lookup. It runs
 * for every connection, so each redirect hop is checked too.
 */
function createAgent(AgentClass: typeof Agent, allowPrivate: boolean, resolver: Resolver, privateHosts: Set<string>): Agent {
  return new AgentClass({
    connect: {
      lookup(hostname, options, callback) {
        resolver(hostname).then(
          (list) => {
            if (!list.length) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '', 4);
            const mayBePrivate = allowPrivate || privateHosts.has(hostname.toLowerCase());
            const refused = !mayBePrivate && list.find((a) => isPrivateAddress(a.address));
            if (refused) {
              return callback(new BriefbotError('private_address', `${hostname} resolves to a private or loopback address (${refused.address}); refused`), '', 4);
            }
            if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list);
            callback(null, list[0].address, list[0].family);
          },
          (err: NodeJS.ErrnoException) => callback(err, '', 4),
        );
      },
    },
  });
}

/** The shared agent for the system resolver; a fetch with its own resolver or private hosts gets its own, closed afterwards. */
async function agentFor(options: FetchOptions): Promise<{ agent: Agent; owned: boolean }> {
  const { Agent: AgentClass } = await loadUndici();
  const allowPrivate = options.allowPrivate ?? false;
  if (options.resolve || options.privateHosts?.length) {
    const hosts = new Set((options.privateHosts ?? []).map((h) => h.toLowerCase()));
    return { agent: createAgent(AgentClass, allowPrivate, options.resolve ?? systemResolver, hosts), owned: true };
  }
  let agent = agents.get(allowPrivate);
  if (!agent) {
    agent = createAgent(AgentClass, allowPrivate, systemResolver, new Set());
    agents.set(allowPrivate, agent);
  }
  return { agent, owned: false };
}

/** Fetches a URL for ingestion: http(s) only, no private addresses, redirects followed with loop detection, size-capped. */
export const safeFetch: Fetcher = async (rawUrl, options = {}) => {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const maxRedirects = options.maxRedirects ?? 5;
  const { agent, owned } = await agentFor(options);
  try {
    return await fetchFollowing(parseUrl(rawUrl), options, agent, maxBytes, maxRedirects);
  } finally {
    if (owned) await agent.close().catch(() => {});
  }
};

async function fetchFollowing(start: URL, options: FetchOptions, agent: Agent, maxBytes: number, maxRedirects: number): Promise<FetchedPage> {
  const seen = new Set<string>();
  let url = start;
  for (let hop = 0; ; hop++) {
    if (seen.has(url.href)) throw new BriefbotError('redirect_loop', `redirect loop at ${url.href}`);
    seen.add(url.href);
    if (hop > maxRedirects) throw new BriefbotError('too_many_redirects', `more than ${maxRedirects} redirects`);
    // Literal addresses never reach the resolver, so each hop's URL is checked here as well.
    checkLiteralHost(url, options.allowPrivate ?? false);
    const res = await request(url, options, agent);
    if (res.status >= 300 && res.status < 400 && res.headers.get('location')) {
      await res.body?.cancel();
      url = parseUrl(new URL(res.headers.get('location')!, url).href);
      continue;
    }
    if (res.status === 304) {
      await res.body?.cancel();
      return { url: url.href, status: 304, bytes: new Uint8Array(), etag: res.headers.get('etag') ?? undefined };
    }
    if (res.status >= 400) {
      await res.body?.cancel();
      throw new HttpStatusError(res.status, res.statusText, retryAfter(res.headers.get('retry-after')));
    }
    const declared = Number(res.headers.get('content-length'));
    if (declared > maxBytes) {
      await res.body?.cancel();
      throw tooLarge(maxBytes);
    }
    const bytes = await readCapped(res.body as ReadableStream<Uint8Array> | null, maxBytes);
    return {
      url: url.href,
      status: res.status,
      contentType: res.headers.get('content-type') ?? undefined,
      etag: res.headers.get('etag') ?? undefined,
      lastModified: res.headers.get('last-modified') ?? undefined,
      bytes,
    };
  }
}

/** An HTTP error status; `retryAfterMs` when the server said when to ask again (429, 503). */
export class HttpStatusError extends BriefbotError {
  constructor(
    readonly status: number,
    statusText: string,
    readonly retryAfterMs?: number,
  ) {
    super(`http_${status}`, `HTTP ${status} ${statusText || ''}`.trim(), { retryable: status >= 500 || status === 429 });
  }
}

/** Retry-After as milliseconds from now: delay-seconds or an HTTP date. */
export function retryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\s*\d+\s*$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function parseUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new BriefbotError('bad_url', `not a valid URL: ${raw}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new BriefbotError('bad_url', `only http and https URLs can be fetched, not ${url.protocol}`);
  return url;
}

function checkLiteralHost(url: URL, allowPrivate: boolean): void {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!allowPrivate && isIP(host) && isPrivateAddress(host)) {
    throw new BriefbotError('private_address', `${host} is a private or loopback address; refused`);
  }
  if (!allowPrivate && /^localhost$|\.localhost$/i.test(host)) {
    throw new BriefbotError('private_address', `${host} is a loopback host; refused`);
  }
}

async function request(url: URL, options: FetchOptions, agent: Agent) {
  const undici = await loadUndici();
  try {
    return await undici.fetch(url, {
      redirect: 'manual',
      dispatcher: agent,
      signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
      headers: { 'user-agent': 'briefbot (+https://github.com/briefbot/briefbot)', accept: '*/*', ...options.headers },
    });
  } catch (err) {
    const cause = (err as { cause?: unknown }).cause;
    if (cause instanceof BriefbotError) throw cause;
    const code = (cause as { code?: string } | undefined)?.code;
    if ((err as Error).name === 'TimeoutError') throw new BriefbotError('timeout', `no answer from ${url.host} in time`, { retryable: true });
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') throw new BriefbotError('unreachable', `host ${url.hostname} not found`, { retryable: code === 'EAI_AGAIN' });
    throw new BriefbotError('unreachable', `cannot reach ${url.host}${code ? ` (${code})` : ''}`, { retryable: true, cause: err });
  }
}

function tooLarge(maxBytes: number): BriefbotError {
  return new BriefbotError('too_large', `larger than the ${(maxBytes / 1024 / 1024).toFixed(1)} MB limit`);
}

async function readCapped(body: ReadableStream<Uint8Array> | null, maxBytes: number): Promise<Uint8Array> {
  if (!body) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.byteLength;
    if (size > maxBytes) {
      await body.cancel().catch(() => {});
      throw tooLarge(maxBytes);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
