import { afterEach, describe, expect, it } from 'vitest';
import { createMetrics, startHealthServer, type HealthServer } from '../src/health.js';

let server: HealthServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('health server', () => {
  it('/healthz is 200 when everything is up and 503 naming what is not', async () => {
    const state = { slack: true, discord: true, store: true, tick: new Date('2026-03-02T08:00:00Z') as Date | undefined };
    const metrics = createMetrics();
    server = await startHealthServer({
      port: 0,
      host: '127.0.0.1',
      registry: metrics.registry,
      checks: {
        adapters: () => ({ slack: state.slack, discord: state.discord }),
        store: () => state.store,
        lastTickAt: () => state.tick,
        now: () => new Date('2026-03-02T08:01:00Z'),
      },
    });
    const base = `http://127.0.0.1:${server.port}`;
    let res = await fetch(`${base}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      ok: true,
      adapters: { slack: true, discord: true },
      store: true,
      scheduler: { lastTickAt: '2026-03-02T08:00:00.000Z', ok: true },
    });
    state.discord = false;
    res = await fetch(`${base}/healthz`);
    expect([res.status, ((await res.json()) as { adapters: unknown }).adapters]).toEqual([503, { slack: true, discord: false }]);
    state.discord = true;
    state.tick = new Date('2026-03-02T07:50:00Z'); // 11 minutes old
    res = await fetch(`${base}/healthz`);
    expect([res.status, ((await res.json()) as { scheduler: unknown }).scheduler]).toEqual([503, { lastTickAt: '2026-03-02T07:50:00.000Z', ok: false }]);
    state.tick = new Date('2026-03-02T08:00:30Z');
    state.store = false;
    expect((await fetch(`${base}/healthz`)).status).toBe(503);
    expect((await fetch(`${base}/nope`)).status).toBe(404);
  });

  it('/metrics exposes deliveries, answers with latency, and source polls', async () => {
    const metrics = createMetrics();
    metrics.deliveries.inc({ status: 'delivered' });
    metrics.deliveries.inc({ status: 'delivered' });
    metrics.deliveries.inc({ status: 'failed' });
    metrics.recordAnswer({ answered: true, ms: 12 });
    metrics.recordAnswer({ answered: false, ms: 300 });
    metrics.sourcePolls.inc({ kind: 'feed', result: 'ok' });
    metrics.sourcePolls.inc({ kind: 'feed', result: 'error' });
    server = await startHealthServer({ port: 0, registry: metrics.registry, checks: { adapters: () => ({}), store: () => true } });
    const res = await fetch(`http://127.0.0.1:${server.port}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const lines = (await res.text()).split('\n');
    for (const line of [
      'briefbot_deliveries_total{status="delivered"} 2',
      'briefbot_deliveries_total{status="failed"} 1',
      'briefbot_answers_total{answered="true"} 1',
      'briefbot_answers_total{answered="false"} 1',
      'briefbot_answer_latency_seconds_bucket{le="0.025",answered="true"} 1',
      'briefbot_answer_latency_seconds_bucket{le="0.25",answered="false"} 0',
      'briefbot_answer_latency_seconds_bucket{le="0.5",answered="false"} 1',
      'briefbot_answer_latency_seconds_count{answered="false"} 1',
      'briefbot_source_polls_total{kind="feed",result="ok"} 1',
      'briefbot_source_polls_total{kind="feed",result="error"} 1',
    ]) {
      expect(lines).toContain(line);
    }
  });
});
