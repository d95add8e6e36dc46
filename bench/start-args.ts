import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './corpus.js';

/** package.json's start script: `[NAME=value …] exec node <args>`. */
function startScript(): { env: Record<string, string>; args: string[] } {
  const script = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;
  const m = /^((?:\w+=\S+\s+)*)(?:exec\s+)?node\s+(.*)$/.exec(script.trim());
  if (!m) throw new Error(`package.json's start script does not run node: ${script}`);
  const env = Object.fromEntries(m[1].split(/\s+/).filter(Boolean).map((a) => [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]));
  return { env, args: m[2].split(/\s+/).map((a) => (a.endsWith('.ts') ? join(repoRoot, a) : a)) };
}

/**
 * The node arguments `npm start` runs bin/start.ts with (package.json's start script), so
 * the benches that spawn the bot measure it with the same flags (its heap sizes among them).
 */
export function startArgs(): string[] {
  return startScript().args;
}

/** The environment variables the start script sets for node (the allocator's settings). */
export function startEnv(): Record<string, string> {
  return startScript().env;
}
