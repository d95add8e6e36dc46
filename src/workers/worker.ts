import { parentPort } from 'node:worker_threads';
import { BriefbotError } from '../errors.js';
import { preload, taskHandlers } from './tasks.js';
import type { TaskError } from './pool.js';

/** The worker's side of the pool: runs each task it is sent and answers with its value or its error. */
const port = parentPort;
if (!port) throw new Error('src/workers/worker.ts runs only as a worker thread');
const handlers = taskHandlers();

port.on('message', async (msg: { id: number; task: string; payload: unknown }) => {
  try {
    const handler = handlers[msg.task as keyof typeof handlers];
    if (!handler) throw new Error(`unknown task "${msg.task}"`);
    const value = await handler(msg.payload as never);
    port.postMessage({ id: msg.id, ok: true, value });
  } catch (err) {
    const error: TaskError =
      err instanceof BriefbotError
        ? { expected: true, code: err.code, message: err.message, retryable: err.retryable }
        : { expected: false, message: err instanceof Error ? err.message : String(err), stack: err instanceof Error ? err.stack : undefined };
    port.postMessage({ id: msg.id, ok: false, error });
  }
});

await preload();
port.postMessage({ ready: true });
