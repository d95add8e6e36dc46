import { LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import type { Logger } from '../../src/index.js';

const ORDER: LogLevel[] = [LogLevel.DEBUG, LogLevel.INFO, LogLevel.WARN, LogLevel.ERROR];

function line(parts: unknown[]): string {
  return parts.map((p) => (p instanceof Error ? p.message : typeof p === 'string' ? p : JSON.stringify(p))).join(' ');
}

/**
 * Bolt, its WebClient and the Socket Mode client each want a @slack/logger; this
 * routes them all into the bot's own structured logger so nothing prints on its own.
 * Bolt's "info" chatter (connection steps, rate-limit waits) goes to debug.
 */
export function boltLogger(log: Logger, minimum: LogLevel = LogLevel.DEBUG): BoltLogger {
  let level = minimum;
  const on = (l: LogLevel) => ORDER.indexOf(l) >= ORDER.indexOf(level);
  return {
    debug: (...m: unknown[]) => on(LogLevel.DEBUG) && log.debug(line(m)),
    info: (...m: unknown[]) => on(LogLevel.INFO) && log.debug(line(m)),
    warn: (...m: unknown[]) => on(LogLevel.WARN) && log.warn(line(m)),
    error: (...m: unknown[]) => on(LogLevel.ERROR) && log.error(line(m)),
    setLevel: (l: LogLevel) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => {},
  };
}

export const quietLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child() {
    return quietLogger;
  },
};
