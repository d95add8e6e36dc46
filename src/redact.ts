import type { Config } from './config.js';

/**
 * Keeping secrets out of logs. Field names catch the obvious places (a token or password
 * property); the scrubber catches the rest: a secret inside an error message, a request
 * dump of a library, a connection string. It replaces the configured secret values
 * wherever they appear, and anything shaped like a Slack token or a URL password.
 */
export const REDACT_PATHS = [
  'token', 'botToken', 'appToken', 'signingSecret', 'password', 'databaseUrl', 'authorization',
  '*.token', '*.botToken', '*.appToken', '*.signingSecret', '*.password', '*.databaseUrl', '*.authorization',
  'headers.authorization', 'headers.Authorization', '*.headers.authorization', '*.headers.Authorization',
];

const CENSOR = '[redacted]';

const SHAPES: [RegExp, string][] = [
  // Slack bot, user, app and configuration tokens.
  [/\bxox[abposre]-[A-Za-z0-9-]+/g, CENSOR],
  [/\bxapp-[A-Za-z0-9-]+/g, CENSOR],
  // user:password@ in any URL (DATABASE_URL, proxies).
  [/(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@"]*:)[^\s@/"]+@/gi, `$1${CENSOR}@`],
];

/** A function that removes every secret from a log line. Values shorter than 6 characters are not scrubbed by value (they would match ordinary words). */
export function secretScrubber(secrets: (string | undefined)[]): (line: string) => string {
  const values = [...new Set(secrets.filter((s): s is string => typeof s === 'string' && s.length >= 6))]
    .flatMap((s) => [s, JSON.stringify(s).slice(1, -1), encodeURIComponent(s)])
    .sort((a, b) => b.length - a.length);
  return (line) => {
    let out = line;
    for (const v of values) if (out.includes(v)) out = out.split(v).join(CENSOR);
    for (const [re, by] of SHAPES) out = out.replace(re, by);
    return out;
  };
}

/** The secret values in a configuration: platform tokens, the signing secret, the database password. */
export function configSecrets(cfg: Config): string[] {
  const out: (string | undefined)[] = [cfg.slack?.botToken, cfg.slack?.appToken, cfg.slack?.signingSecret, cfg.discord?.token];
  const url = cfg.databaseUrl;
  if (url) {
    try {
      const u = new URL(url);
      if (u.password) out.push(u.password, decodeURIComponent(u.password));
    } catch {
      // Not a URL: the config check reports it; nothing to scrub by value.
    }
  }
  return out.filter((s): s is string => Boolean(s));
}
