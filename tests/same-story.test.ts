import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { groupStories, storySignature } from '../src/briefing/stories.js';
import { splitSentences } from '../src/nlp/sentences.js';

const ROOT = new URL('..', import.meta.url).pathname;
let dir: string;

function briefbot(args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [join(ROOT, 'bin/briefbot.js'), ...args], { cwd: dir, env: { ...process.env, BRIEFBOT_DB: join(dir, 'b.db') } }, (err, stdout, stderr) =>
      resolve({ stdout, stderr, code: err ? ((err as { code?: number }).code ?? 1) : 0 }),
    );
    child.stdin!.end();
  });
}

// Written for this test from the facts of ../shared/fixtures/articles/malaysia-kenya-strategic-partnership.txt,
// worded as two wires would; and two same-day rate decisions that share a topic but not an event.
const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString();
const ARTICLES: Record<string, { title: string; source: string; url: string; hours: number; body: string }> = {
  'reuters-kenya.md': {
    title: 'Malaysia, Kenya upgrade ties to strategic partnership during Anwar visit',
    source: 'Reuters',
    url: 'https://www.reuters.com/world/africa/malaysia-kenya-strategic-partnership',
    hours: 5,
    body: [
      'NAIROBI (Reuters) - Malaysia and Kenya upgraded their relationship to a strategic partnership on Monday as Malaysian Prime Minister Anwar Ibrahim visited Nairobi, 60 years after the two countries established relations.',
      'Anwar held talks with Kenyan President William Ruto during the two-day visit, and the governments agreed an air services deal to expand flights between the countries.',
      'Bilateral trade reached 5.7 billion ringgit ($1.37 billion) last year, led by palm oil and petroleum products, according to Malaysia\'s foreign ministry.',
    ].join('\n'),
  },
  'ap-kenya.md': {
    title: 'Kenya and Malaysia sign four agreements as Ruto hosts Anwar',
    source: 'AP',
    url: 'https://apnews.com/article/kenya-malaysia-anwar-ruto',
    hours: 4,
    body: [
      'NAIROBI, Kenya (AP) — Kenyan President William Ruto and visiting Malaysian Prime Minister Anwar Ibrahim signed four legal instruments on Monday and raised ties between their countries to a strategic partnership.',
      'The documents cover air services, tourism between Nairobi and Kuala Lumpur, trade promotion by the two chambers of commerce, and cooperation between the two capitals on urban planning.',
      'Ruto said removing barriers to trade would open new markets for Kenyan farmers.',
    ].join('\n'),
  },
  'fed.md': {
    title: 'Fed holds interest rates steady, signals patience on cuts',
    source: 'Reuters',
    url: 'https://www.reuters.com/markets/us/fed-holds-rates',
    hours: 3,
    body: [
      'WASHINGTON (Reuters) - The Federal Reserve held its benchmark interest rate steady in the 4.25%-4.50% range on Wednesday, and Chair Jerome Powell said policymakers wanted more evidence that inflation was cooling before lowering borrowing costs.',
      'The U.S. central bank\'s decision was unanimous, and officials still expect two rate cuts before the end of the year.',
    ].join('\n'),
  },
  'ecb.md': {
    title: 'ECB keeps interest rates on hold as euro zone inflation nears target',
    source: 'AP',
    url: 'https://apnews.com/article/ecb-interest-rates-lagarde',
    hours: 2,
    body: [
      'FRANKFURT, Germany (AP) — The European Central Bank kept its key interest rate unchanged at 2% on Wednesday, with President Christine Lagarde saying inflation in the 20 countries that use the euro was close to the bank\'s target.',
      'The central bank has cut rates eight times since June of last year, and economists expect it to keep them steady for the rest of the year.',
    ].join('\n'),
  },
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'briefbot-stories-'));
  mkdirSync(join(dir, 'news'));
  for (const [file, a] of Object.entries(ARTICLES)) {
    const front = `---\ntitle: "${a.title}"\nsource: ${a.source}\nurl: ${a.url}\ndate: ${hoursAgo(a.hours)}\nlanguage: en\n---\n`;
    writeFileSync(join(dir, 'news', file), `${front}${a.body}\n`);
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('one bullet per story', () => {
  it('merges the Reuters and AP reports of the Malaysia–Kenya visit into one bullet listing both, and keeps the Fed and the ECB apart', async () => {
    expect((await briefbot(['ingest', join(dir, 'news')])).stdout).toContain('4 added');
    const { stdout, code } = await briefbot(['brief', '--json']);
    expect(code).toBe(0);
    const stories = (JSON.parse(stdout) as { blocks: { type: string; title: string; sources: { label: string; url: string }[] }[] }).blocks.filter((b) => b.type === 'story');
    expect(stories).toHaveLength(3);
    const kenya = stories.filter((s) => /Kenya/.test(s.title));
    expect(kenya).toHaveLength(1);
    expect(kenya[0].sources.map((l) => l.label).sort()).toEqual(['AP', 'Reuters']);
    expect(kenya[0].sources.map((l) => l.url).sort()).toEqual([ARTICLES['ap-kenya.md'].url, ARTICLES['reuters-kenya.md'].url]);
    const rates = stories.filter((s) => /interest rates/.test(s.title)).map((s) => ({ title: s.title, sources: s.sources.map((l) => l.label) }));
    expect(rates.sort((a, b) => a.title.localeCompare(b.title))).toEqual([
      { title: ARTICLES['ecb.md'].title, sources: ['AP'] },
      { title: ARTICLES['fed.md'].title, sources: ['Reuters'] },
    ]);
  });

  it('reads names inside sentences, not sentence openers, weekdays or months', () => {
    const sig = storySignature('Fed holds interest rates steady', ['The Federal Reserve held rates on Wednesday in March, Chair Jerome Powell said.']);
    expect(sig.names.sort()).toEqual(['chair', 'feder', 'jerom', 'powel', 'reserv']);
  });

  it('groups by the same event, never by a shared topic alone', () => {
    const item = (title: string, body: string) => ({ signature: storySignature(title, splitSentences(body)) });
    const labels = groupStories([
      item('Fed holds interest rates steady', 'The Federal Reserve held its benchmark interest rate steady on Wednesday, Chair Jerome Powell said.'),
      item('ECB keeps interest rates on hold', 'The European Central Bank kept its key interest rate on hold on Wednesday, President Christine Lagarde said.'),
      item('Federal Reserve leaves rates unchanged', 'The Federal Reserve left its benchmark interest rate unchanged on Wednesday, and Powell said inflation was still too high.'),
    ]);
    expect(labels[0]).toBe(labels[2]);
    expect(labels[1]).not.toBe(labels[0]);
  });
});
