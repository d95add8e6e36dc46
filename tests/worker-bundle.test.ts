import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bundle, type BundleSpec } from '../src/workers/bundle.js';

/**
 * The workers' bundle (src/workers/bundle.ts) on a project of its own: a worker must never
 * run code older than its sources, and a start with nothing changed must not build again.
 */
let root: string;
let spec: BundleSpec;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'briefbot-bundle-'));
  mkdirSync(join(root, 'src'));
  writeFileSync(join(root, 'package.json'), '{ "type": "module" }\n');
  writeFileSync(join(root, 'src', 'worker.ts'), "import { parentPort } from 'node:worker_threads';\nimport { answer } from './answer.js';\nparentPort!.postMessage(answer());\n");
  writeFileSync(join(root, 'src', 'answer.ts'), 'export const answer = (): string => "first";\n');
  spec = { entry: join(root, 'src', 'worker.ts'), root, cache: join(root, 'cache') };
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** What a worker started from the bundle posts. */
function run(start: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const w = new Worker(start);
    w.once('message', (m: string) => void w.terminate().then(() => resolve(m)));
    w.once('error', reject);
  });
}

const builds = () => readdirSync(spec.cache).filter((d) => /^[0-9a-f]{16}$/.test(d));

describe('the workers\' bundle', () => {
  it('runs the TypeScript sources as JavaScript, with no loader in the worker', async () => {
    expect(await run(bundle(spec))).toBe('first');
  });

  it('is reused while no source changed, and built again from the edited sources when one did', async () => {
    const first = bundle(spec);
    const built = statSync(first).mtimeMs;
    expect(bundle(spec)).toBe(first);
    expect(statSync(first).mtimeMs).toBe(built);
    expect(builds()).toHaveLength(1);

    writeFileSync(join(root, 'src', 'answer.ts'), 'export const answer = (): string => "second";\n');
    const second = bundle(spec);
    expect(second).not.toBe(first);
    expect(await run(second)).toBe('second');
    expect(builds()).toHaveLength(2);
  });

  it('builds again after an edit that keeps the file\'s length, and lands in the same folder when only the time changed', async () => {
    const first = bundle(spec);
    const file = join(root, 'src', 'answer.ts');
    writeFileSync(file, 'export const answer = (): string => "frist";\n');
    expect(await run(bundle(spec))).toBe('frist');
    writeFileSync(file, 'export const answer = (): string => "first";\n');
    const later = new Date(statSync(file).mtimeMs + 5000);
    utimesSync(file, later, later);
    expect(bundle(spec)).toBe(first);
    expect(await run(first)).toBe('first');
  });

  it('is built again when its folder was removed', async () => {
    const first = bundle(spec);
    rmSync(join(first, '..'), { recursive: true });
    const again = bundle(spec);
    expect(again).toBe(first);
    expect(await run(again)).toBe('first');
  });
});
