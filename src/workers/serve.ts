import { getHeapStatistics } from 'node:v8';
import type { MessagePort } from 'node:worker_threads';
import { BriefbotError } from '../errors.js';
import type { TaskError } from './pool.js';

/** Runs `fn` with the current task's deadline stopped. */
export type Pause = <T>(fn: () => Promise<T>) => Promise<T>;

export type Handlers = Record<string, (payload: never, pause: Pause) => unknown>;

/** This isolate's heap after a task (a microsecond to read): the pool keeps each worker's latest and peak for the metrics. */
function heap(): { total: number; used: number; external: number } {
  const h = getHeapStatistics();
  return { total: h.total_heap_size, used: h.used_heap_size, external: h.external_memory };
}

/**
 * The worker's side of the pool: runs each task it is sent and answers with its value or
 * its error, strictly one task after another in the order sent. The pool may send a bulk
 * task before the one running ends (so the thread never waits for the main thread to hand
 * it the next); a task that awaits (loading the parsers, a database) must still finish
 * before the next starts, or replies would come out of order.
 */
export function serve(port: MessagePort, handlers: Handlers): void {
  let chain: Promise<void> = Promise.resolve();
  port.on('message', (msg: { id: number; task: string; payload: unknown }) => {
    chain = chain.then(() => run(port, handlers, msg));
  });
  port.postMessage({ ready: true });
}

async function run(port: MessagePort, handlers: Handlers, msg: { id: number; task: string; payload: unknown }): Promise<void> {
  try {
    const handler = Object.hasOwn(handlers, msg.task) ? handlers[msg.task] : undefined;
    if (!handler) throw new Error(`unknown task "${msg.task}"`);
    // The pool stops the task's deadline while the thread loads code the input did not ask for.
    const pause: Pause = async (fn) => {
      port.postMessage({ id: msg.id, pause: true });
      try {
        return await fn();
      } finally {
        port.postMessage({ id: msg.id, pause: false });
      }
    };
    const value = await handler(msg.payload as never, pause);
    port.postMessage({ id: msg.id, ok: true, value, heap: heap() });
  } catch (err) {
    const error: TaskError =
      err instanceof BriefbotError
        ? { expected: true, code: err.code, message: err.message, retryable: err.retryable }
        : { expected: false, message: err instanceof Error ? err.message : String(err), stack: err instanceof Error ? err.stack : undefined };
    port.postMessage({ id: msg.id, ok: false, error, heap: heap() });
  }
}
