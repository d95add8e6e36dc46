import { getHeapStatistics } from 'node:v8';
import { parentPort } from 'node:worker_threads';
import { BriefbotError } from '../errors.js';
import { taskHandlers, type Pause } from './tasks.js';
import type { TaskError } from './pool.js';

/** The worker's side of the pool: runs each task it is sent and answers with its value or its error. */
const port = parentPort;
if (!port) throw new Error('src/workers/worker.ts runs only as a worker thread');
const handlers = taskHandlers();

/** This isolate's heap after a task (a microsecond to read): the pool keeps each worker's latest and peak for the metrics. */
function heap(): { total: number; used: number; external: number } {
  const h = getHeapStatistics();
  return { total: h.total_heap_size, used: h.used_heap_size, external: h.external_memory };
}

port.on('message', async (msg: { id: number; task: string; payload: unknown }) => {
  try {
    const handler = handlers[msg.task as keyof typeof handlers];
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
});

port.postMessage({ ready: true });
