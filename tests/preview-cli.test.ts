import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = new URL('..', import.meta.url).pathname;
let dir: string;

function briefbot(args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(ROOT, 'bin/briefbot.js'), ...args], { cwd: ROOT, env: { ...process.env, BRIEFBOT_DB: join(dir, 'cli.db') } }, (err, stdout, stderr) =>
      resolve({ stdout, stderr, code: err ? ((err as { code?: number }).code ?? 1) : 0 }),
    );
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'briefbot-preview-cli-'));
  cpSync(join(ROOT, 'samples'), join(dir, 'samples'), { recursive: true });
  expect((await briefbot(['ingest', join(dir, 'samples')])).stdout).toContain('5 added');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('briefbot preview (command line)', () => {
  it("says plainly when the next run would post nothing: the samples are older than the morning brief's 24 hours", async () => {
    const r = await briefbot(['preview', 'morning']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      'Nothing would be posted: no stories in the window match, and briefs/morning.yaml says when_empty: skip.\n' +
        'Add --html <file> (or --open) for the page drawn as Slack and Discord show it.\n',
    );
  });

  it('prints the console text and how each platform splits it, and writes the page', async () => {
    const file = join(dir, 'p.html');
    const r = await briefbot(['preview', 'MORNING', '--since', '2005-01-01', '--html', file]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('**Morning brief**');
    expect(lines.slice(-4)).toEqual([
      expect.stringMatching(/^5 stories for the run due \w{3} \d{1,2} \w{3} \d{4} 08:00 (GMT|BST)$/),
      'Slack: 1 message (12/50 blocks)',
      'Discord: 1 message (7/10 embeds)',
      `Preview page: ${file}`,
    ]);
    const html = readFileSync(file, 'utf8');
    expect(html).toContain('<title>Preview: Morning brief</title>');
    expect(html).toContain("High fuel prices hit BA&#39;s profits");
    expect(html).toContain("default-src 'none'");
  });

  it('refuses an unknown brief in one line, naming the ones there are', async () => {
    const r = await briefbot(['preview', 'evening']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('briefbot: there is no brief called "evening" (briefs: morning)\n');
  });
});
