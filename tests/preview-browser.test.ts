import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { chromiumPath, INSTALL_HINT, launchChromium, type Browser } from '../scripts/chromium.js';
import { describeNeeding } from './helpers/ci.js';

const ROOT = new URL('..', import.meta.url).pathname;
const browserPath = chromiumPath();

function briefbot(dir: string, args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(ROOT, 'bin/briefbot.js'), ...args], { cwd: ROOT, env: { ...process.env, BRIEFBOT_DB: join(dir, 'preview.db') } }, (err, stdout, stderr) =>
      resolve({ stdout, stderr, code: err ? ((err as { code?: number }).code ?? 1) : 0 }),
    );
  });
}

const SAMPLES = [
  { title: 'Malaysia and Kenya agreed to upgrade their diplomatic ties to a strategic partnership as both countries marked 60 years of relations.', summary: 'Malaysian Prime Minister Anwar Ibrahim conducted an official visit to Kenya on Nov. 23 and 24 at the invitation of President William Ruto.', figure: 'bilateral trade: 5.7 billion ringgit ($1.37 billion)' },
  { title: 'Ad sales boost Time Warner profit', summary: 'Quarterly profits at US media giant TimeWarner jumped 76% to $1.13bn (£600m) for the three months to December, from $639m year-earlier.', figure: '76%' },
  { title: "High fuel prices hit BA's profits", summary: 'British Airways has blamed high fuel prices for a 40% drop in profits.', figure: 'profits: 40%' },
  { title: 'Yukos unit buyer faces loan claim', summary: 'The owners of embattled Russian oil giant Yukos are to ask the buyer of its former production unit to pay back a $900m (£479m) loan.', figure: 'loan: $900m (£479m)' },
  { title: 'Dollar gains on Greenspan speech', summary: 'The dollar has hit its highest level against the euro in almost three months after the Federal Reserve head said the US trade deficit is set to stabilise.', figure: 'dollar: $1.2871' },
];

/** An article whose text is HTML and platform markup: the page must show it as text and run none of it. */
const HOSTILE_TITLE = 'Harbour tolls <b>rise</b> & <script>window.pwned=1</script> ferries @everyone <!channel> <@U123>';
const HOSTILE = `---
source: Harbour Gazette <img src=x onerror="window.pwned=2">
url: https://news.example.com/harbour?tolls=up&year=2005
date: 2005-02-03T09:00:00Z
---
${HOSTILE_TITLE}

Harbour tolls for ferries rose 12% to £4.20 a crossing on Thursday, the port authority said <i>in a statement</i> & more.
The authority said the increase was needed to pay for new berths.
`;

/** What a reader sees: text of the section, and every element that is cut off or spills out of its client frame. */
async function readerView(page: Page, selector: string) {
  return page.$eval(selector, (root) => {
    const frame = root.querySelector('.client')!.getBoundingClientRect();
    const clipped: string[] = [];
    for (const el of Array.from(root.querySelectorAll('.client *'))) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue;
      const style = getComputedStyle(el);
      const spills = r.left < frame.left - 0.5 || r.right > frame.right + 0.5 || r.bottom > frame.bottom + 0.5;
      const hidden = el.scrollWidth > el.clientWidth + 1 && style.overflowX !== 'visible';
      const ellipsis = style.textOverflow === 'ellipsis' && el.scrollWidth > el.clientWidth;
      if (spills || hidden || ellipsis) clipped.push(`${el.className || el.tagName}: ${(el.textContent ?? '').slice(0, 60)}`);
    }
    const links = Array.from(root.querySelectorAll('a')).map((a) => ({ text: a.textContent, href: a.getAttribute('href') }));
    const tags = Array.from(root.querySelectorAll('.client *')).map((e) => e.tagName.toLowerCase());
    return { text: (root as HTMLElement).innerText, clipped, links, tags: [...new Set(tags)].sort() };
  });
}

// Under CI the browser is installed by .ci/run: missing, these tests fail; elsewhere they skip with one line.
describeNeeding('briefbot preview in a real Chromium', 'Chromium', browserPath ? undefined : `${INSTALL_HINT} (.ci/run runs it first)`, () => {
  let dir: string;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'briefbot-preview-'));
    const samples = join(dir, 'samples');
    cpSync(join(ROOT, 'samples'), samples, { recursive: true });
    const ingest = await briefbot(dir, ['ingest', samples]);
    expect(ingest.stdout).toContain('5 added');
    browser = await launchChromium(browserPath!);
    page = await browser.context.newPage();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("draws the samples' brief as Slack and Discord show it: headline, summary, key figure and sources of every story, no raw markup, nothing cut off", async () => {
    const file = join(dir, 'samples.html');
    const run = await briefbot(dir, ['preview', 'morning', '--since', '2005-01-01', '--html', file]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('5 stories for the run due ');
    expect(run.stdout).toContain(`Preview page: ${file}`);
    await page.goto(pathToFileURL(file).href);
    expect(await page.title()).toBe('Preview: Morning brief');

    for (const platform of ['#slack', '#discord']) {
      const view = await readerView(page, platform);
      expect(view.clipped, platform).toEqual([]);
      expect(view.text).toContain('Morning brief');
      for (const s of SAMPLES) {
        expect(view.text, platform).toContain(s.title);
        expect(view.text, platform).toContain(s.summary);
        expect(view.text, platform).toContain(s.figure);
      }
      expect(view.text.match(/Key figure/g)).toHaveLength(5);
      expect(view.text.match(/Sources: BBC News/g)).toHaveLength(4);
      expect(view.text).toContain('5 stories from 2 sources, since 2005-01-01');
      // No markup of either platform reaches the reader.
      for (const raw of ['*', '<', '>', '&amp;', '&lt;', '&gt;', '\\', '](', '__']) expect(view.text, `${platform} shows ${raw}`).not.toContain(raw);
    }
    const slack = await page.$eval('#slack .limits', (e) => (e as HTMLElement).innerText);
    expect(slack).toMatch(/^Slack message 1 of 1 · 12 \/ 50 blocks · longest text [\d,]+ \/ 3,000 characters/);
    const discord = await page.$eval('#discord .limits', (e) => (e as HTMLElement).innerText);
    expect(discord).toMatch(/^Discord message 1 of 1 · 7 \/ 10 embeds · [\d,]+ \/ 6,000 embed characters$/);
    const consoleText = await page.$eval('#console pre', (e) => (e as HTMLElement).innerText);
    expect(consoleText.startsWith('**Morning brief**\n• Malaysia and Kenya agreed')).toBe(true);
  });

  it('shows untrusted article text as text: no element or script from it, sources as http(s) links only', async () => {
    writeFileSync(join(dir, 'hostile.txt'), HOSTILE);
    expect((await briefbot(dir, ['ingest', join(dir, 'hostile.txt')])).stdout).toContain('1 added');
    const file = join(dir, 'hostile.html');
    expect((await briefbot(dir, ['preview', 'morning', '--since', '2005-02-01', '--html', file])).code).toBe(0);
    await page.goto(pathToFileURL(file).href);
    expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();

    const slack = await readerView(page, '#slack');
    const discord = await readerView(page, '#discord');
    for (const view of [slack, discord]) {
      expect(view.clipped).toEqual([]);
      expect(view.tags.filter((t) => ['script', 'img', 'b', 'i', 'iframe'].includes(t))).toEqual([]);
      expect(view.text).toContain('Harbour tolls for ferries rose 12% to £4.20 a crossing on Thursday, the port authority said <i>in a statement</i> & more.');
      const links = view.links.filter((l) => l.href?.startsWith('https://news.example.com/'));
      expect(links.length).toBeGreaterThan(0);
      for (const l of view.links) expect(l.href).toMatch(/^https?:\/\//);
    }
    // Slack shows the headline exactly as written, with the broadcast words made inert (a zero-width joiner).
    expect(slack.text.replace(/\u200d/g, '')).toContain(HOSTILE_TITLE);
    expect(slack.links.find((l) => l.text?.replace(/\u200d/g, '') === HOSTILE_TITLE)?.href).toBe('https://news.example.com/harbour?tolls=up&year=2005');
    // Discord escapes markdown with backslashes, which the client hides: the reader sees the headline as written.
    expect(discord.text.replace(/\u200b/g, '')).toContain(HOSTILE_TITLE);
    expect(discord.links.find((l) => l.text?.replace(/\u200b/g, '') === HOSTILE_TITLE)?.href).toBe('https://news.example.com/harbour?tolls=up&year=2005');
    expect(discord.text).toContain('Sources: Harbour Gazette <img src=x onerror="window.pwned=2">');
  });
});
