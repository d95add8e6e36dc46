// A pool worker for tests/worker-pool-prefetch.test.ts: the real protocol (src/workers/serve.ts)
// with tasks a test can hold and release (gates in shared memory), crash or run forever.
import { register } from 'tsx/esm/api';

register();
const { parentPort, workerData } = await import('node:worker_threads');
const { serve } = await import('../../src/workers/serve.ts');

const gates = new Int32Array(workerData.gates);
/** What this thread started and finished, in order. */
const log = [];

serve(parentPort, {
  echo(value) {
    log.push(`echo ${value}`);
    return value;
  },
  /** Blocks the thread until the test opens gate `gate`; says it has started by opening gate `started`, if given. */
  hold({ gate, started, value }) {
    if (started !== undefined) Atomics.store(gates, started, 1);
    Atomics.wait(gates, gate, 0);
    return value;
  },
  /**
   * Waits for gate `gate` without blocking the thread (as a task awaiting a database does);
   * opens gate `turned` once the thread's event loop has turned twice meanwhile, by when any
   * message already sent to it has been delivered.
   */
  async awaitGate({ gate, turned, value }) {
    log.push(`start ${value}`);
    for (let turns = 1; Atomics.load(gates, gate) === 0; turns++) {
      await new Promise((r) => setTimeout(r, 5));
      if (turns === 2) Atomics.store(gates, turned, 1);
    }
    log.push(`end ${value}`);
    return value;
  },
  crash({ gate }) {
    Atomics.wait(gates, gate, 0);
    process.exit(3);
  },
  spin() {
    for (;;);
  },
  bytes({ bytes }) {
    return Array.from(bytes);
  },
  log() {
    return log.splice(0);
  },
});
