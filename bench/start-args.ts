import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './corpus.js';

/**
 * The node arguments `npm start` runs bin/start.ts with (package.json's start script), so
 * the benches that spawn the bot measure it with the same flags (its heap sizes among them).
 */
export function startArgs(): string[] {
  const script = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;
  const m = /\bnode\s+(.*)$/.exec(script);
  if (!m) throw new Error(`package.json's start script does not run node: ${script}`);
  return m[1].split(/\s+/).map((a) => (a.endsWith('.ts') ? join(repoRoot, a) : a));
}
