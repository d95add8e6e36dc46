import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the proxy answers instead of forwarding: a platform's rate-limit reply. */
export interface Refusal {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface ProxyHooks {
  /** A refusal when the request is over the platform's limit, else undefined (and the request is forwarded). */
  limit(method: string, path: string, body: string, headers: IncomingHttpHeaders): Refusal | undefined;
  /** Rate-limit headers to add to the answer of a forwarded request (the platform's X-RateLimit-*). */
  headers?(method: string, path: string): Record<string, string> | undefined;
  /** Called with every forwarded request and the upstream status and body. */
  forwarded?(method: string, path: string, body: string, status: number, response: string, headers: IncomingHttpHeaders): void;
}

export interface RateLimitProxy {
  url: string;
  refused: number;
  close(): Promise<void>;
}

/**
 * A local HTTP proxy in front of a protocol-level fake that enforces a platform's
 * rate limits the way the platform does (429 with its headers), so the real SDKs'
 * own queues and retries are what is measured. Listens on 127.0.0.1 only.
 */
export async function startRateLimitProxy(upstream: string, hooks: ProxyHooks, stats?: () => unknown): Promise<RateLimitProxy> {
  const target = new URL(upstream);
  const state = { refused: 0 };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const body = raw.toString('utf8');
      if (stats && req.url === '/__bench/stats') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(stats()));
        return;
      }
      const refusal = hooks.limit(req.method ?? 'GET', req.url ?? '/', body, req.headers);
      const extra = refusal ? undefined : hooks.headers?.(req.method ?? 'GET', req.url ?? '/');
      if (refusal) {
        state.refused++;
        res.writeHead(refusal.status, { 'content-type': 'application/json', ...refusal.headers });
        res.end(refusal.body);
        return;
      }
      const up = request(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } },
        (upRes) => {
          const parts: Buffer[] = [];
          upRes.on('data', (c: Buffer) => parts.push(c));
          upRes.on('end', () => {
            const response = Buffer.concat(parts);
            hooks.forwarded?.(req.method ?? 'GET', req.url ?? '/', body, upRes.statusCode ?? 0, response.toString('utf8'), req.headers);
            res.writeHead(upRes.statusCode ?? 502, { ...upRes.headers, ...extra });
            res.end(response);
          });
        },
      );
      up.on('error', (err) => {
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(String(err));
      });
      up.end(raw);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    get refused() {
      return state.refused;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** At most `max` requests in any `windowMs`: true when one more is allowed now (and counts it). */
export function slidingWindow(max: number, windowMs: number) {
  const times: number[] = [];
  return {
    take(now = performance.now()): boolean {
      while (times.length && now - times[0] >= windowMs) times.shift();
      if (times.length >= max) return false;
      times.push(now);
      return true;
    },
    /** Milliseconds until a slot frees. */
    wait(now = performance.now()): number {
      return times.length < max ? 0 : Math.max(0, windowMs - (now - times[0]));
    },
  };
}
