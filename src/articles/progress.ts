import type { IngestProgress } from './ingest.js';

export interface ProgressOptions {
  /** Where the status line goes (stderr: stdout stays the report, line by line). */
  out?: Pick<NodeJS.WriteStream, 'write'>;
  /** Whether a person is watching: stdout is a terminal. */
  tty?: boolean;
  /** Milliseconds on a monotonic clock. */
  now?: () => number;
}

/** Nothing for the first second (short runs print no progress at all), then at most four refreshes a second. */
const FIRST_MS = 1000;
const EVERY_MS = 250;

/**
 * A status line on the terminal for long ingests (count, rate, errors), rewritten in
 * place; nothing at all when stdout is not a terminal (pipes, CI, cron).
 */
export function terminalProgress(options: ProgressOptions = {}) {
  const out = options.out ?? process.stderr;
  const tty = options.tty ?? process.stdout.isTTY === true;
  const now = options.now ?? (() => performance.now());
  const started = now();
  let last = -Infinity;
  let shown = false;
  return {
    update(p: IngestProgress) {
      const t = now();
      if (!tty || t - started < FIRST_MS || t - last < EVERY_MS) return;
      last = t;
      shown = true;
      const done = p.added + p.duplicates + p.errors;
      const rate = done / ((t - started) / 1000);
      out.write(`\r\x1b[Kingest: ${done} read, ${p.added} added, ${p.duplicates} duplicates, ${p.errors} failed, ${rate.toFixed(0)} articles/s`);
    },
    /** Clears the line, if one was shown, before the report is printed. */
    done() {
      if (shown) out.write('\r\x1b[K');
    },
  };
}
