/**
 * Debian's Chromium driven by playwright-core, for the browser tests and the README
 * screenshots. Never a browser download: the binary is /usr/bin/chromium (or
 * CHROMIUM_PATH), installed by scripts/install-chromium.sh.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export const INSTALL_HINT = 'browser tests need Chromium: none at /usr/bin/chromium or CHROMIUM_PATH; install it with `sudo bash scripts/install-chromium.sh` (Debian: apt-get install chromium)';

export function chromiumPath(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const candidate = env.CHROMIUM_PATH || '/usr/bin/chromium';
  return existsSync(candidate) ? candidate : undefined;
}

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** A headless Chromium with a fresh profile and nothing that calls home. */
export async function launchChromium(executablePath: string): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'briefbot-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 1400, height: 900 },
    deviceScaleFactor: 1,
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
