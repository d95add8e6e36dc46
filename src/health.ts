import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { errorMessage } from './errors.js';

/**
 * The bot's Prometheus metrics, in their own registry (so tests and two bots in one
 * process never collide on prom-client's global one).
 */
export interface Metrics {
  registry: Registry;
  /** Brief deliveries by outcome: delivered, retry (a failed attempt that will be retried), failed (for good), skipped. */
  deliveries: Counter<'status'>;
  /** Questions answered (answered="true") or abstained on (answered="false"). */
  answers: Counter<'answered'>;
  answerLatency: Histogram<'answered'>;
  /** Source polls by kind (feed, folder) and result (ok, not_modified, error). */
  sourcePolls: Counter<'kind' | 'result'>;
  /** Records an answer; pass to createCore's onAnswer. */
  recordAnswer(info: { answered: boolean; ms: number }): void;
}

export function createMetrics(opts: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (opts.defaultMetrics) collectDefaultMetrics({ register: registry, prefix: 'briefbot_' });
  const deliveries = new Counter({ name: 'briefbot_deliveries_total', help: 'Brief deliveries by status', labelNames: ['status'] as const, registers: [registry] });
  const answers = new Counter({ name: 'briefbot_answers_total', help: 'Questions handled, by whether an answer was given', labelNames: ['answered'] as const, registers: [registry] });
  const answerLatency = new Histogram({
    name: 'briefbot_answer_latency_seconds',
    help: 'Time to answer a question',
    labelNames: ['answered'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const sourcePolls = new Counter({
    name: 'briefbot_source_polls_total',
    help: 'Source polls by kind and result (result="error" counts failures)',
    labelNames: ['kind', 'result'] as const,
    registers: [registry],
  });
  return {
    registry,
    deliveries,
    answers,
    answerLatency,
    sourcePolls,
    recordAnswer({ answered, ms }) {
      const label = { answered: String(answered) };
      answers.inc(label);
      answerLatency.observe(label, ms / 1000);
    },
  };
}

export interface HealthStatus {
  ok: boolean;
  adapters: Record<string, boolean>;
  store: boolean;
  scheduler: { lastTickAt: string | null; ok: boolean };
}

export interface HealthChecks {
  /** Connection state by platform (Adapter.isConnected). */
  adapters: () => Record<string, boolean>;
  /** The store answers (Store.ping); a networked store may take a moment, so it may be async. */
  store: () => boolean | Promise<boolean>;
  /** The scheduler's last tick; undefined before its first. */
  lastTickAt?: () => Date | undefined;
  /** A tick older than this makes the scheduler unhealthy (default 5 min; it ticks every minute). */
  maxTickAgeMs?: number;
  now?: () => Date;
}

export async function healthStatus(checks: HealthChecks): Promise<HealthStatus> {
  const now = (checks.now ?? (() => new Date()))();
  let adapters: Record<string, boolean>;
  let store: boolean;
  try {
    adapters = checks.adapters();
  } catch {
    adapters = {};
  }
  try {
    store = await checks.store();
  } catch {
    store = false;
  }
  const tick = checks.lastTickAt?.();
  const schedulerOk = !checks.lastTickAt || (tick !== undefined && now.getTime() - tick.getTime() <= (checks.maxTickAgeMs ?? 5 * 60_000));
  return {
    ok: store && schedulerOk && Object.values(adapters).every(Boolean),
    adapters,
    store,
    scheduler: { lastTickAt: tick ? tick.toISOString() : null, ok: schedulerOk },
  };
}

export interface HealthServer {
  server: Server;
  /** The bound port (useful with port 0). */
  port: number;
  close(): Promise<void>;
}

/** `/healthz` (JSON, 200 when healthy, 503 when not) and `/metrics` (Prometheus text). */
export async function startHealthServer(opts: { port: number; host?: string; checks: HealthChecks; registry: Registry }): Promise<HealthServer> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (path === '/healthz') {
      void healthStatus(opts.checks).then((status) =>
        res.writeHead(status.ok ? 200 : 503, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }).end(JSON.stringify(status)),
      );
      return;
    }
    if (path === '/metrics') {
      opts.registry
        .metrics()
        .then((text) => res.writeHead(200, { 'content-type': opts.registry.contentType }).end(text))
        .catch((err) => res.writeHead(500, { 'content-type': 'text/plain' }).end(errorMessage(err)));
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try /healthz or /metrics\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
