import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';

const ROOT = new URL('..', import.meta.url).pathname;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('.env.example', () => {
  const example = readFileSync(join(ROOT, '.env.example'), 'utf8');
  const documented = [...example.matchAll(/^([A-Z_]+)=/gm)].map((m) => m[1]);

  it('documents every variable the config reads, and nothing else', () => {
    const config = readFileSync(join(ROOT, 'src/config.ts'), 'utf8');
    const read = [...new Set([...config.matchAll(/^\s{4}([A-Z][A-Z_]+):/gm)].map((m) => m[1]))];
    expect([...documented].sort()).toEqual([...read].sort());
  });

  it('is a valid configuration as written', () => {
    const env = Object.fromEntries([...example.matchAll(/^([A-Z_]+)=(.*)$/gm)].map((m) => [m[1], m[2]]));
    expect(() => loadConfig(env)).not.toThrow();
  });

  it('is the only place besides config.ts that names process.env in src/', () => {
    const offenders = sources(join(ROOT, 'src')).filter((f) => !f.endsWith('config.ts') && readFileSync(f, 'utf8').includes('process.env'));
    expect(offenders).toEqual([]);
  });
});
