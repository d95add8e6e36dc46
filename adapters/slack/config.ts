import type { Logger } from '../../src/index.js';

/** Plain settings; src/config.ts maps the environment onto this. */
export interface SlackAdapterConfig {
  /** SLACK_BOT_TOKEN (xoxb-…). */
  botToken: string;
  /** SLACK_SIGNING_SECRET: HTTP mode (Slack calls our /slack/events). */
  signingSecret?: string;
  /** SLACK_APP_TOKEN (xapp-…): Socket Mode (we dial out to Slack; no public URL needed). Wins over HTTP when set. */
  appToken?: string;
  /** SLACK_API_URL: Web API base, e.g. a GovSlack or proxy URL. Default https://slack.com/api/. */
  apiUrl?: string;
  /** SLACK_PORT, HTTP mode only. Default 3000; 0 picks a free port (tests). */
  port?: number;
  /** SLACK_HOST, HTTP mode only. Default: all interfaces. */
  host?: string;
  /** BRIEFBOT_ADMINS: Slack user ids, bare (U0123) or prefixed (slack:U0123); other platforms' ids are ignored. */
  admins?: string[];
  /** The bot's own user id; normally learned from auth.test at start. */
  botUserId?: string;
  logger?: Logger;
  /** How many times one Web API call is retried on 429/5xx/network errors before post() gives up. Default 2. */
  apiRetries?: number;
  /** Per-request timeout for Web API calls, ms. Default 10,000. */
  apiTimeoutMs?: number;
  /** Web API requests in flight at once (the client's queue). Default 100. */
  apiConcurrency?: number;
}

export type SlackMode = 'socket' | 'http';

/** Socket Mode whenever an app token is given: it needs no public URL, so it is the safer reading of "both set". */
export function slackMode(cfg: Partial<SlackAdapterConfig>): SlackMode {
  return cfg.appToken ? 'socket' : 'http';
}

/**
 * Problems with the configuration, each naming the environment variable to fix.
 * Empty when the adapter can start.
 */
export function validateSlackConfig(cfg: Partial<SlackAdapterConfig>): string[] {
  const problems: string[] = [];
  if (!cfg.botToken) {
    problems.push('SLACK_BOT_TOKEN is missing: copy the Bot User OAuth Token (xoxb-…) from your Slack app\'s "OAuth & Permissions" page.');
  } else if (!cfg.botToken.startsWith('xoxb-')) {
    problems.push(
      `SLACK_BOT_TOKEN should be a bot token starting with "xoxb-" (got one starting with "${cfg.botToken.slice(0, 5)}"): use the Bot User OAuth Token, not a user or app-level token.`,
    );
  }
  if (!cfg.signingSecret && !cfg.appToken) {
    problems.push(
      'Set SLACK_APP_TOKEN (xapp-…, Socket Mode: "Basic Information" → App-Level Tokens with connections:write) or SLACK_SIGNING_SECRET (HTTP mode: "Basic Information" → Signing Secret).',
    );
  }
  if (cfg.appToken && !cfg.appToken.startsWith('xapp-')) {
    problems.push(
      `SLACK_APP_TOKEN should be an app-level token starting with "xapp-" (got one starting with "${cfg.appToken.slice(0, 5)}").`,
    );
  }
  if (cfg.apiUrl !== undefined) {
    let ok = false;
    try {
      const u = new URL(cfg.apiUrl);
      ok = u.protocol === 'https:' || u.protocol === 'http:';
    } catch {
      ok = false;
    }
    if (!ok) problems.push(`SLACK_API_URL must be an http(s) URL such as https://slack.com/api/ (got "${cfg.apiUrl}").`);
  }
  if (cfg.port !== undefined && (!Number.isInteger(cfg.port) || cfg.port < 0 || cfg.port > 65535)) {
    problems.push(`SLACK_PORT must be a whole number from 0 to 65535 (got "${cfg.port}").`);
  }
  for (const id of cfg.admins ?? []) {
    const bare = id.startsWith('slack:') ? id.slice('slack:'.length) : id;
    if (id.includes(':') && !id.startsWith('slack:')) continue;
    if (!/^[UW][A-Z0-9]+$/.test(bare)) {
      problems.push(`BRIEFBOT_ADMINS: "${id}" is not a Slack user id (they look like U0123ABCD, or slack:U0123ABCD).`);
    }
  }
  return problems;
}

/** Slack user ids from BRIEFBOT_ADMINS, prefix removed; ids of other platforms dropped. */
export function slackAdmins(admins: string[] | undefined): Set<string> {
  const out = new Set<string>();
  for (const id of admins ?? []) {
    if (id.startsWith('slack:')) out.add(id.slice('slack:'.length));
    else if (!id.includes(':')) out.add(id);
  }
  return out;
}

/** Bolt's WebClient wants the base URL to end with a slash. */
export function apiBase(apiUrl: string | undefined): string {
  const base = apiUrl ?? 'https://slack.com/api/';
  return base.endsWith('/') ? base : `${base}/`;
}
