import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root; default data paths are resolved against it, not the shell's directory. */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The shared evaluation data sits beside the repository (../shared/eval), never inside it. */
export function defaultData(rel: string): string {
  return resolve(repoRoot, '../shared/eval', rel);
}

export function readJsonl<T>(path: string): T[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as T);
}

export function writeJsonl(path: string, rows: readonly unknown[]): void {
  writeFileSync(path, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
}

export const pct = (x: number): string => (100 * x).toFixed(1) + '%';
export const f3 = (x: number): string => x.toFixed(3);
export const f2 = (x: number): string => x.toFixed(2);

/** Prints either the JSON object (for scripts) or the human lines. */
export function report(json: boolean, figures: Record<string, unknown>, lines: string[]): void {
  if (json) console.log(JSON.stringify(figures));
  else console.log(lines.join('\n'));
}
