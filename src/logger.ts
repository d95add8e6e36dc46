import { pino } from 'pino';

/** The subset of pino the code uses, so tests can pass a silent or capturing logger. */
export interface Logger {
  debug(obj: object | string, msg?: string): void;
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
  child(bindings: Record<string, unknown>): Logger;
}

export function createLogger(level: string = 'info', destination: NodeJS.WritableStream = process.stderr): Logger {
  return pino({ level, base: undefined }, destination as pino.DestinationStream) as unknown as Logger;
}

export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child() {
    return silentLogger;
  },
};
