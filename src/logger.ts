import { pino } from 'pino';
import pretty from 'pino-pretty';
import { REDACT_PATHS, secretScrubber } from './redact.js';

/** The subset of pino the code uses, so tests can pass a silent or capturing logger. */
export interface Logger {
  debug(obj: object | string, msg?: string): void;
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
  child(bindings: Record<string, unknown>): Logger;
}

export type LogFormat = 'auto' | 'pretty' | 'json';

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

export interface LogSettings {
  level: string;
  pretty: boolean;
  colour: boolean;
}

/**
 * How logs are written. People at a terminal get pino-pretty lines (coloured only on a
 * terminal); machines get JSON lines: when the stream is piped or redirected, or with
 * LOG_FORMAT=json. With the console bot in the same terminal, the bot's answers go to
 * stdout and logs to stderr, which is the same screen: info lines there would land
 * between answers, so only warnings and errors are shown (`npm start 2>bot.log` keeps
 * everything at LOG_LEVEL, as JSON, in the file).
 */
export function logSettings(o: { level: string; format: LogFormat; isTTY: boolean; consoleBot?: boolean }): LogSettings {
  const pretty = o.format === 'pretty' || (o.format === 'auto' && o.isTTY);
  const sharesScreen = o.consoleBot === true && o.isTTY;
  const level = sharesScreen && LEVELS.indexOf(o.level) < LEVELS.indexOf('warn') ? 'warn' : o.level;
  return { level, pretty, colour: pretty && o.isTTY };
}

export function createLogger(
  level: string = 'info',
  destination: NodeJS.WritableStream = process.stderr,
  options: { format?: LogFormat; consoleBot?: boolean; secrets?: string[] } = {},
): Logger {
  const isTTY = (destination as NodeJS.WriteStream).isTTY === true;
  const s = logSettings({ level, format: options.format ?? 'json', isTTY, consoleBot: options.consoleBot });
  const stream = s.pretty
    ? pretty({ colorize: s.colour, destination, sync: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' })
    : (destination as pino.DestinationStream);
  // Every line passes the scrubber before it is written: secrets never reach the stream.
  const scrub = secretScrubber(options.secrets ?? []);
  const scrubbed: pino.DestinationStream = { write: (line: string) => void stream.write(scrub(line)) };
  return pino({ level: s.level, base: undefined, redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, scrubbed) as unknown as Logger;
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
