import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConsoleAdapter } from '../adapters/console/index.js';
import { message } from '../src/messages/message.js';
import { makeFixtureCore } from './helpers/fixture-core.js';

const ROOT = new URL('..', import.meta.url).pathname;

describe('console adapter', () => {
  let fx: Awaited<ReturnType<typeof makeFixtureCore>>;
  beforeAll(async () => {
    fx = await makeFixtureCore();
  });
  afterAll(() => fx.close());

  it('answers commands and direct messages in order, and keeps running after end of input', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    let out = '';
    output.on('data', (d) => (out += d));
    const adapter = createConsoleAdapter({ input, output });
    await adapter.start(fx.core);
    input.write('/ask trade figure?\nwho visited Kenya?\n/ask What is the inflation rate in Japan?\n/help\n');
    input.end();
    await new Promise((r) => setTimeout(r, 50));
    await adapter.idle();
    expect(out).toContain('> Bilateral trade reached 5.7 billion ringgit ($1.37 billion), dominated by palm oil, petroleum products, metal ores and processed food.\n— Malaysia and Kenya agreed');
    expect(out.indexOf('Bilateral trade')).toBeLessThan(out.indexOf('> Malaysian Prime Minister Anwar Ibrahim'));
    expect(out).toContain('I have no answer to “What is the inflation rate in Japan?” in the 1 stored article.');
    expect(out).toContain('/brief [topic]');
    // End of input stopped reading, not the adapter: scheduled posts still print.
    await adapter.post('console', message([{ type: 'paragraph', text: 'still here' }], 'Morning brief'));
    expect(out.endsWith('**Morning brief**\nstill here\n')).toBe(true);
    await adapter.stop();
  });
});

describe('npm start (console, no tokens)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'briefbot-start-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const run = (stdinLines: string[] | null, until: RegExp, extraEnv: Record<string, string> = {}, whileUp?: () => Promise<void>) =>
    new Promise<{ out: string; err: string; code: number | null }>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'bin/start.ts'], {
        cwd: ROOT,
        env: { ...process.env, BRIEFBOT_DB: join(dir, 'bot.db'), LOG_LEVEL: 'info', HEALTH_PORT: '', ...extraEnv },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      let signalled = false;
      child.stdout.on('data', (d) => {
        out += d;
        if (!signalled && until.test(out)) {
          signalled = true;
          // Give a closed stdin a moment to prove it does not stop the bot, then stop it like systemd would.
          void (whileUp ?? (() => Promise.resolve()))().finally(() => setTimeout(() => child.kill('SIGTERM'), 300));
        }
      });
      child.stderr.on('data', (d) => (err += d));
      child.on('error', reject);
      child.on('exit', (code) => resolve({ out, err, code }));
      if (stdinLines) child.stdin.write(stdinLines.join('\n') + '\n');
      child.stdin.end();
      setTimeout(() => child.kill('SIGKILL'), 25_000).unref();
    });

  it('loads the samples, answers /ask trade figure? from stdin, and exits cleanly on SIGTERM', async () => {
    const { out, err, code } = await run(['/ask trade figure?'], /Bilateral trade[\s\S]*— /);
    // A fresh store: the samples keep their real dates, so the first line says so and their own brief follows.
    expect(out.split('\n')[0]).toMatch(
      /^briefbot is ready: 5 bundled sample articles stored, published January 2005 to November 2025 \(their own dates, so not in a 24-hour brief; their brief is below\)\. Next brief "morning" is due .* 08:00/,
    );
    expect(out.split('\n')[1]).toBe('**Sample brief**');
    expect(out).toContain('• High fuel prices hit BA\'s profits\n  British Airways has blamed high fuel prices for a 40% drop in profits.');
    expect(out).toContain('_5 stories from 2 sources, since 2005-01-01_');
    expect(out).toContain('> Bilateral trade reached 5.7 billion ringgit ($1.37 billion)');
    expect(err).toContain('stopped cleanly');
    expect(code).toBe(0);
  });

  it('keeps running with stdin closed from the start (as under systemd or Docker) until SIGTERM', async () => {
    const { out, err, code } = await run(null, /briefbot is ready/);
    expect(out).toMatch(/briefbot is ready: 5 articles stored/); // the samples are not loaded twice
    expect(err).toContain('"signal":"SIGTERM"');
    expect(code).toBe(0);
  });

  it('serves /healthz and /metrics on HEALTH_PORT while running', async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const p = (probe.address() as AddressInfo).port;
        probe.close(() => resolve(p));
      });
    });
    let health: unknown;
    let metrics = '';
    const { code } = await run(['/ask trade figure?'], /Bilateral trade[\s\S]*— /, { HEALTH_PORT: String(port) }, async () => {
      health = await (await fetch(`http://127.0.0.1:${port}/healthz`)).json();
      metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    });
    expect(health).toMatchObject({ ok: true, adapters: { console: true }, store: true });
    expect(metrics).toMatch(/^briefbot_answers_total\{answered="true"\} 1$/m);
    // The question was answered in a worker thread, which reported its heap with the answer.
    expect(metrics).toMatch(/^briefbot_worker_heap_bytes\{worker="\d",kind="peak_total"\} [1-9]\d*$/m);
    expect(code).toBe(0);
  });
});
