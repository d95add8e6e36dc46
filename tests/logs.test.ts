import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logSettings } from '../src/logger.js';
import { describeNeeding } from './helpers/ci.js';

const ROOT = new URL('..', import.meta.url).pathname;

describe('log settings', () => {
  it('pretty on a terminal, JSON when piped, and only warnings beside the console bot on a terminal', () => {
    expect(logSettings({ level: 'info', format: 'auto', isTTY: true })).toEqual({ level: 'info', pretty: true, colour: true });
    expect(logSettings({ level: 'info', format: 'auto', isTTY: false })).toEqual({ level: 'info', pretty: false, colour: false });
    expect(logSettings({ level: 'debug', format: 'json', isTTY: true })).toEqual({ level: 'debug', pretty: false, colour: false });
    expect(logSettings({ level: 'info', format: 'pretty', isTTY: false })).toEqual({ level: 'info', pretty: true, colour: false });
    expect(logSettings({ level: 'info', format: 'auto', isTTY: true, consoleBot: true })).toEqual({ level: 'warn', pretty: true, colour: true });
    expect(logSettings({ level: 'error', format: 'auto', isTTY: true, consoleBot: true })).toEqual({ level: 'error', pretty: true, colour: true });
    // Redirected, the console bot's neighbour is a file: every level is kept.
    expect(logSettings({ level: 'info', format: 'auto', isTTY: false, consoleBot: true })).toEqual({ level: 'info', pretty: false, colour: false });
  });
});

describe('npm start logs (console bot, piped stdio)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'briefbot-logs-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const run = (db: string, env: Record<string, string>) =>
    new Promise<{ out: string; err: string; code: number | null }>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'bin/start.ts'], {
        cwd: ROOT,
        env: { ...process.env, BRIEFBOT_DB: join(dir, db), LOG_LEVEL: 'info', HEALTH_PORT: '', ...env },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      let stopping = false;
      child.stdout.on('data', (d) => {
        out += d;
        if (!stopping && /Bilateral trade[\s\S]*— [\s\S]*\n/.test(out)) {
          stopping = true;
          child.kill('SIGTERM');
        }
      });
      child.stderr.on('data', (d) => (err += d));
      child.on('error', reject);
      child.on('exit', (code) => resolve({ out, err, code }));
      child.stdin.end('/ask trade figure?\n');
      setTimeout(() => child.kill('SIGKILL'), 25_000).unref();
    });

  it('LOG_FORMAT=json: stdout holds only the bot, stderr only parseable JSON lines', async () => {
    const { out, err, code } = await run('json.db', { LOG_FORMAT: 'json' });
    expect(code).toBe(0);
    const outLines = out.trimEnd().split('\n');
    expect(outLines[0]).toMatch(/^briefbot is ready: 5 bundled sample articles stored/);
    expect(outLines.at(-2)).toBe('> Bilateral trade reached 5.7 billion ringgit ($1.37 billion), dominated by palm oil, petroleum products, metal ores and processed food.');
    for (const line of outLines) expect(line).not.toMatch(/"level"|"msg"|\bINFO\b/);
    const records = err.trimEnd().split('\n').map((l) => JSON.parse(l) as { level: number; msg: string });
    expect(records.map((r) => r.msg)).toEqual(expect.arrayContaining(['store was empty: loaded 5 sample articles from ./samples', 'console adapter started', 'stopped cleanly']));
    expect(records.every((r) => typeof r.level === 'number' && typeof r.msg === 'string')).toBe(true);
  });

  it('LOG_FORMAT=pretty piped: readable lines without colour codes, still on stderr only', async () => {
    const { out, err, code } = await run('pretty.db', { LOG_FORMAT: 'pretty' });
    expect(code).toBe(0);
    expect(out).not.toMatch(/INFO|"level"/);
    expect(err).toMatch(/^\[\d\d:\d\d:\d\d\] INFO: console adapter started$/m);
    expect(err).toMatch(/^\[\d\d:\d\d:\d\d\] INFO: stopped cleanly$/m);
    expect(err).not.toContain('\u001b[');
    expect(err).not.toContain('{"level"');
  });
});

/** util-linux `script` runs a command in a pseudo-terminal: what a person at a terminal sees, stdout and stderr together. */
const hasScript = (() => {
  try {
    execFileSync('script', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

// Under CI the terminal test must run: a missing `script` fails it instead of skipping.
// Elsewhere it skips, saying why (never silently).
describeNeeding('npm start in a terminal (a pseudo-terminal via util-linux script)', 'util-linux script', hasScript ? undefined : 'util-linux `script` is not installed (apt-get install util-linux)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'briefbot-tty-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('shows the bot and its answers with no info log line among them', async () => {
    const screen = await new Promise<string>((resolve, reject) => {
      const child = spawn('script', ['-qfec', `${process.execPath} --import tsx bin/start.ts`, '/dev/null'], {
        cwd: ROOT,
        env: { ...process.env, BRIEFBOT_DB: join(dir, 'tty.db'), LOG_LEVEL: 'info', LOG_FORMAT: 'auto', HEALTH_PORT: '' },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let out = '';
      let asked = false;
      let stopping = false;
      child.stdout.on('data', (d) => {
        out += d;
        if (!asked && /Type \/help/.test(out)) {
          asked = true;
          child.stdin.write('/ask trade figure?\n');
        }
        if (!stopping && /Bilateral trade[\s\S]*— [^\n]*\n/.test(out)) {
          stopping = true;
          child.kill('SIGTERM');
        }
      });
      child.on('error', reject);
      child.on('exit', () => resolve(out.replace(/\r/g, '')));
      setTimeout(() => child.kill('SIGKILL'), 30_000).unref();
    });
    expect(screen).toMatch(/^briefbot is ready: 5 bundled sample articles stored/m);
    expect(screen).toMatch(/^> Bilateral trade reached 5\.7 billion ringgit \(\$1\.37 billion\)/m);
    // Info lines (loaded samples, adapter started, next brief due) would otherwise sit between these.
    expect(screen).not.toMatch(/INFO|"level"|console adapter started|next brief "morning" due/);
  });
});
