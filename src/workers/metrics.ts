import { Gauge, type Registry } from 'prom-client';
import type { WorkerPool } from './pool.js';

/**
 * Each worker's V8 heap on /metrics: the process's resident set holds every worker's
 * isolate, and this says which one grew. Read from what the workers report after each
 * task, so a scrape never waits behind an answer.
 */
export function registerWorkerMetrics(registry: Registry, pool: WorkerPool): void {
  new Gauge({
    name: 'briefbot_worker_heap_bytes',
    help: "Worker threads' V8 heap: total and used after the last task, external buffers, and the largest total so far",
    labelNames: ['worker', 'kind'] as const,
    registers: [registry],
    collect() {
      this.reset();
      pool.memory().forEach((m, i) => {
        const worker = String(i);
        this.set({ worker, kind: 'peak_total' }, m.peakTotal);
        if (!m.heap) return;
        this.set({ worker, kind: 'total' }, m.heap.total);
        this.set({ worker, kind: 'used' }, m.heap.used);
        this.set({ worker, kind: 'external' }, m.heap.external);
      });
    },
  });
}
