import { spawn } from 'node:child_process';
import { ensureBigStore } from './big-store.js';
import { processMemory } from './proc-memory.js';
import { startArgs, startEnv } from './start-args.js';
import { loadCorpus, repoRoot, sample } from './corpus.js';
import type { Figure } from './report.js';
import { percentile } from './stats.js';

export interface FootprintOptions {
  articles: number;
  questions: number;
  log: (s: string) => void;
}

/**
 * The bot as `npm start` runs it (bin/start.ts under tsx's loader, in one node
 * process so its own /proc entry is read), on the big store, console adapter on:
 * time from spawn to "briefbot is ready", then /ask lines on stdin one at a time,
 * and the peak RSS once they are answered.
 */
export async function benchFootprint(opts: FootprintOptions): Promise<Figure[]> {
  const big = ensureBigStore(opts.articles, opts.log);
  const env: NodeJS.ProcessEnv = {
    ...startEnv(),
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    BRIEFBOT_DB: big.path,
    BRIEFBOT_LOAD_SAMPLES: 'false',
    BRIEFBOT_CONSOLE: 'true',
    LOG_LEVEL: 'warn',
  };
  const started = performance.now();
  const child = spawn(process.execPath, startArgs(), { cwd: repoRoot, env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  let out = '';
  let waiter: (() => void) | undefined;
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    waiter?.();
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const until = (pred: () => boolean, ms: number, what: string) =>
    new Promise<void>((resolve, reject) => {
      if (pred()) return resolve();
      const timer = setTimeout(() => reject(new Error(`bot: no ${what} within ${ms} ms; stderr: ${stderr.slice(-500)}`)), ms);
      waiter = () => {
        if (!pred()) return;
        clearTimeout(timer);
        waiter = undefined;
        resolve();
      };
      void exited.then(() => waiter && reject(new Error(`bot exited before ${what}; stderr: ${stderr.slice(-500)}`)));
    });
  try {
    await until(() => out.includes('briefbot is ready'), 60_000, 'ready line');
    const readyMs = performance.now() - started;
    const atReady = processMemory(child.pid!);
    const latencies: number[] = [];
    for (const q of sample(loadCorpus().questions, opts.questions, 11)) {
      const before = out.length;
      const t = performance.now();
      child.stdin.write(`/ask ${q.question}\n`);
      await until(() => out.length > before && out.endsWith('\n'), 30_000, 'answer');
      latencies.push(performance.now() - t);
    }
    const after = processMemory(child.pid!);
    return [
      {
        section: 'footprint',
        name: 'start to ready',
        value: readyMs,
        unit: 'ms',
        target: { op: '<=', value: 2000 },
        note: `${big.articles} articles; RSS at ready ${atReady.rss.toFixed(0)} MiB`,
      },
      {
        section: 'footprint',
        name: 'peak RSS while answering',
        value: after.peak,
        unit: 'MiB',
        // Main thread plus the worker pool (one per core), each worker with its own store connection.
        target: { op: '<=', value: 350 },
        note: `VmHWM after ${latencies.length} /ask lines on stdin (end-to-end p50 ${percentile(latencies, 50).toFixed(0)} ms, p99 ${percentile(latencies, 99).toFixed(0)} ms)`,
      },
    ];
  } finally {
    child.stdin.end();
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}
