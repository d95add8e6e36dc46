import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_TOKEN, BOT_TOKEN } from './fakes/slack/harness.js';
import { startFakeSlack, type FakeSlack } from './fakes/slack/fake-slack.js';
import { slashCommand } from './fakes/slack/requests.js';

const ROOT = new URL('..', import.meta.url).pathname;

/**
 * `npm start` as a service: platform tokens set, stdin closed, no terminal. It must
 * connect, answer, keep running after end of input, and stop cleanly on a SIGTERM sent to npm.
 */
describe('npm start with Slack tokens (Socket Mode, against the fake Slack)', () => {
  let fake: FakeSlack;
  let dir: string;
  let child: ChildProcess;
  let out = '';
  let err = '';
  let exited: Promise<number | null>;

  beforeAll(async () => {
    fake = await startFakeSlack({ botToken: BOT_TOKEN, appToken: APP_TOKEN });
    dir = mkdtempSync(join(tmpdir(), 'briefbot-service-'));
    // The README's command itself: a SIGTERM to npm (what Docker sends to PID 1) must reach the bot.
    child = spawn('npm', ['start', '--silent'], {
      cwd: ROOT,
      env: { ...process.env, BRIEFBOT_DB: join(dir, 'bot.db'), SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_APP_TOKEN: APP_TOKEN, SLACK_API_URL: fake.apiUrl, HEALTH_PORT: '' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    child.stdin!.end(); // as under systemd or Docker
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (err += d));
    exited = new Promise((resolve) => child.on('exit', resolve));
    const started = Date.now();
    while (!/slack adapter started/.test(err)) {
      if (Date.now() - started > 25_000) throw new Error(`bot did not start:\n${err}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  });

  afterAll(async () => {
    child.kill('SIGKILL');
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers /ask from the bundled samples, runs no console, and exits cleanly on SIGTERM', async () => {
    const responseUrl = fake.responseUrl('svc-ask');
    await fake.sendEnvelope({ type: 'slash_commands', payload: slashCommand({ command: '/ask', text: 'trade figure?', userId: 'U1', channelId: 'C1', responseUrl }) });
    const started = Date.now();
    while (fake.responsesFor('svc-ask').length === 0 && Date.now() - started < 10_000) await new Promise((r) => setTimeout(r, 50));
    expect(JSON.stringify(fake.responsesFor('svc-ask')[0]?.body)).toContain('5.7 billion ringgit');
    expect(out).not.toContain('briefbot is ready'); // the console adapter is off when a platform is configured
    child.kill('SIGTERM');
    await exited;
    // Only the bot itself writes this: an npm script that left the bot behind a shell would exit without it.
    const stopped = Date.now();
    while (!err.includes('stopped cleanly') && Date.now() - stopped < 15_000) await new Promise((r) => setTimeout(r, 50));
    expect(err).toContain('stopped cleanly');
  });
});
