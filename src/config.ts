import { z } from 'zod';
import { parseDuration } from './briefing/load-definitions.js';

/**
 * The environment, validated once at start-up. The only module that reads
 * process.env; every problem is reported at once, by variable name.
 */
const list = z
  .string()
  .optional()
  .transform((v) => (v ? v.split(',').map((s) => s.trim()).filter(Boolean) : []));
const bool = (dflt: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
    .optional()
    .transform((v) => (v === undefined || v === '' ? dflt : ['true', '1', 'yes'].includes(v)));
const port = z.coerce.number().int().min(0).max(65535);
const duration = (dflt: string) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      const ms = parseDuration(v || dflt);
      if (ms === undefined) {
        ctx.addIssue({ code: 'custom', message: `"${v}" is not a duration like 2h, 90m or 1d` });
        return z.NEVER;
      }
      return ms;
    });
const url = z.string().url().optional();
/** A short time budget: "5s", "2.5s", "800ms", or a number of seconds. */
const budget = (dflt: number) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (!v) return dflt;
      const m = /^(\d+(?:\.\d+)?)\s*(ms|s)?$/i.exec(v.trim());
      const ms = m ? Number(m[1]) * (m[2]?.toLowerCase() === 'ms' ? 1 : 1000) : NaN;
      if (!(ms >= 1)) {
        ctx.addIssue({ code: 'custom', message: `"${v}" is not a time budget like 5s or 800ms` });
        return z.NEVER;
      }
      return ms;
    });
/** A PostgreSQL URL; the message never repeats the value, which holds the password. */
const databaseUrl = z
  .string()
  .optional()
  .refine(
    (v) => {
      if (v === undefined) return true;
      try {
        return /^postgres(?:ql)?:$/i.test(new URL(v).protocol);
      } catch {
        return false;
      }
    },
    { message: 'is not a postgres:// or postgresql:// URL (e.g. postgres://briefbot:secret@db.internal:5432/briefbot)' },
  );

const schema = z
  .object({
    BRIEFBOT_DB: z.string().default('./data/briefbot.db'),
    DATABASE_URL: databaseUrl,
    BRIEFBOT_BRIEFS_DIR: z.string().default('./briefs'),
    BRIEFBOT_SAMPLES_DIR: z.string().default('./samples'),
    BRIEFBOT_LOAD_SAMPLES: bool(true),
    BRIEFBOT_CONSOLE: z.enum(['auto', 'true', 'false']).default('auto'),
    BRIEFBOT_MAX_BYTES: z.coerce.number().int().positive().default(5 * 1024 * 1024),
    BRIEFBOT_EXTRACT_TIMEOUT: budget(5000),
    BRIEFBOT_WORKERS: z.coerce.number().int().min(1).max(64).optional(),
    BRIEFBOT_ALLOW_PRIVATE_URLS: bool(false),
    BRIEFBOT_ADMINS: list,
    BRIEFBOT_SOURCES: list,
    BRIEFBOT_SOURCE_FOLDERS: list,
    BRIEFBOT_DELIVERY_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(5),
    BRIEFBOT_CATCHUP_GRACE: duration('2h'),
    BRIEFBOT_SOURCE_POLL: duration('15m'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    LOG_FORMAT: z.enum(['auto', 'pretty', 'json']).default('auto'),
    HEALTH_PORT: port.optional(),
    HEALTH_HOST: z.string().default('127.0.0.1'),
    SLACK_BOT_TOKEN: z.string().startsWith('xoxb-', 'must be a bot token starting with xoxb-').optional(),
    SLACK_SIGNING_SECRET: z.string().min(1).optional(),
    SLACK_APP_TOKEN: z.string().startsWith('xapp-', 'must be an app-level token starting with xapp-').optional(),
    SLACK_API_URL: url,
    SLACK_PORT: port.default(3000),
    SLACK_HOST: z.string().default('0.0.0.0'),
    DISCORD_TOKEN: z.string().min(1).optional(),
    DISCORD_APPLICATION_ID: z.string().regex(/^\d+$/, 'must be the numeric application id').optional(),
    DISCORD_GUILD_ID: z.string().regex(/^\d+$/, 'must be a numeric guild id').optional(),
    DISCORD_API_URL: url,
    DISCORD_SUBSCRIBE_ROLE: z.string().optional(),
    DISCORD_SHARD_COUNT: z
      .string()
      .regex(/^(auto|[1-9]\d{0,4})$/, 'must be a number of shards (1 or more) or auto')
      .optional()
      .transform((v) => (v === undefined ? undefined : v === 'auto' ? ('auto' as const) : Number(v))),
    DISCORD_SHARDS: z
      .string()
      .regex(/^\s*\d{1,5}\s*(,\s*\d{1,5}\s*)*$/, 'must be comma-separated shard ids, e.g. 0,1')
      .optional()
      .transform((v) => (v === undefined ? undefined : [...new Set(v.split(',').map((s) => Number(s.trim())))].sort((a, b) => a - b))),
  });

/** Rules across variables, checked on the raw environment so they are reported alongside per-variable problems. */
function crossProblems(env: Record<string, string | undefined>): string[] {
  const problems: string[] = [];
  if (env.SLACK_BOT_TOKEN && !env.SLACK_SIGNING_SECRET && !env.SLACK_APP_TOKEN) {
    problems.push('SLACK_SIGNING_SECRET: set SLACK_SIGNING_SECRET (HTTP mode) or SLACK_APP_TOKEN (Socket Mode) with SLACK_BOT_TOKEN');
  }
  if (!env.SLACK_BOT_TOKEN && (env.SLACK_SIGNING_SECRET || env.SLACK_APP_TOKEN)) {
    problems.push('SLACK_BOT_TOKEN: is missing: SLACK_SIGNING_SECRET/SLACK_APP_TOKEN are set, but the bot needs its xoxb- token too');
  }
  if (env.DISCORD_TOKEN && !env.DISCORD_APPLICATION_ID) problems.push('DISCORD_APPLICATION_ID: is required with DISCORD_TOKEN');
  if (!env.DISCORD_TOKEN && env.DISCORD_APPLICATION_ID) problems.push('DISCORD_TOKEN: is missing: DISCORD_APPLICATION_ID is set, but the bot needs its token too');
  if (env.DISCORD_SHARDS && !env.DISCORD_SHARD_COUNT) {
    problems.push('DISCORD_SHARD_COUNT: is required with DISCORD_SHARDS (the total number of shards across all processes, or auto)');
  }
  const count = Number(env.DISCORD_SHARD_COUNT);
  if (env.DISCORD_SHARDS && Number.isInteger(count) && count > 0) {
    const beyond = env.DISCORD_SHARDS.split(',').map((s) => Number(s.trim())).filter((id) => id >= count);
    if (beyond.length) problems.push(`DISCORD_SHARDS: shard ids run from 0 to ${count - 1} with DISCORD_SHARD_COUNT=${count}, got ${beyond.join(', ')}`);
  }
  return problems;
}

export type Env = z.output<typeof schema>;

export interface Config {
  dbPath: string;
  /** PostgreSQL instead of the SQLite file at dbPath. */
  databaseUrl?: string;
  briefsDir: string;
  samplesDir: string;
  loadSamples: boolean;
  console: 'auto' | 'on' | 'off';
  maxBytes: number;
  /** Milliseconds one input may take to decode, extract and analyse before it is refused. */
  extractTimeoutMs: number;
  /** Worker threads for extraction, analysis and answers; default: the machine's cores. */
  workers?: number;
  allowPrivateUrls: boolean;
  admins: string[];
  sources: string[];
  sourceFolders: string[];
  deliveryAttempts: number;
  catchUpGraceMs: number;
  sourcePollMs: number;
  logLevel: string;
  /** auto: pretty lines on a terminal, JSON lines when piped; pretty; json. */
  logFormat: 'auto' | 'pretty' | 'json';
  health?: { port: number; host: string };
  slack?: { botToken: string; signingSecret?: string; appToken?: string; apiUrl?: string; port: number; host: string };
  discord?: {
    token: string;
    applicationId: string;
    guildId?: string;
    apiUrl?: string;
    subscribeRole?: string;
    /** Total shards across all processes; 'auto' asks Discord (GET /gateway/bot). Unset: one shard, as before sharding existed. */
    shardCount?: number | 'auto';
    /** The shard ids this process runs; unset: all of them. */
    shards?: number[];
  };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Configuration problems:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const trimmed = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(trimmed);
  const problems = [...(parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.') || 'environment'}: ${i.message}`)), ...crossProblems(trimmed)];
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const e = parsed.data;
  return {
    dbPath: e.BRIEFBOT_DB,
    databaseUrl: e.DATABASE_URL,
    briefsDir: e.BRIEFBOT_BRIEFS_DIR,
    samplesDir: e.BRIEFBOT_SAMPLES_DIR,
    loadSamples: e.BRIEFBOT_LOAD_SAMPLES,
    console: e.BRIEFBOT_CONSOLE === 'true' ? 'on' : e.BRIEFBOT_CONSOLE === 'false' ? 'off' : 'auto',
    maxBytes: e.BRIEFBOT_MAX_BYTES,
    extractTimeoutMs: e.BRIEFBOT_EXTRACT_TIMEOUT,
    workers: e.BRIEFBOT_WORKERS,
    allowPrivateUrls: e.BRIEFBOT_ALLOW_PRIVATE_URLS,
    admins: e.BRIEFBOT_ADMINS,
    sources: e.BRIEFBOT_SOURCES,
    sourceFolders: e.BRIEFBOT_SOURCE_FOLDERS,
    deliveryAttempts: e.BRIEFBOT_DELIVERY_ATTEMPTS,
    catchUpGraceMs: e.BRIEFBOT_CATCHUP_GRACE,
    sourcePollMs: e.BRIEFBOT_SOURCE_POLL,
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT,
    health: e.HEALTH_PORT !== undefined ? { port: e.HEALTH_PORT, host: e.HEALTH_HOST } : undefined,
    slack: e.SLACK_BOT_TOKEN
      ? { botToken: e.SLACK_BOT_TOKEN, signingSecret: e.SLACK_SIGNING_SECRET, appToken: e.SLACK_APP_TOKEN, apiUrl: e.SLACK_API_URL, port: e.SLACK_PORT, host: e.SLACK_HOST }
      : undefined,
    discord:
      e.DISCORD_TOKEN && e.DISCORD_APPLICATION_ID
        ? {
            token: e.DISCORD_TOKEN,
            applicationId: e.DISCORD_APPLICATION_ID,
            guildId: e.DISCORD_GUILD_ID,
            apiUrl: e.DISCORD_API_URL,
            subscribeRole: e.DISCORD_SUBSCRIBE_ROLE,
            ...(e.DISCORD_SHARD_COUNT !== undefined ? { shardCount: e.DISCORD_SHARD_COUNT } : {}),
            ...(e.DISCORD_SHARDS !== undefined ? { shards: e.DISCORD_SHARDS } : {}),
          }
        : undefined,
  };
}
