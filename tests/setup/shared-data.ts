import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The suites read real scraped articles and evaluation data from `../shared` beside the
 * repository (never copied into it). Without it, dozens of tests would fail one by one
 * with a missing file each; this says once what is missing and where it is looked for.
 */
export default function checkSharedData(): void {
  const shared = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'shared');
  const needed = ['fixtures/articles', 'eval'].map((p) => join(shared, p)).filter((p) => !existsSync(p));
  if (needed.length) {
    throw new Error(
      `npm test reads the project's real articles and evaluation data beside the repository, in ${shared}; missing: ${needed.join(', ')}. Clone briefbot next to its shared/ folder (shared/fixtures, shared/eval).`,
    );
  }
}
