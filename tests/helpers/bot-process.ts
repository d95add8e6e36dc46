import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** `npm start` as a child process: the real bin/start.ts, its own environment, stdin closed as under systemd. */
export interface BotProcess {
  readonly name: string;
  readonly child: ChildProcess;
  /** Everything the process wrote to stderr (its JSON log lines) so far. */
  log(): string;
  /** Resolves once the log matches `pattern`; rejects if the process exits first or `timeoutMs` passes. */
  waitForLog(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL: a crash, no clean-up. */
  kill(): Promise<void>;
  readonly exited: Promise<number | null>;
}

export function startBot(name: string, env: Record<string, string>): BotProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bin/start.ts'], {
    cwd: ROOT,
    // A clean environment: only what the test sets, so a developer's own .env exports cannot leak in.
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', HEALTH_PORT: '', BRIEFBOT_CONSOLE: 'false', LOG_LEVEL: 'info', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.stdin!.end();
  let err = '';
  child.stdout!.on('data', () => {});
  child.stderr!.on('data', (d) => (err += d));
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      exitCode = code;
      resolve(exitCode);
    }),
  );
  return {
    name,
    child,
    log: () => err,
    async waitForLog(pattern, timeoutMs = 60_000) {
      const started = Date.now();
      while (!pattern.test(err)) {
        if (exitCode !== undefined) throw new Error(`${name} exited (${exitCode}) before logging ${pattern}:\n${err.slice(-4000)}`);
        if (Date.now() - started > timeoutMs) throw new Error(`${name} did not log ${pattern} within ${timeoutMs} ms:\n${err.slice(-4000)}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async stop() {
      if (exitCode === undefined) child.kill('SIGTERM');
      return exited;
    },
    async kill() {
      if (exitCode === undefined) child.kill('SIGKILL');
      await exited;
    },
    exited,
  };
}

/** Polls `check` until it returns a value other than undefined (generous: the machine may be busy). */
export async function eventually<T>(what: string, check: () => T | undefined | Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
