/**
 * `npm run screenshots`: the README's pictures of the bundled samples' brief as Slack
 * and Discord show it, drawn by `briefbot preview` and photographed by Debian's Chromium.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromiumPath, INSTALL_HINT, launchChromium } from './chromium.js';

const ROOT = new URL('..', import.meta.url).pathname;
const OUT = join(ROOT, 'docs/images');

const browserPath = chromiumPath();
if (!browserPath) {
  process.stderr.write(`${INSTALL_HINT}\n`);
  process.exit(1);
}
const dir = mkdtempSync(join(tmpdir(), 'briefbot-screenshots-'));
try {
  const env = { ...process.env, BRIEFBOT_DB: join(dir, 'samples.db') };
  const cli = (args: string[]) => execFileSync(process.execPath, [join(ROOT, 'bin/briefbot.js'), ...args], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'inherit'] });
  cli(['ingest', join(ROOT, 'samples')]);
  const page = join(dir, 'preview.html');
  // The samples keep their real dates (2005, 2025): the window starts before the oldest.
  cli(['preview', 'morning', '--since', '2005-01-01', '--html', page]);
  mkdirSync(OUT, { recursive: true });
  const browser = await launchChromium(browserPath);
  try {
    const tab = await browser.context.newPage();
    await tab.setViewportSize({ width: 1440, height: 900 });
    await tab.goto(pathToFileURL(page).href);
    for (const platform of ['slack', 'discord']) {
      const file = join(OUT, `preview-${platform}.png`);
      await tab.locator(`#${platform} .client`).screenshot({ path: file });
      process.stdout.write(`${file}\n`);
    }
  } finally {
    await browser.close();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
