import { afterEach, describe, expect, it } from 'vitest';
import { WorkerPool } from '../src/workers/pool.js';

/**
 * Bulk tasks are prefetched: a busy worker is sent its next bulk task before the one it runs
 * ends. Tasks are held and released through gates in shared memory, so every expectation is
 * about order and outcome, never about time.
 */
const GATES = 16;
let gates: Int32Array;
let pool: WorkerPool;

function makePool(size: number): WorkerPool {
  const shared = new SharedArrayBuffer(GATES * 4);
  gates = new Int32Array(shared);
  pool = new WorkerPool({ entry: new URL('./helpers/pool-test-worker.mjs', import.meta.url), size, workerData: { gates: shared } });
  return pool;
}

function open(gate: number): void {
  Atomics.store(gates, gate, 1);
  Atomics.notify(gates, gate);
}

/** Until every worker has taken a task (the pool's own count, no clock). */
async function allRunning(p: WorkerPool): Promise<void> {
  while (p.running < p.size) await new Promise((r) => setImmediate(r));
}

afterEach(async () => {
  for (let g = 0; g < GATES; g++) open(g);
  await pool?.terminate();
});

describe('prefetching bulk tasks', () => {
  it('sends a busy worker its next bulk task ahead, and every task queued behind still runs, in order', async () => {
    const p = makePool(1);
    const done: string[] = [];
    const track = (name: string, task: Promise<unknown>) => task.then((v) => done.push(`${name}=${v}`));
    const all = [
      track('a', p.run('hold', { gate: 0, value: 'A' })),
      track('b', p.run('echo', 'B')),
      track('c', p.run('echo', 'C')),
      track('d', p.run('echo', 'D')),
    ];
    await allRunning(p);
    // A runs, B waits in the worker, C and D in the pool's queue.
    expect([p.running, p.prefetched, p.queued]).toEqual([1, 1, 3]);
    open(0);
    await Promise.all(all);
    expect(done).toEqual(['a=A', 'b=B', 'c=C', 'd=D']);
    expect([p.running, p.prefetched, p.queued]).toEqual([0, 0, 0]);
  });

  it('keeps one worker to one task at a time, even when the task awaits', async () => {
    const p = makePool(1);
    const first = p.run('awaitGate', { gate: 0, turned: 1, value: 'first' });
    const second = p.run('echo', 'second');
    await allRunning(p);
    expect(p.prefetched).toBe(1);
    // The second task has reached the worker while the first awaits: it must not start.
    while (Atomics.load(gates, 1) === 0) await new Promise((r) => setImmediate(r));
    open(0);
    expect(await Promise.all([first, second])).toEqual(['first', 'second']);
    expect(await p.run('log', undefined)).toEqual(['start first', 'end first', 'echo second']);
  });

  it('runs the prefetched task on a new worker when the worker crashes, with its transferred payload intact', async () => {
    const p = makePool(1);
    const crash = p.run('crash', { gate: 0 });
    const bytes = new Uint8Array([1, 2, 3, 250]);
    const after = p.run('bytes', { bytes }, { transfer: [bytes.buffer] });
    await allRunning(p);
    expect(p.prefetched).toBe(1);
    open(0);
    await expect(crash).rejects.toMatchObject({ code: 'worker_failed' });
    expect(await after).toEqual([1, 2, 3, 250]);
  });

  it('runs the prefetched task on a new worker when the running one is ended past its deadline', async () => {
    const p = makePool(1);
    const runaway = p.run('spin', undefined, { deadlineMs: 100 });
    const after = p.run('echo', 'after');
    await expect(runaway).rejects.toMatchObject({ code: 'timeout' });
    expect(await after).toBe('after');
  });

  it('starts a replacement worker from the entry asked for again, not the one the pool began with', async () => {
    const shared = new SharedArrayBuffer(GATES * 4);
    gates = new Int32Array(shared);
    const asked: number[] = [];
    const entry = () => (asked.push(asked.length), new URL('./helpers/pool-test-worker.mjs', import.meta.url));
    pool = new WorkerPool({ entry, size: 1, workerData: { gates: shared } });
    await expect(pool.run('spin', undefined, { deadlineMs: 100 })).rejects.toMatchObject({ code: 'timeout' });
    expect(await pool.run('echo', 'after')).toBe('after');
    expect(asked).toEqual([0, 1]);
  });

  it('lets an interactive task wait behind at most the one prefetched bulk task per worker', async () => {
    const p = makePool(2);
    const done: string[] = [];
    const track = (name: string, task: Promise<unknown>) => task.then(() => done.push(name));
    const first = track('first', p.run('hold', { gate: 0 }));
    const bulk = [
      track('second', p.run('hold', { gate: 1 })),
      // Which worker each of these is sent to depends on which thread was ready first: each says when it starts.
      track('prefetched A', p.run('hold', { gate: 2, started: 4 })),
      track('prefetched B', p.run('hold', { gate: 3, started: 5 })),
      track('queued', p.run('echo', 'queued')),
    ];
    await allRunning(p);
    expect(p.prefetched).toBe(2);
    const answer = track('interactive', p.run('echo', 'answer', { priority: 'interactive' }));
    // No worker is free and none is sent more than one task ahead: the answer waits first in the pool's queue.
    expect([p.prefetched, p.queued]).toEqual([2, 4]);
    open(0);
    await first;
    // The first task's worker went on to the task prefetched for it; while an answer waits, no bulk task is sent ahead.
    expect([p.prefetched, p.queued]).toEqual([1, 3]);
    while (Atomics.load(gates, 4) + Atomics.load(gates, 5) === 0) await new Promise((r) => setImmediate(r));
    const behindFirst = Atomics.load(gates, 4) ? 'prefetched A' : 'prefetched B';
    open(behindFirst === 'prefetched A' ? 2 : 3);
    await answer;
    // The answer ran right after the one task prefetched on its worker; the other worker is still on its first task.
    expect(done).toEqual(['first', behindFirst, 'interactive']);
    for (let g = 0; g < 4; g++) open(g);
    await Promise.all(bulk);
    expect(done.slice(3).sort()).toEqual(['prefetched A', 'prefetched B', 'queued', 'second'].filter((n) => n !== behindFirst));
  });

  it('drains prefetched tasks on close', async () => {
    const p = makePool(1);
    const tasks = [p.run('hold', { gate: 0, value: 1 }), p.run('echo', 2), p.run('echo', 3)];
    await allRunning(p);
    const closed = p.close();
    open(0);
    await closed;
    expect(await Promise.all(tasks)).toEqual([1, 2, 3]);
  });
});
