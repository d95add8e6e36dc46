import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_ARTICLE, SHARED } from './helpers/fixture-core.js';

const ROOT = new URL('..', import.meta.url).pathname;
let dir: string;
let env: NodeJS.ProcessEnv;

function briefbot(args: string[], input?: string): Promise<{ stdout: string; stderr: string; code: number }> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [join(ROOT, 'bin/briefbot.js'), ...args], { cwd: dir, env }, (err, stdout, stderr) =>
      resolve({ stdout, stderr, code: err ? ((err as { code?: number }).code ?? 1) : 0 }),
    );
    if (input !== undefined) child.stdin!.end(input);
    else child.stdin!.end();
  });
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'briefbot-cli-'));
  env = { ...process.env, BRIEFBOT_DB: join(dir, 'cli.db') };
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('briefbot CLI', () => {
  it('ingests the fixture folder, then answers "trade figure?" with the ringgit sentence and its source', async () => {
    const ingest = await briefbot(['ingest', join(SHARED, 'fixtures/articles')]);
    expect(ingest.stdout).toContain('1 added, 0 skipped as duplicates, 0 failed');
    expect(ingest.code).toBe(0);
    const again = await briefbot(['ingest', FIXTURE_ARTICLE]);
    expect(again.stdout).toMatch(/skipped +#1 .*\(duplicate URL\)/);
    const ask = await briefbot(['ask', 'trade figure?']);
    expect(ask.stdout).toBe(
      '> Bilateral trade reached 5.7 billion ringgit ($1.37 billion), dominated by palm oil, petroleum products, metal ores and processed food.\n' +
        `— Malaysia and Kenya agreed to upgrade their diplomatic ties to a strategic partnership as both countries marked 60 years of relations. (malaysia-kenya-strategic-partnership.txt, ${ask.stdout.match(/\d{4}-\d\d-\d\d/)![0]}) file://${FIXTURE_ARTICLE}\n`,
    );
  }, 90_000); // three CLI processes, two of them starting a worker thread: slow on 2 cores shared with other suites

  it('answers one question per stdin line, as JSON lines with --json', async () => {
    const { stdout } = await briefbot(['ask', '--json'], 'trade figure?\nwhen was the visit?\nwho won the world cup?\n');
    const lines = stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(3);
    expect(lines[0].answer.sentence).toMatch(/^Bilateral trade reached/);
    expect(lines[0].answer.article).toMatchObject({ id: 1, source: 'malaysia-kenya-strategic-partnership.txt' });
    expect(lines[1].answer.sentence).toMatch(/on Nov\. 23 and 24/);
    expect(lines[2]).toEqual({ question: 'who won the world cup?', answer: null, alternatives: [] });
  });

  it('extract --json prints the cleaned article without storing it', async () => {
    const { stdout, code } = await briefbot(['extract', '--json', FIXTURE_ARTICLE]);
    const obj = JSON.parse(stdout);
    expect(Object.keys(obj)).toEqual(['input', 'title', 'source', 'url', 'publishedAt', 'body']);
    expect(obj.body.endsWith('open new markets for Kenyan farmers.')).toBe(true);
    expect(obj.body).not.toContain('...');
    expect(code).toBe(0);
  });

  it('summarize --json gives the summary sentences and key figures', async () => {
    const { stdout } = await briefbot(['summarize', '--json', '--sentences', '1', FIXTURE_ARTICLE]);
    expect(JSON.parse(stdout)).toMatchObject({
      // One sentence: the best-scored one, which the fitted weights put ahead of the longer lede.
      sentences: ['Both leaders signed four legal instruments that target several strategic sectors.'],
      figures: [{ measure: 'bilateral trade', value: '5.7 billion ringgit ($1.37 billion)', kind: 'money' }],
    });
  });

  it('exits non-zero with one line per failed input and no stack trace', async () => {
    writeFileSync(join(dir, 'empty.txt'), '');
    const { stdout, stderr, code } = await briefbot(['ingest', join(dir, 'empty.txt'), join(dir, 'nope.txt'), 'http://127.0.0.1:1/x']);
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toEqual([
      `briefbot: ${join(dir, 'empty.txt')}: the input is empty`,
      `briefbot: ${join(dir, 'nope.txt')}: no such file or folder`,
      'briefbot: http://127.0.0.1:1/x: 127.0.0.1 is a private or loopback address; refused',
    ]);
    expect(stdout).toContain('0 added, 0 skipped as duplicates, 3 failed');
  });

  it('reports configuration problems by variable name', async () => {
    const saved = env;
    env = { ...env, LOG_LEVEL: 'loud', BRIEFBOT_MAX_BYTES: 'lots' };
    const { stderr, code } = await briefbot(['ask', 'x']);
    env = saved;
    expect(code).toBe(1);
    expect(stderr).toMatch(/BRIEFBOT_MAX_BYTES: .*\n.*LOG_LEVEL: /);
  });
});
