import { parentPort } from 'node:worker_threads';
import { serve } from './serve.js';
import { taskHandlers } from './tasks.js';

/** A pool worker: the bot's tasks (src/workers/tasks.ts) served one at a time (serve.ts). */
const port = parentPort;
if (!port) throw new Error('src/workers/worker.ts runs only as a worker thread');
serve(port, taskHandlers());
