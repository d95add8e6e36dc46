import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workerEntry } from '../src/workers/bundle.js';
import { registerWorkerMetrics } from '../src/workers/metrics.js';
import { createWorkers, type Workers } from '../src/workers/workers.js';
import { startArgs, startEnv } from '../bench/start-args.js';

/**
 * The pool: each worker reports its V8 heap with every task's reply, so the bot's /metrics can say
 * which thread holds the memory without sending a worker anything to ask; warm() starts
 * every thread before the first burst of questions.
 */
let workers: Workers;

beforeAll(() => {
  workers = createWorkers({ size: 1 });
});
afterAll(async () => {
  await workers.close();
});

describe('worker memory', () => {
  it('is unknown until a worker has run a task, then is its heap after the task and the largest so far', async () => {
    expect(workers.pool.memory()).toEqual([]);
    await workers.analyse([{ title: 'Harbour reopens', body: 'The harbour reopened on Monday.', source: 'test', publishedAt: '2026-03-01T00:00:00Z', publishedAtSource: 'feed' }]);
    const [m, ...rest] = workers.pool.memory();
    expect(rest).toEqual([]);
    expect(m.threadId).toBe(workers.pool.threadIds[0]);
    expect(m.heap!.total).toBeGreaterThan(0);
    expect(m.heap!.used).toBeGreaterThan(0);
    expect(m.heap!.used).toBeLessThanOrEqual(m.heap!.total);
    expect(m.peakTotal).toBeGreaterThanOrEqual(m.heap!.total);
  });

  it('is on /metrics as briefbot_worker_heap_bytes, one series per worker and kind', async () => {
    const registry = new Registry();
    registerWorkerMetrics(registry, workers.pool);
    const [m] = workers.pool.memory();
    const series = (await registry.getSingleMetric('briefbot_worker_heap_bytes')!.get()).values.map((v) => [v.labels.worker, v.labels.kind, v.value]);
    expect(series).toEqual([
      ['0', 'peak_total', m.peakTotal],
      ['0', 'total', m.heap!.total],
      ['0', 'used', m.heap!.used],
      ['0', 'external', m.heap!.external],
    ]);
  });
});

describe('warm-up', () => {
  it('starts every thread without a task, one after another', async () => {
    const pool = createWorkers({ size: 2 });
    try {
      expect(pool.pool.threadIds).toEqual([]);
      pool.pool.warm();
      expect(pool.pool.threadIds.length).toBe(1);
      // The second starts once the first has loaded its code: wait for it by the pool's own count.
      while (pool.pool.threadIds.length < 2) await new Promise((r) => setTimeout(r, 20));
      expect(pool.pool.threadIds.length).toBe(2);
      expect([pool.pool.running, pool.pool.queued]).toEqual([0, 0]);
    } finally {
      await pool.close();
    }
  });
});

describe('dispatch', () => {
  it('hands tasks asked one at a time to the workers in turn, so every thread stays warm for a burst', async () => {
    const pool = createWorkers({ size: 2 });
    try {
      // Until both threads have loaded, tasks asked together may all go to the first.
      const seen = new Set<number>();
      while (seen.size < 2) for (const m of await Promise.all([pool.memory(), pool.memory()])) seen.add(m.threadId);
      const order: number[] = [];
      for (let i = 0; i < 4; i++) order.push((await pool.memory()).threadId);
      const [a, b] = order;
      expect(a).not.toBe(b);
      expect(order).toEqual([a, b, a, b]);
    } finally {
      await pool.close();
    }
  });
});

describe('worker code', () => {
  it('is the workers\' bundle, built into node_modules/.cache and named by its content, not TypeScript loaded through tsx in each worker', () => {
    const entry = workerEntry();
    expect(entry.pathname).toMatch(/\/node_modules\/\.cache\/briefbot-workers\/[0-9a-f]{16}\/start\.mjs$/);
    // Built once: the same sources give the same folder.
    expect(workerEntry().href).toBe(entry.href);
  });

  it('names the TypeScript source in the stack of an error thrown in a worker', async () => {
    const err = await workers.pool.run('no-such-task', undefined).catch((e: Error) => e);
    expect((err as Error).message).toBe('unknown task "no-such-task"');
    expect((err as Error).stack).toMatch(/src\/workers\/serve\.ts:\d+:\d+/);
  });
});

describe('worker heap limit under npm start', () => {
  // V8 heap flags given to node apply to every isolate and win over a worker's resourceLimits:
  // a larger main-thread limit in the start script would let each worker grow past what
  // src/workers/workers.ts allows for one hostile page.
  it('is the 512 MiB a worker is given, with the node flags package.json starts the bot with', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'briefbot-heap-'));
    try {
      const script = join(dir, 'heap.mts');
      const workersModule = new URL('../src/workers/workers.ts', import.meta.url).href;
      writeFileSync(script, `import { createWorkers } from ${JSON.stringify(workersModule)};\nconst w = createWorkers({ size: 1 });\nconsole.log(JSON.stringify(await w.memory()));\nawait w.close();\n`);
      const flags = startArgs().filter((a) => !a.endsWith('bin/start.ts'));
      const { stdout } = await promisify(execFile)(process.execPath, [...flags, script], { env: { ...process.env, ...startEnv() } });
      const mib = (JSON.parse(stdout) as { heapLimit: number }).heapLimit / 2 ** 20;
      expect(mib).toBeGreaterThanOrEqual(512);
      expect(mib).toBeLessThan(600);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
