import { availableParallelism, loadavg } from 'node:os';
import { Worker, type ResourceLimits, type Transferable } from 'node:worker_threads';
import { BriefbotError } from '../errors.js';

/**
 * A fixed set of worker threads that run tasks by name, one at a time each.
 *
 * Node's worker_threads rather than a pool library because of the deadline: a task's
 * budget starts when a worker takes it (not while it waits in the queue), and a worker
 * that runs past it is terminated and replaced, never awaited. Interactive tasks (an
 * answer someone is waiting for) go before bulk ones (ingest) in the queue.
 *
 * Bulk tasks are prefetched: a busy worker is sent its next bulk task before the one it
 * runs ends, and starts it as soon as it is done, even while this thread is blocked (an
 * ingest's write transaction). One per worker at most, and only when no interactive task
 * waits, so an answer never waits behind more than one prefetched task per worker.
 */

export type Priority = 'interactive' | 'bulk';

export interface RunOptions {
  /** Milliseconds the task may run once started; past it the worker is terminated and the task fails with code 'timeout'. */
  deadlineMs?: number;
  priority?: Priority;
  transfer?: Transferable[];
}

export interface PoolOptions {
  /**
   * Module the workers run (bundle.ts's build of src/workers/worker.ts): it answers { id, task,
   * payload } messages. A function is asked again for every worker started, replacements
   * included, so a build removed since the pool began is made again rather than failing the start.
   */
  entry: URL | (() => URL);
  /** Threads; default: the machine's cores. */
  size?: number;
  workerData?: unknown;
  resourceLimits?: ResourceLimits;
}

export interface TaskError {
  /** A BriefbotError: an expected failure with a stable code, explained to the user as it is. */
  expected: boolean;
  code?: string;
  message: string;
  retryable?: boolean;
  stack?: string;
}

/** A worker's V8 heap in bytes, as it reports after each task. */
export interface WorkerHeap {
  total: number;
  used: number;
  /** Buffers outside the heap that V8 accounts for (typed arrays, strings from SQLite rows). */
  external: number;
}

/** One live worker's memory: its heap after the last task and the largest heap it has had. */
export interface WorkerMemory {
  threadId: number;
  heap?: WorkerHeap;
  peakTotal: number;
}

type Reply =
  | { id: number; ok: true; value: unknown; heap?: WorkerHeap }
  | { id: number; ok: false; error: TaskError; heap?: WorkerHeap }
  | { ready: true }
  /** The worker is loading code, not working on the input: the deadline stops, and starts afresh after. */
  | { id: number; pause: boolean };

interface Job {
  id: number;
  task: string;
  payload: unknown;
  options: RunOptions;
  resolve(value: unknown): void;
  reject(err: Error): void;
}

interface Slot {
  worker: Worker;
  /** The worker has loaded its modules: a task's budget is spent on the task, not on start-up. */
  ready: boolean;
  job?: Job;
  /** A bulk task already sent to the worker, which starts it when `job` ends. */
  next?: Job;
  timer?: NodeJS.Timeout;
  /** Set once the worker is being replaced, so its exit is not taken for a crash. */
  retired?: boolean;
  heap?: WorkerHeap;
  peakTotal: number;
  /** When this worker last took a task (the id of that task: ids grow). */
  lastTask: number;
}

export function poolSize(): number {
  return Math.max(1, availableParallelism());
}

/** A task error as thrown in the worker, rebuilt on this side: expected errors keep their code. */
export function rebuildError(e: TaskError): Error {
  if (e.expected && e.code !== undefined) return new BriefbotError(e.code, e.message, { retryable: e.retryable });
  const err = new Error(e.message);
  if (e.stack) err.stack = e.stack;
  return err;
}

export class WorkerPool {
  readonly size: number;
  private readonly slots: Slot[] = [];
  private readonly queues: Record<Priority, Job[]> = { interactive: [], bulk: [] };
  private nextId = 1;
  private closing?: Promise<void>;
  private drained?: () => void;
  /** warm() was called: every thread is started, one after another. */
  private warming = false;

  constructor(private readonly options: PoolOptions) {
    this.size = Math.max(1, options.size ?? poolSize());
  }

  /** Tasks waiting for a worker: in the queue, or sent to a busy worker ahead of time. */
  get queued(): number {
    return this.waiting + this.prefetched;
  }

  /** Bulk tasks sent to a busy worker ahead of time (see the class comment). */
  get prefetched(): number {
    return this.slots.filter((s) => s.next).length;
  }

  private get waiting(): number {
    return this.queues.interactive.length + this.queues.bulk.length;
  }

  /** Tasks running now. */
  get running(): number {
    return this.slots.filter((s) => s.job).length;
  }

  /** Thread ids of the live workers (for per-worker memory figures). */
  get threadIds(): number[] {
    return this.slots.map((s) => s.worker.threadId);
  }

  /** Each live worker's heap as it reported after its last task; no work is sent to ask. */
  memory(): WorkerMemory[] {
    return this.slots.map((s) => ({ threadId: s.worker.threadId, heap: s.heap, peakTotal: s.peakTotal }));
  }

  run<T>(task: string, payload: unknown, options: RunOptions = {}): Promise<T> {
    if (this.closing) return Promise.reject(new BriefbotError('shutting_down', 'briefbot is shutting down', { retryable: true }));
    return new Promise<T>((resolve, reject) => {
      const job: Job = { id: this.nextId++, task, payload, options, resolve: resolve as (v: unknown) => void, reject };
      this.queues[options.priority ?? 'bulk'].push(job);
      this.dispatch();
    });
  }

  /**
   * Starts a thread now, so the first task does not wait for one to load, and the others
   * each after the one before is ready (starting them all at once doubles start-up's CPU).
   * A burst of questions then finds every thread loaded, instead of the second loading its
   * code on the same cores while the first answers.
   */
  warm(): void {
    this.warming = true;
    if (!this.closing && this.slots.length === 0) this.spawn();
  }

  /** Stops taking tasks, lets every queued and running task finish, then ends the threads. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      if (this.queued > 0 || this.running > 0) await new Promise<void>((resolve) => (this.drained = resolve));
      await this.terminate();
    })();
    return this.closing;
  }

  /** Ends every thread now; tasks still queued or running fail. */
  async terminate(): Promise<void> {
    const gone = new BriefbotError('shutting_down', 'briefbot is shutting down', { retryable: true });
    for (const q of Object.values(this.queues)) for (const job of q.splice(0)) job.reject(gone);
    const slots = this.slots.splice(0);
    await Promise.all(
      slots.map((s) => {
        s.retired = true;
        clearTimeout(s.timer);
        s.job?.reject(gone);
        s.next?.reject(gone);
        return s.worker.terminate();
      }),
    );
  }

  private next(): Job | undefined {
    return this.queues.interactive.shift() ?? this.queues.bulk.shift();
  }

  private dispatch(): void {
    while (this.waiting > 0) {
      const slot = this.idlest();
      if (!slot) {
        // Workers still starting will take the queue when they are ready.
        const starting = this.slots.filter((s) => !s.ready).length;
        if (this.slots.length < this.size && starting < this.waiting) this.spawn();
        else this.prefetch();
        return;
      }
      this.start(slot, this.next()!);
    }
    if (this.running === 0) this.drained?.();
  }

  /** Sends queued bulk tasks to busy workers, one each, while no interactive task waits and every thread is up. */
  private prefetch(): void {
    // A thread still starting takes the next task itself when it is ready; sending it ahead to a busy one would make it wait.
    if (this.queues.interactive.length > 0 || this.slots.length < this.size || this.slots.some((s) => !s.ready)) return;
    for (const slot of this.slots) {
      if (this.queues.bulk.length === 0) return;
      if (!slot.ready || !slot.job || slot.next) continue;
      const job = this.queues.bulk.shift()!;
      slot.next = job;
      // Copied, not moved: should the worker die first, the task runs on another with its payload intact.
      slot.worker.postMessage({ id: job.id, task: job.task, payload: job.payload });
    }
  }

  /**
   * The ready, free worker that took a task least recently. Taking turns keeps every
   * thread's compiled code and caches (document frequencies, analysed sentences, SQLite
   * pages) warm: with the first free worker always chosen, questions asked one at a time
   * all went to one thread, and a burst found the other cold, compiling the answerer
   * (V8 optimised `ask` several times over, 0.3–0.6 s each) and counting every word's
   * document frequency afresh (~1 ms a word) on the cores the answers needed.
   */
  private idlest(): Slot | undefined {
    let best: Slot | undefined;
    for (const s of this.slots) if (s.ready && !s.job && (!best || s.lastTask < best.lastTask)) best = s;
    return best;
  }

  private start(slot: Slot, job: Job): void {
    slot.job = job;
    slot.lastTask = job.id;
    slot.worker.ref();
    this.startDeadline(slot, job);
    slot.worker.postMessage({ id: job.id, task: job.task, payload: job.payload }, job.options.transfer ?? []);
  }

  /**
   * The worker's prefetched task becomes the one it runs. Its budget starts now, when this
   * thread learns the previous one ended: if this thread was busy meanwhile, the worker
   * started it a little earlier, and the task gets that much longer.
   */
  private promote(slot: Slot): void {
    const job = slot.next!;
    slot.next = undefined;
    slot.job = job;
    slot.lastTask = job.id;
    this.startDeadline(slot, job);
  }

  /** A prefetched task whose worker is gone goes back to the front of the queue. */
  private requeue(slot: Slot): void {
    const job = slot.next;
    slot.next = undefined;
    if (job) this.queues.bulk.unshift(job);
  }

  private startDeadline(slot: Slot, job: Job): void {
    const { deadlineMs } = job.options;
    if (deadlineMs === undefined) return;
    slot.timer = setTimeout(() => {
      // Runaway work cannot be interrupted from outside but its thread can be ended; a fresh one takes its place.
      this.replace(slot);
      this.requeue(slot);
      job.reject(new BriefbotError('timeout', `gave up after ${formatSeconds(deadlineMs)}`));
      this.dispatch();
    }, deadlineMs * overload());
  }

  private finish(slot: Slot, reply: Reply): void {
    if ('ready' in reply) {
      slot.ready = true;
      if (this.warming && !this.closing && this.slots.length < this.size && this.slots.every((s) => s.ready)) this.spawn();
      this.dispatch();
      if (!slot.job) slot.worker.unref();
      return;
    }
    const job = slot.job;
    if (!job || job.id !== reply.id) return;
    if ('pause' in reply) {
      clearTimeout(slot.timer);
      if (!reply.pause) this.startDeadline(slot, job);
      return;
    }
    clearTimeout(slot.timer);
    if (reply.heap) {
      slot.heap = reply.heap;
      slot.peakTotal = Math.max(slot.peakTotal, reply.heap.total);
    }
    slot.job = undefined;
    slot.timer = undefined;
    if (slot.next) this.promote(slot);
    else slot.worker.unref();
    if (reply.ok) job.resolve(reply.value);
    else job.reject(rebuildError(reply.error));
    this.dispatch();
  }

  private spawn(): Slot {
    const { entry } = this.options;
    const worker = new Worker(typeof entry === 'function' ? entry() : entry, {
      workerData: this.options.workerData,
      resourceLimits: this.options.resourceLimits,
      // The entry is plain JavaScript (bundle.ts) or registers the TypeScript loader itself: inherited flags (vitest's, tsx's) are not needed.
      execArgv: [],
    });
    const slot: Slot = { worker, ready: false, peakTotal: 0, lastTask: 0 };
    // Starting threads keep the process up until they can take the queue.
    worker.ref();
    worker.on('message', (reply: Reply) => this.finish(slot, reply));
    worker.on('error', (err) => this.crashed(slot, err));
    worker.on('exit', (code) => this.crashed(slot, new Error(`worker exited with code ${code}`)));
    this.slots.push(slot);
    return slot;
  }

  private replace(slot: Slot): void {
    slot.retired = true;
    clearTimeout(slot.timer);
    const i = this.slots.indexOf(slot);
    if (i >= 0) this.slots.splice(i, 1);
    void slot.worker.terminate();
  }

  private crashed(slot: Slot, err: Error & { code?: string }): void {
    if (slot.retired) return;
    const job = slot.job;
    this.replace(slot);
    this.requeue(slot);
    if (!slot.ready) {
      // A thread that cannot even start (a broken install) would fail again: fail the queue instead of looping.
      const failure = new BriefbotError('worker_failed', `a worker thread could not start: ${err.message}`);
      for (const q of Object.values(this.queues)) for (const queued of q.splice(0)) queued.reject(failure);
      return;
    }
    if (job) {
      const failure =
        err.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? new BriefbotError('too_large', 'it needed more memory than a worker is allowed')
          : new BriefbotError('worker_failed', `a worker thread failed: ${err.message}`, { retryable: true });
      job.reject(failure);
    }
    this.dispatch();
  }
}

/**
 * How much slower than an idle machine work runs now: the one-minute load average per
 * core, at least 1. A budget is meant for the task's own work, so on a machine busy
 * with other processes the deadline stretches by this factor instead of refusing
 * ordinary pages; a runaway task is still ended, only later.
 */
export function overload(): number {
  return Math.max(1, loadavg()[0] / availableParallelism());
}

function formatSeconds(ms: number): string {
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : s.toFixed(1)} s`;
}
