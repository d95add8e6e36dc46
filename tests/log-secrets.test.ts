/**
 * Secrets never reach the logs: the bot runs as a child process (npm start) with Slack
 * tokens, a signing secret and a DATABASE_URL password set, at LOG_LEVEL=trace, does
 * its work and fails in the ways that log the most (a refused post, an unreachable
 * database), and its whole output is searched for every secret.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.js';
import { secretScrubber } from '../src/redact.js';
import { startFakeSlack, type FakeSlack } from './fakes/slack/fake-slack.js';
import { eventCallback, slashCommand } from './fakes/slack/requests.js';
import { startBot, type BotProcess } from './helpers/bot-process.js';
import { createTestDatabase, postgresProblem, type TestDatabase } from './helpers/postgres.js';

const BOT_TOKEN = 'xoxb-4242-secret-bot-token-9f8e7d';
const APP_TOKEN = 'xapp-1-A0001-secret-app-token-1a2b3c';
const SIGNING_SECRET = 'signing-secret-5c4b3a2918';
const DB_PASSWORD = 'pg-Pa55w0rd-7e6d';
const SECRETS = [BOT_TOKEN, APP_TOKEN, SIGNING_SECRET, DB_PASSWORD];

function expectNoSecrets(output: string): void {
  expect(output.length).toBeGreaterThan(0);
  for (const s of SECRETS) expect(output, `the log holds ${s}`).not.toContain(s);
}

describe('secrets in logs', () => {
  let fake: FakeSlack;
  let dir: string;
  let pgdb: TestDatabase | undefined;
  beforeAll(async () => {
    fake = await startFakeSlack({ botToken: BOT_TOKEN, appToken: APP_TOKEN });
    dir = mkdtempSync(join(tmpdir(), 'briefbot-secrets-'));
    if (!(await postgresProblem())) pgdb = await createTestDatabase();
  });
  afterAll(async () => {
    await fake?.close();
    await pgdb?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a full run at trace level, with a refused post, logs none of the tokens, the signing secret or the database password', async () => {
    // The local server trusts its users, so the password is carried along and never checked: it must still never be logged.
    const databaseUrl = pgdb ? pgdb.url.replace('postgres://postgres@', `postgres://postgres:${DB_PASSWORD}@`) : undefined;
    const bot: BotProcess = startBot('secrets', {
      BRIEFBOT_DB: join(dir, 'bot.db'),
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_APP_TOKEN: APP_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: fake.apiUrl,
      LOG_LEVEL: 'trace',
      LOG_FORMAT: 'json',
    });
    try {
      await bot.waitForLog(/slack adapter started/);
      await fake.sendEnvelope({ type: 'slash_commands', payload: slashCommand({ command: '/ask', text: 'trade figure?', userId: 'U1', channelId: 'C1', responseUrl: fake.responseUrl('ask') }) });
      await fake.waitFor(() => fake.responsesFor('ask').length > 0, 'the answer', 30_000);
      // A DM answer whose post Slack refuses: the error, its cause and the request are logged.
      fake.failNext('chat.postMessage', { error: 'invalid_auth' });
      await fake.sendEnvelope({ type: 'events_api', payload: eventCallback({ type: 'message', channel: 'D1', channel_type: 'im', user: 'U1', text: 'who visited Kenya?', ts: '1700000600.000100' }) });
      await bot.waitForLog(/invalid_auth/, 30_000);
    } finally {
      expect(await bot.stop()).toBe(0);
    }
    expectNoSecrets(bot.log());
  }, 120_000);

  it('an unreachable database at start-up is reported without the password in its URL', async () => {
    const bot = startBot('secrets-db', {
      BRIEFBOT_DB: join(dir, 'bot2.db'),
      DATABASE_URL: `postgres://briefbot:${DB_PASSWORD}@127.0.0.1:9/briefbot`,
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_APP_TOKEN: APP_TOKEN,
      SLACK_API_URL: fake.apiUrl,
      LOG_LEVEL: 'trace',
    });
    expect(await bot.exited).toBe(1);
    expect(bot.log()).toMatch(/could not start/);
    expectNoSecrets(bot.log());
  }, 60_000);

  it('scrubs secrets that reach a log line any other way: by value, by token shape, and in URLs', () => {
    let out = '';
    const sink = { write: (s: string) => void (out += s) } as unknown as NodeJS.WritableStream;
    const log = createLogger('info', sink, { secrets: [SIGNING_SECRET] });
    log.error({ err: new Error(`request failed with ${SIGNING_SECRET}`), token: 'abc-visible-if-not-redacted', headers: { authorization: 'Bearer xyz-header' } }, `posting with xoxb-1-2-3abc failed; DATABASE_URL=postgres://u:${DB_PASSWORD}@db.example:5432/x`);
    expect(out).not.toContain(SIGNING_SECRET);
    expect(out).not.toContain('abc-visible-if-not-redacted');
    expect(out).not.toContain('xyz-header');
    expect(out).not.toContain('xoxb-1-2-3abc');
    expect(out).not.toContain(DB_PASSWORD);
    expect(out).toContain('postgres://u:[redacted]@db.example:5432/x');
    expect(secretScrubber([])('no secret here')).toBe('no secret here');
  });
});
